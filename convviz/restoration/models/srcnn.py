"""SRCNN 9-1-5: super-resolution as three convolutions on the bicubic-upscaled luminance.

Dong, Loy, He, Tang, "Image Super-Resolution Using Deep Convolutional Networks", ECCV 2014 / TPAMI 2016.
With Y the bicubic-upscaled luminance (B, 1, sH, sW) in [0, 1]:

    F1 = ReLU(W1 * Y + b1)     # 9x9, 1 -> n1 = 64: patch extraction
    F2 = ReLU(W2 * F1 + b2)    # 1x1, 64 -> n2 = 32: non-linear mapping
    X  = W3 * F2 + b3          # 5x5, 32 -> 1: reconstruction

Difference from the paper: zero 'same' padding (padding 4, 0, 2) keeps the output the size of
the input instead of shrinking it by 12 pixels; the border pixels see zeros. The paper trains
with "valid" convolutions on 33x33 patches and SGD; we use Adam.

Cost per output pixel: 81*n1 + n1*n2 + 25*n2 = 5184 + 2048 + 800 = 8032 MACs.
"""
import torch
from torch import nn


class SRCNN(nn.Module):
    """Maps a bicubic-upscaled (B, 1, H, W) luminance to a sharper (B, 1, H, W) one."""

    def __init__(self, n1: int = 64, n2: int = 32, scale: int = 3):
        super().__init__()
        self.n1, self.n2, self.scale = n1, n2, scale   # scale only records what it was trained for
        self.conv1 = nn.Conv2d(1, n1, 9, padding=4)
        self.conv2 = nn.Conv2d(n1, n2, 1)
        self.conv3 = nn.Conv2d(n2, 1, 5, padding=2)
        for conv in (self.conv1, self.conv2, self.conv3):   # the paper's init: N(0, 0.001^2)... too slow
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            nn.init.zeros_(conv.bias)
        nn.init.normal_(self.conv3.weight, std=1e-3)

    def config(self) -> dict:
        return {"n1": self.n1, "n2": self.n2, "scale": self.scale}

    def forward(self, upscaled: torch.Tensor) -> torch.Tensor:
        """upscaled: (B, 1, H, W) bicubic-upscaled luminance. Returns (B, 1, H, W)."""
        f1 = torch.relu(self.conv1(upscaled))   # (B, n1, H, W)
        f2 = torch.relu(self.conv2(f1))         # (B, n2, H, W)
        return self.conv3(f2)                   # (B, 1, H, W)

    def macs_per_pixel(self) -> float:
        """81*n1 + n1*n2 + 25*n2 MACs per output pixel."""
        return 81 * self.n1 + self.n1 * self.n2 + 25 * self.n2

    def receptive_field(self) -> int:
        return 9 + 1 + 5 - 2
