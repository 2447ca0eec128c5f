"""Fixed upsampling (nearest, bilinear), the sub-pixel shuffle, and ICNR initialisation.

Note 000 ("Upsampling"): torch.nn.Upsample with mode='nearest' or 'bilinear'. Its worked
example, [[6, 8], [3, 4]] ×2 bilinear (align_corners=False), gives rows [6, 6.5, 7.5, 8],
[5.25, 5.6875, 6.5625, 7], [3.75, 4.0625, 4.6875, 5], [3, 3.25, 3.75, 4].
Source coordinates follow ATen (UpSample.h): with a scale factor f,
  align_corners=False: src = (dst + 0.5)/f - 0.5, clamped at 0;  nearest: src = floor(dst/f)
  align_corners=True:  src = dst (n_in - 1)/(n_out - 1)
Pixel shuffle (Shi et al. 2016): out[c, h·r + i, w·r + j] = x[c·r² + i·r + j, h, w].
ICNR (Aitken et al. 2017, "Checkerboard artifact free sub-pixel convolution"): give all r²
sub-pixel filters the same weights, so that conv + shuffle starts as nearest upsampling + conv.
Equal to F.interpolate / F.pixel_shuffle / F.pixel_unshuffle in float64 (tests/compute/test_upsample.py).
"""

from __future__ import annotations

import math

import numpy as np

from convviz.conv import cross_correlate2d
from convviz.transposed import insert_zeros

MODES = ("nearest", "bilinear")


def _scales(scale) -> tuple[float, float]:
    pair = (scale, scale) if np.ndim(scale) == 0 else tuple(scale)
    if len(pair) != 2 or not all(math.isfinite(float(f)) and float(f) > 0 for f in pair):
        raise ValueError(f"scale must be a positive number or a pair (h, w) of them, got {scale!r}.")
    return float(pair[0]), float(pair[1])


def _nearest_index(n_in: int, n_out: int, f: float) -> np.ndarray:
    return np.minimum(np.floor(np.arange(n_out) * (1.0 / f)).astype(np.int64), n_in - 1)


