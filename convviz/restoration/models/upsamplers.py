"""Tiny ×2 upsamplers that differ only in how they upsample (issue 34: checkerboard artifacts after training).

With y the low-resolution luminance (B, 1, H, W) and w = 16 channels:

    f = ReLU(conv3x3(y))            # (B, w, H, W), 1 -> w
    f = ReLU(conv3x3(f))            # (B, w, H, W)
    x_hat = up(f)                   # (B, 1, 2H, 2W), one of
        checker_transposed   conv_transpose2d(k=3, s=2, p=1, output_padding=1)      (Odena et al.: uneven overlap)
        checker_resize       nearest ×2, then conv3x3                              (Odena et al.'s remedy)
        checker_icnr         conv3x3 to 4 channels, pixel_shuffle(2), ICNR init    (Aitken et al. 2017)

No skip connection: the image comes out of the upsampling layer itself, so its artifacts are not hidden under a
bicubic base. Weights start from torch's default initialisation (the ICNR layer: one default-initialised filter
and bias repeated over the 4 sub-pixel positions).
convviz.checkerboard.trained_upsample runs the same weights in numpy.
"""
import torch
import torch.nn.functional as F
from torch import nn


class TinyUpsampler(nn.Module):
    """(B, 1, H, W) -> (B, 1, 2H, 2W); `kind` is set by the subclasses below."""

    kind = ""

    def __init__(self, scale: int = 2, width: int = 16):
        super().__init__()
        if scale != 2:
            raise ValueError("the checkerboard upsamplers are ×2 only")
        self.scale, self.width = scale, width
        self.conv1 = nn.Conv2d(1, width, 3, padding=1)
        self.conv2 = nn.Conv2d(width, width, 3, padding=1)
        if self.kind == "checker_transposed":
            self.up = nn.ConvTranspose2d(width, 1, 3, stride=2, padding=1, output_padding=1)
        elif self.kind == "checker_resize":
            self.up = nn.Conv2d(width, 1, 3, padding=1)
        else:
            self.up = nn.Conv2d(width, 4, 3, padding=1)
            with torch.no_grad():                               # ICNR: the sub-pixel filters start equal
                self.up.weight.copy_(self.up.weight[:1].repeat(4, 1, 1, 1))
                self.up.bias.copy_(self.up.bias[:1].repeat(4))

    def config(self) -> dict:
        return {"scale": self.scale, "width": self.width}

    def forward(self, low: torch.Tensor) -> torch.Tensor:
        """low: (B, 1, H, W) in [0, 1]. Returns (B, 1, 2H, 2W), not clipped."""
        f = F.relu(self.conv2(F.relu(self.conv1(low))))
        if self.kind == "checker_transposed":
            return self.up(f)
        if self.kind == "checker_resize":
            return self.up(F.interpolate(f, scale_factor=2, mode="nearest"))
        return F.pixel_shuffle(self.up(f), 2)


class CheckerTransposed(TinyUpsampler):
    kind = "checker_transposed"


class CheckerResize(TinyUpsampler):
    kind = "checker_resize"


class CheckerICNR(TinyUpsampler):
    kind = "checker_icnr"
