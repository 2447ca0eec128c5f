"""Torch reference for convviz.unet: a tiny U-Net built on the fly (nn modules, float64, 2 channels),
run on a zero input, with the spatial size recorded before and after every operation.

Rows come out in the same order and with the same stage/operation names as convviz.unet.unet_table,
but every size is read off a real tensor's shape (torch pools floor odd sizes instead of refusing,
so on a size the table rejects the rows show where a pool saw an odd size).
"""

from __future__ import annotations

import torch
import torch.nn as nn


def _centre_crop(x: torch.Tensor, size: int) -> torch.Tensor:
    top = (x.shape[-2] - size) // 2
    left = (x.shape[-1] - size) // 2
    return x[..., top:top + size, left:left + size]


def unet_torch_rows(n: int, depth: int = 4, padded: bool = False, channels: int = 2) -> list[dict]:
    """Run a U-Net with `channels` features per map (2× at concatenations) on a (1, 1, n, n) input and
    return one row per operation: stage, operation, size in, size out, skip ("from → to" or "")."""
    p = 1 if padded else 0
    conv_name = "3×3 conv, padding 1" if padded else "3×3 conv (valid)"
    rows = []
    x = torch.zeros(1, 1, n, n, dtype=torch.float64)

    def run(stage, operation, module, x, skip=""):
        y = module(x)
        rows.append({"stage": stage, "operation": operation, "size in": x.shape[-1], "size out": y.shape[-1],
                     "skip": skip})
        assert y.shape[-2] == y.shape[-1]
        return y

    def conv(c_in):
        return nn.Conv2d(c_in, channels, 3, padding=p, dtype=torch.float64)

    skips = []
    with torch.no_grad():
        c_in = 1
        for level in range(1, depth + 1):
            x = run(f"down {level}", conv_name, conv(c_in), x)
            x = run(f"down {level}", conv_name, conv(channels), x)
            skips.append(x)
            x = run(f"down {level}", "2×2 max pool, stride 2", nn.MaxPool2d(2, 2), x)
            c_in = channels
        x = run("bottom", conv_name, conv(channels), x)
        x = run("bottom", conv_name, conv(channels), x)
        for level in range(depth, 0, -1):
            stage = f"up {level}"
            x = run(stage, "2×2 up-conv, stride 2", nn.ConvTranspose2d(channels, channels, 2, stride=2,
                                                                       dtype=torch.float64), x)
            enc = skips[level - 1]
            cropped = _centre_crop(enc, x.shape[-1])
            joined = torch.cat([cropped, x], dim=1)                     # (1, 2·channels, s, s)
            rows.append({"stage": stage, "operation": f"crop down {level}'s map, concatenate",
                         "size in": x.shape[-1], "size out": joined.shape[-1],
                         "skip": f"{enc.shape[-1]} → {cropped.shape[-1]}"})
            x = run(stage, conv_name, conv(2 * channels), joined)
            x = run(stage, conv_name, conv(channels), x)
        run("output", "1×1 conv", nn.Conv2d(channels, 1, 1, dtype=torch.float64), x)
    return rows
