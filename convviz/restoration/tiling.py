"""Run a convolutional net on a large image tile by tile, so that memory stays bounded.

A conv net's output pixel depends only on input pixels within its receptive-field radius r.
Each tile is therefore cut with a margin of `overlap` >= r pixels on every side that has a
neighbour, the net runs on the padded tile, and only the tile's core is kept:

    core   = rows [top, top + tile) of the input      (cols likewise)
    padded = rows [top - overlap, top + tile + overlap), clipped to the image
    output rows [scale*top, scale*(top + tile)) = net(padded)[scale*(top - padded_top) : ...]

With overlap >= r the result equals running the net on the whole image (up to float rounding);
tests/restoration/test_restore.py checks it to 1e-4. `align` keeps every cut at a multiple of 2 for nets
that pixel_unshuffle by 2.
"""
from typing import Callable

import torch


def tiled_apply(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, *, tile: int = 512,
                overlap: int = 32, scale: int = 1, align: int = 1) -> torch.Tensor:
    """fn: (B, C, h, w) -> (B, C_out, scale*h, scale*w), applied to x (B, C, H, W) in tiles.

    tile and overlap must be multiples of align. Returns (B, C_out, scale*H, scale*W).
    """
    if tile % align or overlap % align:
        raise ValueError(f"tile ({tile}) and overlap ({overlap}) must be multiples of align ({align})")
    H, W = x.shape[-2:]
    if H <= tile and W <= tile:
        return fn(x)
    out = None
    for top in range(0, H, tile):
        for left in range(0, W, tile):
            bottom, right = min(top + tile, H), min(left + tile, W)
            pad_top, pad_left = max(top - overlap, 0), max(left - overlap, 0)
            pad_bottom, pad_right = min(bottom + overlap, H), min(right + overlap, W)
            y = fn(x[..., pad_top:pad_bottom, pad_left:pad_right])   # (B, C_out, s*h_pad, s*w_pad)
            if out is None:
                out = y.new_empty(*y.shape[:2], scale * H, scale * W)  # (B, C_out, sH, sW)
            core = y[..., scale * (top - pad_top): scale * (bottom - pad_top),
                     scale * (left - pad_left): scale * (right - pad_left)]
            out[..., scale * top: scale * bottom, scale * left: scale * right] = core
    return out
