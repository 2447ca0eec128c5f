"""One output cell of a convolution, step by step: the window, the products, the sum.

For output (o, i, j) the window tap (c, a, b) reads the zero-padded input at
(row, col) = (i·s_h + a·d_h, j·s_w + b·d_w), so

    y[o, i, j] = b[o] + sum over taps of  x_pad[c, row, col] · w[o, c, a, b].

In true-convolution mode the kernel is flipped first (see convviz.conv). The page's
highlighting and product list come from here; tests/compute/test_window.py sums the terms and
compares with F.conv2d.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz.conv import as_pair, cross_correlate2d, flip_kernel, output_shape, standardize


@dataclass(frozen=True)
class Tap:
    channel: int        # input channel c
    a: int              # kernel row
    b: int              # kernel column
    row: int            # row in the padded input
    col: int            # column in the padded input
    x: float            # input value (0 where the tap reads padding)
    w: float            # kernel value (after the flip, in convolution mode)
    is_padding: bool    # the tap reads a padded zero

    @property
    def product(self) -> float:
        return self.x * self.w


@dataclass(frozen=True)
class WindowStep:
    out_channel: int
    i: int
    j: int
    taps: tuple[Tap, ...]
    bias: float

    @property
    def total(self) -> float:
        """Sum of the products plus the bias: the output value y[o, i, j]."""
        return float(sum(t.product for t in self.taps) + self.bias)

    def rows_cols(self, channel: int = 0) -> list[tuple[int, int]]:
        """Padded-input cells the window covers in one channel."""
        return [(t.row, t.col) for t in self.taps if t.channel == channel]


def padded_input(x, padding=0) -> np.ndarray:
    """x (H, W) or (C, H, W) with zero padding, as (C, H + 2p_h, W + 2p_w)."""
    x = np.asarray(x, dtype=np.float64)
    x = x[None] if x.ndim == 2 else x
    ph, pw = as_pair(padding, "padding")
    return np.pad(x, ((0, 0), (ph, ph), (pw, pw)))


def window_step(x, w, i, j, out_channel=0, bias=None, stride=1, padding=0, dilation=1, flip=False) -> WindowStep:
    """The taps of output cell (out_channel, i, j); `flip=True` for true convolution."""
    if flip:
        w = flip_kernel(w)
    xs, ws, bs, _ = standardize(x, w, bias)
    (sh, sw), (ph, pw), (dh, dw) = as_pair(stride), as_pair(padding), as_pair(dilation)
    c_out, c_in, kh, kw = ws.shape
    ho, wo = output_shape(xs.shape[1:], (kh, kw), (sh, sw), (ph, pw), (dh, dw))
    if not (0 <= i < ho and 0 <= j < wo and 0 <= out_channel < c_out):
        raise ValueError(f"Output cell ({out_channel}, {i}, {j}) is outside the output ({c_out}, {ho}, {wo}).")
    xp = padded_input(xs, (ph, pw))
    h, wd = xs.shape[1:]
    taps = []
    for c in range(c_in):
        for a in range(kh):
            for b in range(kw):
                row, col = i * sh + a * dh, j * sw + b * dw
                pad = not (ph <= row < ph + h and pw <= col < pw + wd)
                taps.append(Tap(c, a, b, row, col, float(xp[c, row, col]), float(ws[out_channel, c, a, b]), pad))
    return WindowStep(out_channel, i, j, tuple(taps), float(bs[out_channel]))


def all_window_steps(x, w, out_channel=0, bias=None, stride=1, padding=0, dilation=1, flip=False) -> list[WindowStep]:
    """Every output position of one output map, in reading order (row by row)."""
    xs, ws, _, _ = standardize(x, flip_kernel(w) if flip else w, bias)
    ho, wo = output_shape(xs.shape[1:], ws.shape[2:], stride, padding, dilation)
    return [window_step(x, w, i, j, out_channel, bias, stride, padding, dilation, flip) for i in range(ho) for j in range(wo)]


@dataclass(frozen=True)
class OneMapView:
    """What the step-by-step views draw for one output map: x (C, H, W), the kernel as it
    multiplies (flipped in convolution mode, (C, kh, kw)), its bias, the settings as pairs, and y."""
    x: np.ndarray
    kernel: np.ndarray
    bias: float
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    y: np.ndarray


def one_map_view(x, w, bias=0.0, stride=1, padding=0, dilation=1, flip=False) -> OneMapView:
    """x (H, W) or (C, H, W), w (kh, kw) or (C, kh, kw) for the first output map, ready to draw."""
    xs, ws, bs, _ = standardize(x, w, bias)
    kernel = flip_kernel(ws[0]) if flip else ws[0]
    y = cross_correlate2d(xs, kernel, bias=bs[0], stride=stride, padding=padding, dilation=dilation)
    return OneMapView(xs, kernel, float(bs[0]), as_pair(stride), as_pair(padding), as_pair(dilation), y)
