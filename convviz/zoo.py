"""The convolution zoo of note 002: 1×1, dilated, grouped, depthwise and spatially separable
convolutions, pooling (forward and backward) and the locally connected (unshared) layer.

Shapes and argument names are torch's: x (C, H, W), w (C_out, C/groups, kh, kw) as in
nn.Conv2d, k kernel, s stride, p padding, d dilation, g groups. A "MAC" is one multiply-
accumulate of the layer's weights with an input value (bias additions are not counted):

    params = C_out·(C/g)·kh·kw (+ C_out bias)          macs = H'·W'·C_out·(C/g)·kh·kw

Every number is checked against torch in float64 in tests/compute/test_zoo.py; the `*_torch`
references and the seeded examples the page checks with them are in convviz/torch_ref/zoo.py.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from convviz.conv import as_pair, cross_correlate2d, output_shape
from convviz.pooling import avg_pool2d, central_sample_pool2d, lp_pool2d, max_pool2d, weighted_avg_pool2d
from convviz.receptive import Layer, field_sizes


# --- Costs ---------------------------------------------------------------------------------

def check_channels(in_channels: int, out_channels: int, groups: int) -> None:
    """Raise ValueError unless both channel counts are ≥ 1 and divisible by groups ≥ 1."""
    if in_channels < 1 or out_channels < 1:
        raise ValueError(f"Channels must be at least 1 (got in_channels={in_channels}, out_channels={out_channels}).")
    if groups < 1:
        raise ValueError(f"groups must be at least 1 (got {groups}).")
    for name, c in (("in_channels", in_channels), ("out_channels", out_channels)):
        if c % groups:
            raise ValueError(f"{name}={c} is not divisible by groups={groups}: each group must get "
                             f"the same whole number of channels (torch refuses this too).")


def conv_cost(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, dilation=1,
              groups=1, bias=True) -> dict:
    """Parameters, multiply-accumulates and output size of nn.Conv2d with these arguments.

    params = C_out·(C/g)·kh·kw + (C_out if bias); macs = H'·W'·C_out·(C/g)·kh·kw.

    >>> conv_cost(3, 64, 3, 32, padding=1)["params"]        # 64·3·3·3 + 64
    1792
    """
    check_channels(in_channels, out_channels, groups)
    kh, kw = as_pair(kernel_size, "kernel_size")
    ho, wo = output_shape(as_pair(input_size, "input_size"), (kh, kw), stride, padding, dilation)
    per_output = (in_channels // groups) * kh * kw                      # weights one output value uses
    return {"params": out_channels * per_output + (out_channels if bias else 0),
            "macs": ho * wo * out_channels * per_output,
            "output_size": (ho, wo)}


def depthwise_separable_cost(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0,
                             bias=True) -> dict:
    """A k×k depthwise conv (groups=C) then a 1×1 pointwise conv (C -> C_out), MobileNet's block.

    Returns params, macs, output_size of the pair, the parts "depthwise", "pointwise" and
    "standard" (the k×k conv it replaces, each a conv_cost dict), and "ratio" = macs / standard
    macs = 1/C_out + 1/(kh·kw) exactly (bias adds are not MACs); "params_ratio" the same for
    parameters (≈ the same when the bias terms are small).
    """
    depthwise = conv_cost(in_channels, in_channels, kernel_size, input_size, stride, padding, groups=in_channels,
                          bias=bias)
    pointwise = conv_cost(in_channels, out_channels, 1, depthwise["output_size"], bias=bias)
    standard = conv_cost(in_channels, out_channels, kernel_size, input_size, stride, padding, bias=bias)
    params, macs = depthwise["params"] + pointwise["params"], depthwise["macs"] + pointwise["macs"]
    return {"params": params, "macs": macs, "output_size": pointwise["output_size"],
            "depthwise": depthwise, "pointwise": pointwise, "standard": standard,
            "ratio": macs / standard["macs"], "params_ratio": params / standard["params"]}


def separable_savings(out_channels: int, kernel_size) -> float:
    """How many times fewer MACs a depthwise separable block needs than the k×k conv it replaces
    (note 002): standard / separable = 1 / (1/C_out + 1/(kh·kw)). Below kh·kw, approaching it as
    C_out grows; the same for every input size, stride and padding."""
    kh, kw = as_pair(kernel_size, "kernel_size")
    if out_channels < 1:
        raise ValueError(f"out_channels must be at least 1, got {out_channels}.")
    return 1.0 / (1.0 / out_channels + 1.0 / (kh * kw))


def separable_out_channels_for(savings: float, kernel_size) -> int | None:
    """The smallest C_out whose separable_savings reaches `savings` (exact, in fractions):
    1/C_out ≤ 1/savings − 1/(kh·kw); None when savings ≥ kh·kw (never reached). MobileNet's "8 to 9
    times" for 3×3 kernels needs C_out ≥ 72."""
    kh, kw = as_pair(kernel_size, "kernel_size")
    room = Fraction(1) / Fraction(savings) - Fraction(1, kh * kw)
    return None if room <= 0 else math.ceil(1 / room)