def _linear_weights(n_in: int, n_out: int, f: float, align_corners: bool):
    """(i0, i1, lam): output t = (1 - lam) x[i0] + lam x[i1]."""
    t = np.arange(n_out, dtype=np.float64)
    if align_corners:
        src = t * ((n_in - 1) / (n_out - 1)) if n_out > 1 else np.zeros(n_out)
    else:
        src = np.maximum((t + 0.5) * (1.0 / f) - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    return i0, i1, src - i0


def upsample(x, scale, mode: str = "nearest", align_corners: bool = False) -> np.ndarray:
    """F.interpolate(x, scale_factor=scale, mode=mode, align_corners=...): x (H, W) or (C, H, W).

    Output size floor(H·f) × floor(W·f). align_corners applies to bilinear only (torch refuses it
    for nearest).
    """
    if mode not in MODES:
        raise ValueError(f"Unknown mode {mode!r}; choose one of {', '.join(MODES)}.")
    if mode == "nearest" and align_corners:
        raise ValueError("align_corners only applies to bilinear (torch refuses it with nearest).")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be (H, W) or (C, H, W), got shape {x.shape}.")
    fh, fw = _scales(scale)
    h, w = x.shape[-2:]
    ho, wo = int(math.floor(h * fh)), int(math.floor(w * fw))
    if ho < 1 or wo < 1:
        raise ValueError(f"A scale of {scale} turns {h}×{w} into {ho}×{wo}: nothing left.")
    if mode == "nearest":
        return x[..., _nearest_index(h, ho, fh)[:, None], _nearest_index(w, wo, fw)[None, :]]   # (…, H', W')
    r0, r1, lr = _linear_weights(h, ho, fh, align_corners)
    c0, c1, lc = _linear_weights(w, wo, fw, align_corners)
    rows = x[..., r0, :] * (1 - lr)[:, None] + x[..., r1, :] * lr[:, None]                     # (…, H', W)
    return rows[..., c0] * (1 - lc) + rows[..., c1] * lc                                       # (…, H', W')


def pixel_shuffle(x, r: int) -> np.ndarray:
    """(C·r², H, W) -> (C, H·r, W·r): each group of r² channels becomes an r×r block of pixels."""
    x = np.asarray(x, dtype=np.float64)
    r = int(r)
    if x.ndim != 3 or r < 1 or x.shape[0] % (r * r):
        raise ValueError(f"pixel_shuffle needs x (C·r², H, W) with channels divisible by r² = {r * r}, got shape {x.shape}.")
    c, h, w = x.shape[0] // (r * r), x.shape[1], x.shape[2]
    out = x.reshape(c, r, r, h, w).transpose(0, 3, 1, 4, 2)      # (C, H, r, W, r)
    return out.reshape(c, h * r, w * r)


def pixel_shuffle_example(r: int) -> np.ndarray:
    """(r², 2, 2): channel c holds 10c + position, so every shuffled number tells where it came from."""
    return np.stack([10 * c + np.arange(4.0).reshape(2, 2) for c in range(r * r)])


def pixel_unshuffle(x, r: int) -> np.ndarray:
    """(C, H·r, W·r) -> (C·r², H, W), the inverse of pixel_shuffle; x (H, W) counts as one channel."""
    x = np.asarray(x, dtype=np.float64)
    x = x[None] if x.ndim == 2 else x
    r = int(r)
    if x.ndim != 3 or r < 1 or x.shape[1] % r or x.shape[2] % r:
        raise ValueError(f"pixel_unshuffle needs height and width divisible by r = {r}, got shape {x.shape}.")
    c, h, w = x.shape[0], x.shape[1] // r, x.shape[2] // r
    out = x.reshape(c, h, r, w, r).transpose(0, 2, 4, 1, 3)      # (C, r, r, H, W)
    return out.reshape(c * r * r, h, w)


def icnr(w0, r: int) -> np.ndarray:
    """ICNR: a sub-pixel weight (C_out·r², C_in, kh, kw) from w0 (C_out, C_in, kh, kw), each filter
    repeated r² times, so that shuffle(conv(x, icnr(w0))) = nearest_upsample(conv(x, w0))."""
    w0 = np.asarray(w0, dtype=np.float64)
    return np.repeat(w0, r * r, axis=0)                          # (C_out·r², C_in, kh, kw)


def subpixel_conv(x, w, r: int, padding=0) -> np.ndarray:
    """Sub-pixel convolution: cross-correlate at low resolution, then pixel_shuffle.
    x (C_in, H, W), w (C_out·r², C_in, kh, kw) -> (C_out, H'·r, W'·r)."""
    return pixel_shuffle(cross_correlate2d(x, w, padding=padding), r)


def checker_input(kind: str, n: int) -> np.ndarray:
    """The low-resolution input the remedies share: 'constant' ones, or a 'smooth' bump (n, n)."""
    if kind == "constant":
        return np.ones((n, n))
    if kind == "smooth":
        r, c = np.mgrid[0:n, 0:n] - (n - 1) / 2
        return np.exp(-(r**2 + c**2) / (0.18 * n * n)) + 0.5
    raise ValueError(f"Unknown input {kind!r}; choose constant or smooth.")


def interior_spread(y: np.ndarray, border: int) -> float:
    """(max - min) / mean over the cells at least `border` from every edge (all cells if none are)."""
    inner = y[border:-border, border:-border] if border and min(y.shape) > 2 * border else y
    mean = float(np.abs(inner).mean())
    return float(inner.max() - inner.min()) / mean if mean else 0.0


def remedy_border(k: int, s: int) -> int:
    """Cells from each edge that the borders disturb in checkerboard_remedies: k-1 for the
    transposed convolutions, s·(k-1)//2 for the zero-padded sub-pixel convolutions."""
    return max(k - 1, s * ((k - 1) // 2))


def checkerboard_remedies(kind: str, n: int, k: int, s: int, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    """Upsample the same input by s six ways with k×k kernels (constant kernels unless noted).

    1. transposed conv k, stride s (uneven overlap when s does not divide k);
    2. transposed conv with k rounded up to a multiple of s (even overlap);
    3. / 4. nearest / bilinear resize ×s, then a k×k convolution;
    5. / 6. sub-pixel convolution (k×k conv to s² channels, pixel shuffle) with random filters,
    and with ICNR: the same random filter repeated s² times. No training: initialisation only.
    """
    from convviz.transposed import conv_transpose2d

    x = checker_input(kind, n)                                        # (n, n)
    k_even = s * -(-k // s)
    rng = np.random.default_rng(seed)
    w_random = rng.uniform(0.5, 1.5, size=(s * s, 1, k, k))           # (s², 1, k, k)
    w0 = rng.uniform(0.5, 1.5, size=(1, 1, k, k))                     # (1, 1, k, k)
    pad = (k - 1) // 2
    return [
        (f"transposed conv k={k}, s={s}", conv_transpose2d(x, np.ones((k, k)), stride=s)),
        (f"transposed conv k={k_even}, s={s} (s divides k)", conv_transpose2d(x, np.ones((k_even, k_even)), stride=s)),
        (f"nearest ×{s}, then conv {k}×{k}", cross_correlate2d(upsample(x, s, "nearest"), np.ones((k, k)))),
        (f"bilinear ×{s}, then conv {k}×{k}", cross_correlate2d(upsample(x, s, "bilinear"), np.ones((k, k)))),
        ("sub-pixel conv, random init", subpixel_conv(x[None], w_random, s, padding=pad)[0]),
        ("sub-pixel conv, ICNR init", subpixel_conv(x[None], icnr(w0, s), s, padding=pad)[0]),
    ]


def bed_of_nails(x, scale: int) -> np.ndarray:
    """Note 003's "bed of nails" upsampling: each value at the top-left of its scale×scale block, zeros
    elsewhere. out[i·s, j·s] = x[i, j]. The same as a stride-s transposed convolution whose s×s kernel
    is a single 1 at (0, 0)."""
    return np.pad(insert_zeros(x, scale), ((0, scale - 1), (0, scale - 1)))   # the last block's zeros too


def max_unpool2d(pooled, winners, output_shape) -> np.ndarray:
    """Note 003's max unpooling: each pooled value goes back to where its window's maximum was
    (`winners`, (H', W', 2) rows and columns, as convviz.zoo.max_pool2d_winners gives), zeros elsewhere."""
    out = np.zeros(output_shape)
    for (i, j), value in np.ndenumerate(np.asarray(pooled, dtype=np.float64)):
        out[tuple(winners[i, j])] = value
    return out


