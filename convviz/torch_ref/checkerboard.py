"""Torch twins of convviz.checkerboard (float64): the same weights (convviz.checkerboard.decoder_weights and
gradient_weights draw them), run by F.conv_transpose2d, F.interpolate + F.conv2d and F.pixel_shuffle; the
input gradient by autograd."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convviz.checkerboard import check_gradient_image, decoder_weights, gradient_weights


def _t(a) -> torch.Tensor:
    return torch.from_numpy(np.array(a, dtype=np.float64))          # a writable copy


def upsampling_layer_torch(kind: str, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """One ×2 layer of `kind` on x (B, C_in, H, W), torch.nn.functional only."""
    if kind == "transposed_k3s2":
        return F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)
    if kind == "transposed_k4s2":
        return F.conv_transpose2d(x, w, b, stride=2, padding=1)
    if kind == "resize_conv":
        return F.conv2d(F.interpolate(x, scale_factor=2, mode="nearest"), w, b, padding=1)
    return F.pixel_shuffle(F.conv2d(x, w, b, padding=1), 2)


def decoder_output_torch(kind: str, seed: int = 0, size: int = 8, layers: int = 3) -> np.ndarray:
    """convviz.checkerboard.decoder_output computed by torch on the same arrays."""
    z, params = decoder_weights(kind, seed, size, layers)
    x = _t(z)[None]
    for i, (w, b) in enumerate(params):
        x = upsampling_layer_torch(kind, x, _t(w), _t(b))
        if i < len(params) - 1:
            x = F.relu(x)
    return x[0, 0].numpy()


def input_gradient_torch(kind: str, image, seed: int = 0) -> np.ndarray:
    """convviz.checkerboard.input_gradient by autograd: ∂⟨r, f(x)⟩/∂x with the same weights and r."""
    x = _t(check_gradient_image(image))[None, None].requires_grad_(True)
    params, rng = gradient_weights(kind, seed)
    a = x
    for i, (w, b) in enumerate(params):
        a = F.conv2d(a, _t(w), _t(b), stride=2 if kind == "strided" else 1, padding=1)
        if i < 2:
            a = F.relu(a)
        if kind == "pooled":
            a = F.avg_pool2d(a, 2)
    r = _t(rng.standard_normal(tuple(a.shape[1:])))[None]
    (a * r).sum().backward()
    return x.grad[0, 0].numpy()
