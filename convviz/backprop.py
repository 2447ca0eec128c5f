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
Equal to torch autograd in float64 (tests/test_backprop.py).
"""

from __future__ import annotations

import numpy as np

from convviz.conv import as_pair, cross_correlate2d, flip_kernel, output_shape, standardize
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