def note_002_cost_expressions(in_channels: int, out_channels: int, kernel_size: int, output_size) -> dict:
    """Note 002's depthwise slide, evaluated as printed (N×M output, C in, O out, K×K kernel):

        standard:  (N·M·C)·[(K·K·C)·O]        separable:  C·(N·M)·[C·(K·K·1) + (1·1·C)·O]

    Read as multiply-accumulate counts, both carry one factor C too many (the true counts are
    N·M·K²·C·O and N·M·(C·K² + C·O), see depthwise_separable_cost); their ratio is still
    1/O + 1/K². Returns {"standard", "separable", "ratio"}.
    """
    c, o, k = in_channels, out_channels, kernel_size
    n, m = (output_size, output_size) if np.ndim(output_size) == 0 else output_size
    standard = (n * m * c) * ((k * k * c) * o)
    separable = c * (n * m) * (c * (k * k * 1) + (1 * 1 * c) * o)
    return {"standard": standard, "separable": separable, "ratio": separable / standard}


def locally_connected_cost(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0,
                           bias=True) -> dict:
    """A locally connected (unshared) layer: a separate kernel at each of the H'·W' positions.

    params = H'·W'·C_out·C·kh·kw (+ H'·W'·C_out bias, one per output value, as Keras'
    LocallyConnected2D); macs are the same as the convolution's: only the sharing differs.
    """
    conv = conv_cost(in_channels, out_channels, kernel_size, input_size, stride, padding, bias=bias)
    ho, wo = conv["output_size"]
    kh, kw = as_pair(kernel_size, "kernel_size")
    return {"params": ho * wo * out_channels * (in_channels * kh * kw + (1 if bias else 0)),
            "macs": conv["macs"], "output_size": (ho, wo)}


def fully_connected_cost(in_channels, out_channels, input_size, output_size, bias=True) -> dict:
    """A dense layer from every input value (C·H·W) to every output value (C_out·H'·W')."""
    h, w = as_pair(input_size, "input_size")
    ho, wo = as_pair(output_size, "output_size")
    n_in, n_out = in_channels * h * w, out_channels * ho * wo
    return {"params": n_in * n_out + (n_out if bias else 0), "macs": n_in * n_out, "output_size": (ho, wo)}


# --- 1×1, grouped and depthwise convolution -------------------------------------------------

def pointwise_conv2d(x, w, bias=None) -> np.ndarray:
    """1×1 convolution: at every pixel, y[:, i, j] = w @ x[:, i, j] + b (w is (C_out, C))."""
    x = np.asarray(x, dtype=np.float64)                                  # (C, H, W)
    w = np.asarray(w, dtype=np.float64)                                  # (C_out, C)
    b = np.zeros(w.shape[0]) if bias is None else np.asarray(bias, dtype=np.float64)
    return np.tensordot(w, x, axes=1) + b[:, None, None]                 # (C_out, H, W)


