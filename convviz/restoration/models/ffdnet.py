"""FFDNet-style blind Gaussian denoiser: the DnCNN stack run at half resolution.

Zhang, Zuo, Zhang, "FFDNet: Toward a Fast and Flexible Solution for CNN-Based Image Denoising",
IEEE TIP 2018. For a grayscale image y = x + n with noise level sigma (0-255 scale):

    u = pixel_unshuffle(y, 2)                     # (B, 4, H/2, W/2): the 4 polyphase sub-images
    m = sigma / 255 everywhere                    # (B, 1, H/2, W/2): the noise-level map
    r = conv3x3(ReLU(conv3x3(... ReLU(conv3x3([u, m])) ...)))   # depth layers, width channels
    x_hat = y - pixel_shuffle(r, 2)               # residual learning as in DnCNN: r predicts n

Differences from the paper: no batch normalisation (Adam trains the plain stack), the last
layer predicts the noise (DnCNN's residual) instead of the clean image, and odd sizes are
padded by replicating the last row/column before the unshuffle and cropped after.

Cost: every conv runs on H*W/4 positions, so MACs per full-resolution pixel are
    (9*5*w + (depth-2)*9*w*w + 9*w*4) / 4.
Checked against a hook count in tests/restoration/test_models.py.
"""
import torch
import torch.nn.functional as F
from torch import nn


class FFDNet(nn.Module):
    """Denoiser taking a noisy (B, 1, H, W) image in [0, 1] and sigma on the 0-255 scale."""

    def __init__(self, depth: int = 12, width: int = 64):
        super().__init__()
        self.depth, self.width = depth, width
        layers = [nn.Conv2d(4 + 1, width, 3, padding=1), nn.ReLU(inplace=True)]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.ReLU(inplace=True)]
        layers += [nn.Conv2d(width, 4, 3, padding=1)]
        self.body = nn.Sequential(*layers)
        for conv in self.body[:-1:2]:          # He init keeps the signal alive through the ReLUs
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            nn.init.zeros_(conv.bias)
        nn.init.zeros_(self.body[-1].weight)   # start as the identity: x_hat = y
        nn.init.zeros_(self.body[-1].bias)

    def config(self) -> dict:
        return {"depth": self.depth, "width": self.width}

    def forward(self, noisy: torch.Tensor, sigma) -> torch.Tensor:
        """noisy: (B, 1, H, W); sigma: number or (B,) tensor, 0-255 scale. Returns (B, 1, H, W)."""
        return noisy - self.noise(noisy, sigma)

    def noise(self, noisy: torch.Tensor, sigma) -> torch.Tensor:
        """The predicted noise n_hat, (B, 1, H, W)."""
        B, _, H, W = noisy.shape
        y = F.pad(noisy, (0, W % 2, 0, H % 2), mode="replicate")      # (B, 1, H', W') even sizes
        u = F.pixel_unshuffle(y, 2)                                    # (B, 4, H'/2, W'/2)
        sigma = torch.as_tensor(sigma, dtype=u.dtype, device=u.device).reshape(-1, 1, 1, 1)
        level = (sigma / 255).expand(B, 1, *u.shape[2:])               # (B, 1, H'/2, W'/2)
        r = self.body(torch.cat([u, level], dim=1))                    # (B, 4, H'/2, W'/2)
        return F.pixel_shuffle(r, 2)[:, :, :H, :W]                     # (B, 1, H, W)

    def feature_maps(self, noisy: torch.Tensor, sigma, layer: int) -> torch.Tensor:
        """Activations after the ReLU of conv layer `layer` (1-based), (B, width, H'/2, W'/2)."""
        if not 1 <= layer <= self.depth - 1:
            raise ValueError(f"layer must be in 1..{self.depth - 1} (the layers with a ReLU), got {layer}")
        B, _, H, W = noisy.shape
        y = F.pad(noisy, (0, W % 2, 0, H % 2), mode="replicate")
        u = F.pixel_unshuffle(y, 2)
        level = torch.full((B, 1, *u.shape[2:]), float(sigma) / 255, dtype=u.dtype, device=u.device)
        return self.body[: 2 * layer](torch.cat([u, level], dim=1))

    def macs_per_pixel(self) -> float:
        """(9*5*w + (depth-2)*9*w*w + 9*w*4) / 4 multiply-accumulates per full-resolution pixel."""
        w = self.width
        return (9 * 5 * w + (self.depth - 2) * 9 * w * w + 9 * w * 4) / 4

    def receptive_field(self) -> int:
        """Each 3x3 layer at half resolution widens the field by 2 half-res pixels = 4 pixels."""
        return 2 * (2 * self.depth + 1)
