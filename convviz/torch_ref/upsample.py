"""Torch twins of convviz.upsample (float64): F.interpolate, F.pixel_shuffle, fixed unpooling by
F.conv_transpose2d."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def fixed_unpooling_torch(x, encoder_input, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """(bed of nails of x by F.conv_transpose2d with a one-hot kernel, max unpooling of encoder_input's
    scale×scale max pool by F.max_pool2d(return_indices=True) and F.max_unpool2d), float64."""
    kernel = torch.zeros(1, 1, scale, scale, dtype=torch.float64)
    kernel[0, 0, 0, 0] = 1.0
    nails = F.conv_transpose2d(torch.from_numpy(np.asarray(x, dtype=np.float64))[None, None], kernel, stride=scale)
    z = torch.from_numpy(np.asarray(encoder_input, dtype=np.float64))[None, None]
    pooled, indices = F.max_pool2d(z, scale, return_indices=True)
    unpooled = F.max_unpool2d(pooled, indices, scale, output_size=z.shape[-2:])
    return nails[0, 0].numpy(), unpooled[0, 0].numpy()


def upsample_torch(x, scale, mode: str = "nearest", align_corners: bool = False) -> np.ndarray:
    """F.interpolate in float64 on x (H, W) or (C, H, W), for the page's check."""
    x = np.asarray(x, dtype=np.float64)
    t = torch.from_numpy(x[None] if x.ndim == 2 else x)[None]                      # (1, C, H, W)
    kw = dict(align_corners=align_corners) if mode == "bilinear" else {}
    y = F.interpolate(t, scale_factor=scale, mode=mode, **kw)[0].numpy()
    return y[0] if x.ndim == 2 else y


def pixel_shuffle_torch(x, r: int) -> np.ndarray:
    """F.pixel_shuffle in float64 on x (C·r², H, W), for the page's check."""
    return F.pixel_shuffle(torch.from_numpy(np.asarray(x, dtype=np.float64)), int(r)).numpy()
