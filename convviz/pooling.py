"""Max and average pooling with torch's semantics (F.max_pool2d, F.avg_pool2d), and striding.

    o = floor((n + 2p - k) / s) + 1,  stride s defaults to the kernel size k.

Max pooling pads with -inf (padding never wins); average pooling pads with zeros and
divides by k_h·k_w (torch's count_include_pad=True). torch only allows p <= k/2.
x is (H, W) or (C, H, W); checked in tests/test_pooling.py.
"""

from __future__ import annotations

import numpy as np

from convviz.arithmetic import conv_output_size
from convviz.conv import as_pair


def _windows(x, kernel_size, stride, padding, fill) -> tuple[np.ndarray, bool]:
    """All pooling windows as an array (C, H', W', kh, kw), and whether x was 2-D."""
    x = np.asarray(x, dtype=np.float64)
    flat = x.ndim == 2
    if flat:
        x = x[None]
    if x.ndim != 3:
        raise ValueError(f"x must be (H, W) or (C, H, W), got shape {x.shape}.")
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
