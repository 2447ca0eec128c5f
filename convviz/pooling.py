"""Max, average, Lp and weighted-average pooling with torch's semantics, and striding.

    o = floor((n + 2p - k) / s) + 1,  stride s defaults to the kernel size k.

Max pooling pads with -inf (padding never wins); average pooling pads with zeros and
divides by k_h·k_w (torch's count_include_pad=True). torch only allows p <= k/2.
Note 002 lists two more: L2-norm pooling (lp_pool2d, as F.lp_pool2d: no padding) and a
weighted average "based on the distance from the central voxel" (weighted_avg_pool2d with
gaussian_pool_weights, equal to a depthwise F.conv2d with the fixed kernel).
x is (H, W) or (C, H, W); checked in tests/compute/test_pooling.py.
"""

from __future__ import annotations

import numpy as np

from convviz.arithmetic import conv_output_size
from convviz.conv import as_chw, as_pair


def _windows(x, kernel_size, stride, padding, fill) -> tuple[np.ndarray, bool]:
    """All pooling windows as an array (C, H', W', kh, kw), and whether x was 2-D."""
    flat = np.ndim(x) == 2
    x = as_chw(x)
    kh, kw = as_pair(kernel_size, "kernel_size")
    sh, sw = as_pair(kernel_size if stride is None else stride, "stride")
    ph, pw = as_pair(padding, "padding")
    if 2 * ph > kh or 2 * pw > kw:
        raise ValueError(f"Padding {(ph, pw)} must be at most half the pooling kernel {(kh, kw)} (torch's rule).")
    ho, wo = conv_output_size(x.shape[1], kh, sh, ph), conv_output_size(x.shape[2], kw, sw, pw)
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    views = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(1, 2))  # (C, Hp-kh+1, Wp-kw+1, kh, kw)
    return views[:, : (ho - 1) * sh + 1 : sh, : (wo - 1) * sw + 1 : sw], flat     # (C, H', W', kh, kw)


def max_pool2d(x, kernel_size, stride=None, padding=0) -> np.ndarray:
    """y[c, i, j] = max over the k_h×k_w window starting at (i·s_h - p_h, j·s_w - p_w)."""
    win, flat = _windows(x, kernel_size, stride, padding, -np.inf)
    y = win.max(axis=(-2, -1))
    return y[0] if flat else y


def avg_pool2d(x, kernel_size, stride=None, padding=0) -> np.ndarray:
    """y[c, i, j] = mean of the k_h×k_w window, padded zeros included in the count."""
    win, flat = _windows(x, kernel_size, stride, padding, 0.0)
    y = win.mean(axis=(-2, -1))
    return y[0] if flat else y


def central_sample_pool2d(x, kernel_size, stride=None, padding=0) -> np.ndarray:
    """Note 001's third pooling, "striding": y[c, i, j] = the window's central sample,
    x_pad[c, i·s_h + (k_h − 1)//2, j·s_w + (k_w − 1)//2] (the upper-left of the middle four for an even k).
    The same as a stride-s convolution whose kernel is a single 1 at the centre."""
    kh, kw = as_pair(kernel_size, "kernel_size")
    win, flat = _windows(x, kernel_size, stride, padding, 0.0)
    y = win[..., (kh - 1) // 2, (kw - 1) // 2]
    return y[0] if flat else y


def lp_pool2d(x, p: float, kernel_size, stride=None) -> np.ndarray:
    """Note 002's "L2 Norm" pooling for p = 2, any p > 0 as torch's F.lp_pool2d (no padding, stride
    defaults to k):  y[c, i, j] = (Σ_window x^p)^(1/p)   (a sum, not a mean: p = 1 is sum pooling).

    p = inf gives max |x| (torch's special case). Inputs torch leaves undefined give what torch gives:
    for negative x and a non-integer p, x^p is not real and the output is nan; for an odd integer
    p ≥ 3 a window whose sum of x^p is negative is nan too (its real 1/p-th root is not taken).
    On x ≥ 0 every p gives a real number; the page only pools x ≥ 0.
    """
    p = float(p)
    if not p > 0:
        raise ValueError(f"The power p of Lp pooling must be positive, got {p:g}.")
    if p == np.inf:
        return max_pool2d(np.abs(np.asarray(x, dtype=np.float64)), kernel_size, stride)
    win, flat = _windows(x, kernel_size, stride, 0, 0.0)
    with np.errstate(invalid="ignore"):                  # nan where torch gives nan (see above)
        y = np.power(np.power(win, p).sum(axis=(-2, -1)), 1.0 / p)
    return y[0] if flat else y


def gaussian_pool_weights(kernel_size, sigma: float) -> np.ndarray:
    """Note 002's weighted average "based on the distance from the central voxel": a Gaussian of the
    distance d from the window's centre, w[a, b] ∝ exp(−d² / (2σ²)), normalised so Σ w = 1."""
    kh, kw = as_pair(kernel_size, "kernel_size")
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma:g}.")
    a, b = np.arange(kh) - (kh - 1) / 2, np.arange(kw) - (kw - 1) / 2
    w = np.exp(-(a[:, None] ** 2 + b[None, :] ** 2) / (2.0 * sigma**2))
    return w / w.sum()


def weighted_avg_pool2d(x, weights, stride=None, padding=0) -> np.ndarray:
    """Weighted-average pooling with a fixed kh×kw kernel w (Σ w = 1), stride defaulting to k:

        y[c, i, j] = Σ_{a,b} w[a, b] · x_pad[c, i·s_h + a, j·s_w + b]

    the same in every channel: F.conv2d(x, w repeated per channel, stride, padding, groups=C)
    (depthwise). Zero padding, at most half the window (as the other pools).
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.size == 0:
        raise ValueError(f"weights must be a 2-D (kh, kw) kernel, got shape {w.shape}.")
    if not np.all(np.isfinite(w)) or abs(w.sum() - 1.0) > 1e-9:
        raise ValueError(f"The weights of a weighted average must sum to 1, got {w.sum():g}.")
    win, flat = _windows(x, w.shape, stride, padding, 0.0)
    y = np.einsum("chwab,ab->chw", win, w)
    return y[0] if flat else y