def grouped_conv2d(x, w, bias=None, stride=1, padding=0, dilation=1, groups=1) -> np.ndarray:
    """F.conv2d(..., groups=g): input channels split into g groups, each convolved on its own.

    x (C, H, W), w (C_out, C/g, kh, kw): output channels [i·C_out/g, (i+1)·C_out/g) see only
    input channels [i·C/g, (i+1)·C/g).
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    c, c_out = x.shape[0], w.shape[0]
    check_channels(c, c_out, groups)
    if w.shape[1] != c // groups:
        raise ValueError(f"With groups={groups} each kernel has C/g = {c // groups} input channels, got {w.shape[1]}.")
    b = np.zeros(c_out) if bias is None else np.asarray(bias, dtype=np.float64)
    ci, co = c // groups, c_out // groups
    parts = [cross_correlate2d(x[g * ci:(g + 1) * ci], w[g * co:(g + 1) * co], b[g * co:(g + 1) * co],
                               stride, padding, dilation) for g in range(groups)]  # g × (C_out/g, H', W')
    return np.concatenate(parts, axis=0)                                 # (C_out, H', W')


def depthwise_conv2d(x, w, bias=None, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Depthwise convolution (grouped_conv2d with groups = C): channel c is cross-correlated with
    its own kernel w[c] only. x (C, H, W), w (C, kh, kw) -> (C, H', W'). One pass over the k²
    taps for all channels at once (a loop over 1,000 groups would be slow)."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 3 or w.shape[0] != x.shape[0]:
        raise ValueError(f"A depthwise kernel is (C, kh, kw) with C = {x.shape[0]}, got shape {w.shape}.")
    c, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw) = as_pair(stride, "stride"), as_pair(padding, "padding"), as_pair(dilation, "dilation")
    ho, wo = output_shape(x.shape[1:], (kh, kw), (sh, sw), (ph, pw), (dh, dw))
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))                         # (C, H+2ph, W+2pw)
    y = np.zeros((c, ho, wo)) if bias is None else np.zeros((c, ho, wo)) + np.asarray(bias, dtype=np.float64)[:, None, None]
    for a in range(kh):
        for b in range(kw):
            patch = xp[:, a * dh:a * dh + (ho - 1) * sh + 1:sh, b * dw:b * dw + (wo - 1) * sw + 1:sw]  # (C, H', W')
            y += w[:, a, b, None, None] * patch
    return y


def group_connections(in_channels: int, out_channels: int, groups: int) -> np.ndarray:
    """(C_out, C) matrix: group number (0, 1, ...) where output channel o reads input channel c, else -1."""
    check_channels(in_channels, out_channels, groups)
    ci, co = in_channels // groups, out_channels // groups
    m = np.full((out_channels, in_channels), -1)
    for g in range(groups):
        m[g * co:(g + 1) * co, g * ci:(g + 1) * ci] = g
    return m


# --- Dilation and the receptive field -------------------------------------------------------

def dilated_taps(kernel_size: int, dilation: int) -> np.ndarray:
    """The k_eff×k_eff footprint (k_eff = d(k-1)+1) of a dilated k×k kernel: 1 at the taps, 0 in the holes."""
    span = dilation * (kernel_size - 1) + 1
    taps = np.zeros((span, span))
    taps[::dilation, ::dilation] = 1
    return taps


def receptive_field_sizes(kernel_size: int, dilations, strides=None) -> list[int]:
    """r after each layer of a stack of k-wide convs: r_out = r_in + d(k-1)·j_in, j_out = j_in·s (note 002,
    receptive.field_sizes), r_0 = 1, j_0 = 1."""
    strides = [1] * len(dilations) if strides is None else list(strides)
    return field_sizes([Layer("conv", kernel_size, s, dilation=d) for d, s in zip(dilations, strides)])


def dilation_schedule(kind: str, dilation: int, layers: int) -> list[int]:
    """Dilation per layer: "same" (d every layer), "double" (1, 2, 4, ... as WaveNet) or "none" (all 1)."""
    if kind == "same":
        return [dilation] * layers
    if kind == "double":
        return [2 ** i for i in range(layers)]
    if kind == "none":
        return [1] * layers
    raise ValueError(f"Unknown dilation schedule {kind!r}: choose same, double or none.")


# --- Spatially separable kernels ------------------------------------------------------------

def spatially_separable(w2d) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best rank-1 split w ≈ column · rowᵀ by SVD; returns (column, row, residual = w - column·rowᵀ).

    The column is the first left singular vector scaled so its first non-zero entry is 1 and,
    when it is then whole numbers (to 1e-9), rounded to them; the row is the least-squares row
    for that column. So Sobel [[1,0,-1],[2,0,-2],[1,0,-1]] splits into [1,2,1]ᵀ·[1,0,-1] with a
    residual of exactly zero. ‖residual‖_F = sqrt(σ2² + σ3² + ...): zero iff w has rank 1.
    """
    w = np.asarray(w2d, dtype=np.float64)
    if w.ndim != 2:
        raise ValueError(f"A spatial kernel is 2-D (kh, kw), got shape {w.shape}.")
    u, _, _ = np.linalg.svd(w)
    col = u[:, 0]
    nonzero = np.flatnonzero(np.abs(col) > 1e-12)
    if nonzero.size == 0:                                                # all-zero kernel
        return np.zeros(w.shape[0]), np.zeros(w.shape[1]), w.copy()
    col = col / col[nonzero[0]]
    if np.allclose(col, np.round(col), rtol=0, atol=1e-9):
        col = np.round(col) + 0.0                                        # + 0.0: no "-0."
    row = col @ w / (col @ col)                                          # (kw,)
    return col, row, w - np.outer(col, row)


