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


Box = tuple[int, int, int, int]     # (top, bottom, left, right)


def tile_boxes(H: int, W: int, tile: int, overlap: int, align: int = 1) -> list[tuple[Box, Box]]:
    """The tiles of an H × W image, row by row: [((top, bottom, left, right) of the core,
    (top, bottom, left, right) of the padded tile), ...]; one tile (the whole image) when it fits."""
    if tile % align or overlap % align:
        raise ValueError(f"tile ({tile}) and overlap ({overlap}) must be multiples of align ({align})")
    if H <= tile and W <= tile:
        return [((0, H, 0, W), (0, H, 0, W))]
    boxes = []
    for top in range(0, H, tile):
        for left in range(0, W, tile):
            bottom, right = min(top + tile, H), min(left + tile, W)
            boxes.append(((top, bottom, left, right),
                          (max(top - overlap, 0), min(bottom + overlap, H), max(left - overlap, 0), min(right + overlap, W))))
    return boxes


def tiled_apply(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, *, tile: int = 512,
                overlap: int = 32, scale: int = 1, align: int = 1,
                progress: Callable[[int, int], None] | None = None, out: torch.Tensor | None = None) -> torch.Tensor:
    """fn: (B, C, h, w) -> (B, C_out, scale*h, scale*w), applied to x (B, C, H, W) in tiles.

    tile and overlap must be multiples of align. Returns (B, C_out, scale*H, scale*W).
    progress(done, total) is called after each tile (it may raise to stop the run).
    out: where to write the result (any strides and dtype, e.g. a view of a numpy (H, W, C) array), so that
    a large image needs no second full-size copy; otherwise allocated like fn's first tile.
    """
    H, W = x.shape[-2:]
    boxes = tile_boxes(H, W, tile, overlap, align)
    if len(boxes) == 1:
        y = fn(x)
        if out is not None:
            out.copy_(y)
            y = out
        if progress:
            progress(1, 1)
        return y
    for done, ((top, bottom, left, right), (pad_top, pad_bottom, pad_left, pad_right)) in enumerate(boxes, 1):
        y = fn(x[..., pad_top:pad_bottom, pad_left:pad_right])   # (B, C_out, s*h_pad, s*w_pad)
        if out is None:
            out = y.new_empty(*y.shape[:2], scale * H, scale * W)  # (B, C_out, sH, sW)
        core = y[..., scale * (top - pad_top): scale * (bottom - pad_top),
                 scale * (left - pad_left): scale * (right - pad_left)]
        out[..., scale * top: scale * bottom, scale * left: scale * right] = core
        if progress:
            progress(done, len(boxes))
    return out
