"""The backward pass of a convolution layer (note 003, "Backward pass"), by its three formulas.

For the layer y = b + w ⋆ x (cross-correlation, what F.conv2d computes; stride s, padding p,
dilation d) and an upstream gradient δ = ∂L/∂y:

    ∂L/∂x[c, u, v]   = Σ_o Σ_{i,j,a,b : i·s + a·d − p = u, j·s + b·d − p = v} δ[o, i, j] w[o, c, a, b]
                     = conv_transpose2d(δ, w)   (δ scattered back through the same kernel; for
                       s = 1 this is δ padded "full" and convolved with rot180(w), note 003 item 1)
    ∂L/∂w[o, c, a, b] = Σ_{i,j} δ[o, i, j] x_pad[c, i·s + a·d, j·s + b·d]
                     = (x_pad ⋆ δ) with δ's taps s apart, read every d cells   (note 003 item 2)
    ∂L/∂b[o]         = Σ_{i,j} δ[o, i, j]                                       (note 003 item 3)

Note 003 writes the forward pass as a true convolution, z = w * x. That is cross-correlation with
rot180(w), so its ∂L/∂w is rot180 of the one above: Σ δ[i, j] z[i − m, j − n] = (δ ⋆ z)(m, n),
which the note calls "the cross-correlation of z with δ" (with z as the sliding kernel).
Equal to torch autograd in float64 (tests/compute/test_backprop.py). stated_gradients computes the same three
gradients the way the convolution page's sentences say them (tests/compute/test_convolution_statements.py).
"""

from __future__ import annotations

import numpy as np

from convviz.conv import as_pair, convolve2d, cross_correlate2d, flip_kernel, output_shape, standardize
from convviz.transposed import conv_transpose2d


def conv_backward(x, w, upstream, stride=1, padding=0, dilation=1, flip=False) -> dict:
    """Gradients of L with ∂L/∂y = `upstream` for y = conv(x, w) + b, by the formulas above.

    x: (H, W) or (C, H, W); w: as in convviz.conv.cross_correlate2d; upstream: the output's
    shape. flip=True: the forward pass was a true convolution (kernel rotated by 180°).
    Returns {"grad_input": x's shape, "grad_weight": w's shape, "grad_bias": (C_out,) or a number}.
    """
    x_std, w_std, _, squeeze = standardize(x, w)
    used = flip_kernel(w_std) if flip else w_std                       # the kernel the window read
    (sh, sw), (ph, pw), (dh, dw) = as_pair(stride, "stride"), as_pair(padding, "padding"), as_pair(dilation, "dilation")
    c_out, c_in, kh, kw = used.shape
    h, wd = x_std.shape[1:]
    ho, wo = output_shape((h, wd), (kh, kw), (sh, sw), (ph, pw), (dh, dw))
    delta = np.asarray(upstream, dtype=np.float64).reshape(c_out, ho, wo)

    # rows and columns of the padded input the last window stop never reached: restored by output_padding
    left_h = h + 2 * ph - (dh * (kh - 1) + 1) - sh * (ho - 1)
    left_w = wd + 2 * pw - (dw * (kw - 1) + 1) - sw * (wo - 1)
    grad_input = conv_transpose2d(delta, used, stride=(sh, sw), padding=(ph, pw),
                                  output_padding=(left_h, left_w), dilation=(dh, dw))   # (C, H, W)

    x_pad = np.pad(x_std, ((0, 0), (ph, ph), (pw, pw)))
    grad_used = np.zeros_like(used)
    for o in range(c_out):
        for c in range(c_in):
            grad_used[o, c] = cross_correlate2d(x_pad[c], delta[o], stride=(dh, dw), dilation=(sh, sw))[:kh, :kw]
    grad_weight = flip_kernel(grad_used) if flip else grad_used
    grad_bias = delta.sum(axis=(1, 2))

    return {"grad_input": grad_input.reshape(np.shape(x)),
            "grad_weight": grad_weight.reshape(np.shape(w)),
            "grad_bias": grad_bias[0] if squeeze else grad_bias}


# --- The page's sentences, evaluated as written ------------------------------------------------