def separable_conv2d(x, column, row, padding=(0, 0)) -> np.ndarray:
    """Cross-correlate a 2-D image with a (kh×1) column then a (1×kw) row kernel: 2k instead of k² MACs a pixel."""
    ph, pw = as_pair(padding, "padding")
    tall = cross_correlate2d(x, np.asarray(column, dtype=np.float64)[:, None], padding=(ph, 0))
    return cross_correlate2d(tall, np.asarray(row, dtype=np.float64)[None, :], padding=(0, pw))


# --- Pooling backward -----------------------------------------------------------------------

def _pool_windows(shape, kernel_size, stride, padding):
    """Yield (i, j, rows, cols) for each pooling window: the in-range input rows and columns it covers."""
    h, w = shape
    kh, kw = as_pair(kernel_size, "kernel_size")
    sh, sw = as_pair(kernel_size if stride is None else stride, "stride")
    ph, pw = as_pair(padding, "padding")
    ho, wo = output_shape((h, w), (kh, kw), (sh, sw), (ph, pw))
    for i in range(ho):
        for j in range(wo):
            r0, c0 = i * sh - ph, j * sw - pw
            yield i, j, range(max(r0, 0), min(r0 + kh, h)), range(max(c0, 0), min(c0 + kw, w))


def max_pool2d_winners(x, kernel_size, stride=None, padding=0) -> np.ndarray:
    """(H', W', 2) input (row, col) of each window's maximum (the first one in reading order on a tie). x is (H, W)."""
    x = np.asarray(x, dtype=np.float64)
    y = max_pool2d(x, kernel_size, stride, padding)                      # validates the settings
    win = np.zeros(y.shape + (2,), dtype=int)
    for i, j, rows, cols in _pool_windows(x.shape, kernel_size, stride, padding):
        block = x[rows.start:rows.stop, cols.start:cols.stop]
        a, b = np.unravel_index(np.argmax(block), block.shape)
        win[i, j] = rows.start + a, cols.start + b
    return win


def _float_pair(x, grad_output, output_shape) -> tuple[np.ndarray, np.ndarray]:
    """x and grad_output as float64, once grad_output is known to have the pooled output's shape."""
    g = np.asarray(grad_output, dtype=np.float64)
    if g.shape != tuple(output_shape):
        raise ValueError(f"grad_output must have the output's shape {tuple(output_shape)}, got {g.shape}.")
    return np.asarray(x, dtype=np.float64), g


def max_pool2d_backward(x, grad_output, kernel_size, stride=None, padding=0) -> np.ndarray:
    """dL/dx for y = max_pool2d(x): each output's gradient goes to its window's maximum, and
    gradients of overlapping windows that pick the same cell add up. x (H, W), grad_output (H', W')."""
    win = max_pool2d_winners(x, kernel_size, stride, padding)            # (H', W', 2)
    x, g = _float_pair(x, grad_output, win.shape[:2])
    grad = np.zeros_like(x)
    np.add.at(grad, (win[..., 0], win[..., 1]), g)
    return grad


