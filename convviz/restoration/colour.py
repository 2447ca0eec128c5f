"""Colour denoising with a grayscale network: an orthonormal opponent colour transform (the colour step of CBM3D).

R, G and B of a photo are strongly correlated, so denoising them apart leaves the noise that the three
channels do not share as colour blotches. Dabov, Foi, Katkovnik & Egiazarian ("Color image denoising via
sparse 3D collaborative filtering with grouping constraint in luminance-chrominance space", ICIP 2007,
CBM3D) first move to a luminance-chrominance space, where almost all of the picture is in one channel and
the two others are smooth. Here the transform is the orthonormal opponent one,

    O = A · (R, G, B)ᵀ,   A = [[1, 1, 1] / √3,  [1, 0, −1] / √2,  [1, −2, 1] / √6],   A·Aᵀ = I,

so white noise N(0, σ²) on each of R, G, B is again white N(0, σ²) on each of O₁, O₂, O₃ (A is a rotation),
and A⁻¹ = Aᵀ. The grayscale network, trained on images in [0, 1], gets each channel moved into that range:

    luminance  L = O₁ / √3 = (R + G + B) / 3        in [0, 1],       noise σ / √3
    chroma     C₂ = O₂ + ½,  C₃ = O₃ + ½            about [0, 1],    noise σ

with the noise level carried through (`plane_sigmas`), and the result is turned back with `from_planes`.
Measured in docs/benchmarks.md ("Colour denoising"): +1.2 dB over R, G, B apart on Set5 + Set14.
"""
from __future__ import annotations

import numpy as np

OPPONENT = np.array([[1.0, 1.0, 1.0], [1.0, 0.0, -1.0], [1.0, -2.0, 1.0]]) / np.sqrt([[3.0], [2.0], [6.0]])
# The network's planes from O: P = SCALE * O + SHIFT (per channel), and back O = (P - SHIFT) / SCALE.
SCALE = np.array([1 / np.sqrt(3.0), 1.0, 1.0])
SHIFT = np.array([0.0, 0.5, 0.5])


def to_planes(rgb: np.ndarray, dtype=np.float32) -> np.ndarray:
    """(H, W, 3) RGB -> (3, H, W) planes for the network: L = mean of R, G, B; C₂ = (R − B)/√2 + ½;
    C₃ = (R − 2G + B)/√6 + ½ (see the module docstring)."""
    rgb = np.asarray(rgb)
    if rgb.dtype == np.uint8:
        rgb = rgb.astype(dtype) / 255
    m = (OPPONENT * SCALE[:, None]).astype(dtype)                       # (3, 3)
    planes = np.tensordot(m, rgb.astype(dtype, copy=False), axes=([1], [2]))   # (3, H, W)
    planes += SHIFT.astype(dtype)[:, None, None]
    return planes


def from_planes(planes: np.ndarray) -> np.ndarray:
    """Inverse of `to_planes`: (3, H, W) -> (H, W, 3) RGB (not clipped), in the planes' dtype."""
    planes = np.asarray(planes)
    back = (OPPONENT.T / SCALE[None, :]).astype(planes.dtype)            # Aᵀ · diag(1 / SCALE)
    shifted = planes - SHIFT.astype(planes.dtype)[:, None, None]
    return np.tensordot(shifted, back, axes=([0], [1]))                  # (H, W, 3)


def plane_sigmas(sigma: float) -> tuple[float, float, float]:
    """The noise level of each plane for white noise of `sigma` on R, G and B: (σ/√3, σ, σ)."""
    return tuple(float(sigma * s) for s in SCALE)


def opponent_sigma(rgb: np.ndarray, estimate) -> float:
    """The noise level of a colour image: the mean of `estimate` over the three orthonormal opponent channels
    O₁, O₂, O₃ (each holds white noise of exactly σ); `estimate` maps a plane to its σ on that plane's scale."""
    o = np.tensordot(OPPONENT, np.asarray(rgb, dtype=np.float64), axes=([1], [2]))   # (3, H, W)
    return float(np.mean([estimate(plane) for plane in o]))


def is_gray(rgb: np.ndarray) -> bool:
    """True when R, G and B are the same everywhere (a grayscale picture stored as colour)."""
    return bool(np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 1], rgb[..., 2]))
