"""Geometric self-ensemble: run a net on rotated and flipped copies of the input, undo each
transform on the output, and average.

For a transform T from the dihedral group of the square (4 rotations by 90 degrees, each with or
without a mirror flip) and a net f:

    f_ens(x) = (1 / |S|) * sum over T in S of  T^-1( f( T(x) ) )

A net trained on randomly rotated and flipped patches is close to, but not exactly, equivariant to
these transforms, so the copies make partly independent errors and their mean is better: the
"geometric self-ensemble" of Timofte, Rothe & Van Gool (2016, "Seven ways to improve example-based
single image super resolution") and EDSR+ (Lim et al. 2017). It costs |S| forward passes. For a
pure convolution with a kernel w it gives the convolution with the average of the |S| transformed
kernels (tests/restoration/test_self_ensemble.py checks that against torch).

    ENSEMBLES[1]  identity only (one pass)
    ENSEMBLES[2]  identity and the upside-down flip
    ENSEMBLES[4]  the four rotations by 0, 90, 180, 270 degrees
    ENSEMBLES[8]  the whole dihedral group: four rotations, each also mirrored
"""
from typing import Callable

import torch

# (quarter turns k, mirror first?) ; T(x) = rot90(flip(x) if mirror else x, k)
ENSEMBLES = {
    1: ((0, False),),
    2: ((0, False), (2, True)),
    4: ((0, False), (1, False), (2, False), (3, False)),
    8: tuple((k, mirror) for mirror in (False, True) for k in range(4)),
}
DIMS = (-2, -1)   # (H, W) of a (B, C, H, W) tensor


def transform(x: torch.Tensor, turns: int, mirror: bool) -> torch.Tensor:
    """T(x): mirror left-right (if asked), then rotate by `turns` quarter turns (counter-clockwise)."""
    if mirror:
        x = torch.flip(x, dims=(-1,))
    return torch.rot90(x, turns, dims=DIMS)


def inverse_transform(y: torch.Tensor, turns: int, mirror: bool) -> torch.Tensor:
    """T^-1(y): undo the rotation, then the mirror."""
    y = torch.rot90(y, -turns, dims=DIMS)
    return torch.flip(y, dims=(-1,)) if mirror else y


def self_ensemble(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, copies: int = 4) -> torch.Tensor:
    """mean over T in ENSEMBLES[copies] of T^-1(fn(T(x))); x is (..., H, W), fn keeps the layout
    (it may scale H and W by the same factor, as a super-resolution net does)."""
    if copies not in ENSEMBLES:
        raise ValueError(f"self-ensemble copies must be one of {sorted(ENSEMBLES)}, got {copies}")
    total = None
    for turns, mirror in ENSEMBLES[copies]:
        y = inverse_transform(fn(transform(x, turns, mirror)), turns, mirror)
        total = y if total is None else total + y
    return total / len(ENSEMBLES[copies])