def _spread(delta: np.ndarray, stride: tuple[int, int]) -> np.ndarray:
    """δ (C_out, H', W') with s − 1 zeros inserted between neighbouring entries: ((H'−1)s_h + 1, (W'−1)s_w + 1)."""
    (sh, sw), (c_out, ho, wo) = stride, delta.shape
    up = np.zeros((c_out, (ho - 1) * sh + 1, (wo - 1) * sw + 1))
    up[:, ::sh, ::sw] = delta
    return up


def stated_gradients(x, w, delta, stride=1, padding=0, dilation=1, flip=False) -> dict:
    """∂L/∂x, ∂L/∂w, ∂L/∂b computed the way the convolution page's "Backward pass" sentences say.

    x (C, H, W), w (C_out, C, kh, kw), delta = ∂L/∂y (C_out, H', W'); flip=True: the forward pass was a
    true convolution y = w * x (note 003's z = w * x), else the cross-correlation y = w ⋆ x (F.conv2d).
    With δ↑ = δ with s − 1 zeros between entries and span = d(k − 1) + 1:

    input:  δ↑ padded "full" (span − 1 zeros each side), then, per channel c summed over o,
            xcorr forward: truly convolved with w[o, c] dilated by d (= cross-correlated with rot180(w));
            conv forward:  cross-correlated with w[o, c] dilated by d (note 003 item 1: δ * rot180(w));
            padded rows/cols no window reached get 0, then the p padding rows/cols are cropped.
    weight: x_pad ⋆ δ↑ (δ sliding over the padded input), read every d cells, first kh × kw
            (note 003 item 2 for the cross-correlation forward); rot180 of that for the conv forward.
    bias:   Σ δ over each output map (note 003 item 3).
    Equal to torch autograd in float64 (tests/compute/test_convolution_statements.py).
    """
    x_std, w_std, _, _ = standardize(x, w)
    (sh, sw), (ph, pw), (dh, dw) = as_pair(stride, "stride"), as_pair(padding, "padding"), as_pair(dilation, "dilation")
    c_out, c_in, kh, kw = w_std.shape
    h, wd = x_std.shape[1:]
    ho, wo = output_shape((h, wd), (kh, kw), (sh, sw), (ph, pw), (dh, dw))
    d = np.asarray(delta, dtype=np.float64).reshape(c_out, ho, wo)
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1

    full = np.pad(_spread(d, (sh, sw)), ((0, 0), (span_h - 1, span_h - 1), (span_w - 1, span_w - 1)))
    w_t = w_std.transpose(1, 0, 2, 3)                                    # (C, C_out, kh, kw): one map per input channel
    slide = cross_correlate2d if flip else convolve2d
    reached = slide(full, w_t, dilation=(dh, dw))                        # (C, (H'−1)s + span, ...)
    grad_pad = np.zeros((c_in, h + 2 * ph, wd + 2 * pw))                 # cells past the last window: 0
    grad_pad[:, : reached.shape[1], : reached.shape[2]] = reached
    grad_input = grad_pad[:, ph : ph + h, pw : pw + wd]                  # (C, H, W)

    x_pad = np.pad(x_std, ((0, 0), (ph, ph), (pw, pw)))                  # (C, H+2p, W+2p)
    up = _spread(d, (sh, sw))[:, None]                                   # (C_out, 1, ...): δ↑ as a kernel
    grad_weight = np.stack([cross_correlate2d(x_pad[c : c + 1], up, stride=(dh, dw))[:, :kh, :kw]
                            for c in range(c_in)], axis=1)               # (C_out, C, kh, kw)
    if flip:
        grad_weight = flip_kernel(grad_weight)
    return {"input": grad_input.reshape(np.shape(x)), "weight": grad_weight.reshape(np.shape(w)),
            "bias": d.sum(axis=(1, 2))}