def avg_pool2d_backward(x, grad_output, kernel_size, stride=None, padding=0) -> np.ndarray:
    """dL/dx for y = avg_pool2d(x): each output's gradient is shared equally, 1/(kh·kw) per cell of
    its window (padding cells count in the mean and take their share, which is dropped)."""
    x, g = _float_pair(x, grad_output, avg_pool2d(x, kernel_size, stride, padding).shape)
    kh, kw = as_pair(kernel_size, "kernel_size")
    grad = np.zeros_like(x)
    for i, j, rows, cols in _pool_windows(x.shape, kernel_size, stride, padding):
        grad[rows.start:rows.stop, cols.start:cols.stop] += g[i, j] / (kh * kw)
    return grad


def central_sample_backward(x, grad_output, kernel_size, stride=None, padding=0) -> np.ndarray:
    """dL/dx for y = central_sample_pool2d(x): each output's gradient goes to the one cell it sampled
    (nothing when that cell is padding)."""
    x, g = _float_pair(x, grad_output, central_sample_pool2d(x, kernel_size, stride, padding).shape)
    kh, kw = as_pair(kernel_size, "kernel_size")
    sh, sw = as_pair(kernel_size if stride is None else stride, "stride")
    ph, pw = as_pair(padding, "padding")
    grad = np.zeros_like(x)
    for (i, j), value in np.ndenumerate(g):
        r, c = i * sh - ph + (kh - 1) // 2, j * sw - pw + (kw - 1) // 2
        if 0 <= r < x.shape[0] and 0 <= c < x.shape[1]:
            grad[r, c] += value
    return grad


def lp_pool2d_backward(x, grad_output, p: float, kernel_size, stride=None) -> np.ndarray:
    """dL/dx for y = lp_pool2d(x, p) on x ≥ 0: with S = Σ_window x^p, ∂y/∂x = x^(p−1) · S^(1/p − 1),
    added over the windows a cell is in; 0 for a window with S = 0 (torch's rule). p ≥ 1, finite."""
    p = float(p)
    if not 1 <= p < np.inf:
        raise ValueError(f"The Lp pooling gradient is shown for 1 ≤ p < inf, got p = {p:g}.")
    x, g = _float_pair(x, grad_output, lp_pool2d(x, p, kernel_size, stride).shape)
    if (x < 0).any():
        raise ValueError("lp_pool2d_backward takes x ≥ 0 (x^p is not real for negative x and non-integer p).")
    grad = np.zeros_like(x)
    for i, j, rows, cols in _pool_windows(x.shape, kernel_size, stride, 0):
        block = x[rows.start:rows.stop, cols.start:cols.stop]
        total = np.power(block, p).sum()
        if total > 0:
            grad[rows.start:rows.stop, cols.start:cols.stop] += g[i, j] * np.power(block, p - 1) * total ** (1 / p - 1)
    return grad


def weighted_avg_pool2d_backward(x, grad_output, weights, stride=None, padding=0) -> np.ndarray:
    """dL/dx for y = weighted_avg_pool2d(x, w): each output hands g·w[a, b] to cell (a, b) of its
    window (shares that fall on padding are dropped); overlapping windows add up."""
    w = np.asarray(weights, dtype=np.float64)
    x, g = _float_pair(x, grad_output, weighted_avg_pool2d(x, w, stride, padding).shape)
    kh, kw = w.shape
    sh, sw = as_pair((kh, kw) if stride is None else stride, "stride")
    ph, pw = as_pair(padding, "padding")
    grad = np.zeros((x.shape[0] + 2 * ph, x.shape[1] + 2 * pw))
    for (i, j), value in np.ndenumerate(g):
        grad[i * sh:i * sh + kh, j * sw:j * sw + kw] += value * w
    return grad[ph:ph + x.shape[0], pw:pw + x.shape[1]]


# --- Locally connected layer ----------------------------------------------------------------

