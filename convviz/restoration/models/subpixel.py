"""ESPCN-style super-resolution: convolutions on the low-resolution luminance, then a sub-pixel shuffle.

Shi et al., "Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel
Convolutional Neural Network", CVPR 2016. With y the low-resolution luminance (B, 1, H, W):

    f = ReLU(conv5x5(y))                          # (B, w, H, W), 1 -> w
    f = ReLU(conv3x3(f))  repeated `depth` times  # (B, w, H, W)
    r = pixel_shuffle(conv3x3(f), s)              # (B, s*s, H, W) -> (B, 1, sH, sW)
    x_hat = bicubic(y, s) + r                     # residual on top of bicubic, as in VDSR

Differences from ESPCN: ReLU instead of tanh, more 3x3 layers, and the bicubic skip (torch's
bicubic, align_corners=False) so that the untrained net already equals bicubic and training only
learns the missing detail. Every conv runs at low resolution, hence "efficient".

Cost per high-resolution pixel: (25*w + depth*9*w*w + 9*w*s*s) / (s*s) MACs (the bicubic skip,
16 MACs per output pixel, is not counted).
"""
import torch
import torch.nn.functional as F
from torch import nn


class SubPixelSR(nn.Module):
    """Maps low-resolution luminance (B, 1, H, W) to (B, 1, scale*H, scale*W)."""

    def __init__(self, scale: int = 2, width: int = 32, depth: int = 4):
        super().__init__()
        self.scale, self.width, self.depth = scale, width, depth
        layers = [nn.Conv2d(1, width, 5, padding=2), nn.ReLU(inplace=True)]
        for _ in range(depth):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.ReLU(inplace=True)]
        layers += [nn.Conv2d(width, scale * scale, 3, padding=1)]
        self.body = nn.Sequential(*layers)
        for conv in self.body[:-1:2]:          # He init keeps the signal alive through the ReLUs
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            nn.init.zeros_(conv.bias)
        nn.init.zeros_(self.body[-1].weight)   # start as plain bicubic
        nn.init.zeros_(self.body[-1].bias)

    def config(self) -> dict:
        return {"scale": self.scale, "width": self.width, "depth": self.depth}

    def forward(self, low: torch.Tensor) -> torch.Tensor:
        """low: (B, 1, H, W) in [0, 1]. Returns (B, 1, sH, sW), not clipped."""
        base = F.interpolate(low, scale_factor=self.scale, mode="bicubic", align_corners=False)  # (B, 1, sH, sW)
        detail = F.pixel_shuffle(self.body(low), self.scale)   # (B, s*s, H, W) -> (B, 1, sH, sW)
        return base + detail

    def macs_per_pixel(self) -> float:
        """(25*w + depth*9*w*w + 9*w*s*s) / (s*s) MACs per high-resolution pixel."""
        w, s = self.width, self.scale
        return (25 * w + self.depth * 9 * w * w + 9 * w * s * s) / (s * s)

    def receptive_field(self) -> int:
        """In low-resolution pixels: 5, then +2 per 3x3 layer (depth + 1 of them)."""
        return 5 + 2 * (self.depth + 1)