def note_003_weight_gradient(x, delta, kernel_hw, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Note 003 item 2 for its true-convolution forward z = w * x, read as z sliding over δ.

    ∂L/∂w[o, c, m, n] = Σ_ij δ[o, i, j] z[c, i − m, j − n] = (δ ⋆ z)(m, n): δ↑ (s − 1 zeros between
    entries) padded by d(k − 1) zeros on each side, the input z (padded by p, cut to the cells the
    windows read) sliding over it, read every d cells. x (C, H, W), delta (C_out, H', W') ->
    (C_out, C, kh, kw). For stride 1, dilation 1: δ padded by k − 1 and cross-correlated with z.
    """
    x_std = np.asarray(x, dtype=np.float64).reshape((-1,) + np.shape(x)[-2:])
    (kh, kw), (sh, sw) = kernel_hw, as_pair(stride, "stride")
    (ph, pw), (dh, dw) = as_pair(padding, "padding"), as_pair(dilation, "dilation")
    d = np.asarray(delta, dtype=np.float64)
    d = d.reshape((-1,) + d.shape[-2:])
    c_out, ho, wo = d.shape
    read_h, read_w = (ho - 1) * sh + dh * (kh - 1) + 1, (wo - 1) * sw + dw * (kw - 1) + 1
    z = np.pad(x_std, ((0, 0), (ph, ph), (pw, pw)))[:, :read_h, :read_w]   # (C, rows/cols some window read)
    up = np.pad(_spread(d, (sh, sw)), ((0, 0), (dh * (kh - 1),) * 2, (dw * (kw - 1),) * 2))
    return np.stack([np.stack([cross_correlate2d(up[o], z[c], stride=(dh, dw)) for c in range(len(z))])
                     for o in range(c_out)])                             # (C_out, C, kh, kw)


def delta_slides_over_z(x, delta, kernel_hw, padding=0) -> np.ndarray:
    """The other reading of note 003's "cross-correlation of z with δ": δ sliding over z (stride 1, dilation 1).

    (z ⋆ δ)(m, n) = Σ_ij δ[i, j] z[i + m, j + n]: for the note's true-convolution forward this is
    rot180(∂L/∂w), not ∂L/∂w (kept to show the difference; tests/compute/test_convolution_statements.py).
    """
    x_std = np.asarray(x, dtype=np.float64).reshape((-1,) + np.shape(x)[-2:])
    d = np.asarray(delta, dtype=np.float64)
    d = d.reshape((-1,) + d.shape[-2:])
    (ph, pw), (kh, kw) = as_pair(padding, "padding"), kernel_hw
    z = np.pad(x_std, ((0, 0), (ph, ph), (pw, pw)))
    return np.stack([np.stack([cross_correlate2d(z[c], d[o])[:kh, :kw] for c in range(len(z))])
                     for o in range(len(d))])


def stated_sentences(flip: bool) -> dict:
    """The page's sentences for the selected forward pass, one per gradient; stated_gradients evaluates them."""
    if flip:
        forward = "true convolution y = w * x (the kernel flipped, note 003's z = w * x)"
        by_input = ("**cross-correlated with w as stored**, i.e. convolved with rot180(w) (note 003 item 1: "
                    "δ * rot180(w))")
        by_weight = "**rot180** of the cross-correlation of the padded input with δ (δ sliding over x)"
    else:
        forward = "cross-correlation y = w ⋆ x (what `F.conv2d` computes)"
        by_input = "**convolved with w** (kernel flipped), i.e. cross-correlated with rot180(w)"
        by_weight = "the cross-correlation of the padded input with δ (δ sliding over x)"
    return {
        "forward": f"Forward pass selected: **{forward}**.",
        "input": (f"∂L/∂x: δ padded \"full\" (d(k−1) zeros on each side) and {by_input}; the p padding rows and "
                  "columns are then cut off. For stride s > 1, s − 1 zeros are first inserted between δ's entries; "
                  "with dilation d the kernel is dilated (d − 1 zeros between taps). Input cells no window reads get 0."),
        "weight": (f"∂L/∂w: {by_weight}, with δ's taps s apart and the result read every d cells, first kh × kw "
                   "(note 003 item 2)."),
        "bias": "∂L/∂b: Σ δ over each output map (note 003 item 3).",
    }


def read_counts(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """How many windows read each of the n input cells along one axis (ints, length n).

    Window i reads the padded cells i·s + a·d (a = 0 … k−1), i.e. input cell u = i·s + a·d − p. With δ = 1
    and w = 1 this is ∂L/∂x (a transposed convolution of ones); in 2-D the counts are the outer product
    of the two axes' counts. Cells no window reads (stride larger than the window's reach) count 0.

    >>> read_counts(5, 3, 2, 2).tolist()
    [2, 1, 2, 1, 2]
    """
    n_out = (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1
    counts = np.zeros(n, dtype=np.int64)
    for i in range(max(n_out, 0)):
        for a in range(k):
            u = i * stride + a * dilation - padding
            if 0 <= u < n:
                counts[u] += 1
    return counts