def locally_connected2d(x, w, bias=None, stride=1, padding=0) -> np.ndarray:
    """An unshared convolution: y[o, i, j] = b[o, i, j] + Σ_c,a,b w[i, j, o, c, a, b]·x_pad[c, i·s_h+a, j·s_w+b].

    x (C, H, W), w (H', W', C_out, C, kh, kw): one kernel per output position; bias (C_out, H', W').
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    ho, wo, c_out, c, kh, kw = w.shape
    if x.shape[0] != c:
        raise ValueError(f"The kernels have {c} input channels but x has {x.shape[0]}.")
    (sh, sw), (ph, pw) = as_pair(stride, "stride"), as_pair(padding, "padding")
    if output_shape(x.shape[1:], (kh, kw), (sh, sw), (ph, pw)) != (ho, wo):
        raise ValueError(f"w has {ho}×{wo} positions but this input gives a "
                         f"{output_shape(x.shape[1:], (kh, kw), (sh, sw), (ph, pw))} output.")
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))                         # (C, H+2ph, W+2pw)
    y = np.zeros((c_out, ho, wo)) if bias is None else np.array(bias, dtype=np.float64).reshape(c_out, ho, wo)
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, i * sh:i * sh + kh, j * sw:j * sw + kw]         # (C, kh, kw)
            y[:, i, j] += np.einsum("ocab,cab->o", w[i, j], patch)        # (C_out,)
    return y


def shared_weights(w, output_size) -> np.ndarray:
    """A convolution's kernel (C_out, C, kh, kw) copied to every position: (H', W', C_out, C, kh, kw)."""
    ho, wo = as_pair(output_size, "output_size")
    return np.broadcast_to(np.asarray(w, dtype=np.float64), (ho, wo) + np.shape(w)).copy()


# --- Seeded examples the page shows (small integers read well on a grid) --------------------

def random_ints(rng, shape, low=-3, high=3) -> np.ndarray:
    """Whole numbers low..high (as float64) drawn from rng: small integers read well on a grid."""
    return rng.integers(low, high + 1, size=shape).astype(np.float64)


POOLINGS = {"max": "Max", "avg": "Average", "stride": "Central sample", "lp": "Lp norm", "wavg": "Weighted average"}


def first_pool_window(x, kernel_size, padding=0) -> np.ndarray:
    """The k×k window output (0, 0) pools: x zero-padded by p, rows and columns 0..k−1 (for the page's
    worked example; padding cells show as 0)."""
    kh, kw = as_pair(kernel_size, "kernel_size")
    ph, pw = as_pair(padding, "padding")
    return np.pad(np.asarray(x, dtype=np.float64), ((ph, ph), (pw, pw)))[:kh, :kw]


def lp_window_norms(window, ps=(1.0, 2.0, 4.0, np.inf)) -> dict:
    """{p: lp_pool2d of the whole window}: (Σ x^p)^(1/p) for each p, falling towards max |x| as p grows."""
    window = np.asarray(window, dtype=np.float64)
    return {float(p): float(lp_pool2d(window, p, window.shape)[0, 0]) for p in ps}


SEPARABLE_KERNELS = {
    "sobel": ("Sobel [[1,0,−1],[2,0,−2],[1,0,−1]]", np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float64)),
    "sobel_y": ("Sobel y (rows)", np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float64)),
    "gaussian": ("Gaussian 3×3 × 16", np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=np.float64)),
    "box5": ("Box 5×5 (all ones)", np.ones((5, 5))),
    "laplacian": ("Laplacian (not separable)", np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float64)),
    "random": ("Random 3×3 (not separable)", None),
}


def separable_kernel(name: str, seed: int = 0) -> np.ndarray:
    """A kernel of SEPARABLE_KERNELS; "random" draws whole numbers in −3..3 from the seed."""
    if name not in SEPARABLE_KERNELS:
        raise ValueError(f"Unknown kernel {name!r}: choose one of {', '.join(SEPARABLE_KERNELS)}.")
    if name == "random":
        return random_ints(np.random.default_rng(seed), (3, 3))
    return SEPARABLE_KERNELS[name][1].copy()


__all__ = ["conv_cost", "depthwise_separable_cost", "spatially_separable", "locally_connected_cost",
           "fully_connected_cost", "pointwise_conv2d", "grouped_conv2d", "depthwise_conv2d", "group_connections",
           "dilated_taps", "receptive_field_sizes", "dilation_schedule", "separable_conv2d",
           "max_pool2d_winners", "max_pool2d_backward", "avg_pool2d_backward", "lp_pool2d_backward",
           "weighted_avg_pool2d_backward", "separable_savings", "separable_out_channels_for", "first_pool_window",
           "lp_window_norms", "locally_connected2d",
           "shared_weights"]
