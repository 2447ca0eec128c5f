"""Torch twins of convviz.zoo (float64) and the seeded examples the page checks with them.

Each `*_torch` function is the torch reference of a numpy layer in convviz.zoo; each `*_example`
draws a small seeded input, computes the layer with convviz.zoo and reports torch's max |difference|
(tests/compute/test_zoo.py).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convviz.conv import as_pair, cross_correlate2d, output_shape
from convviz.pooling import (avg_pool2d, central_sample_pool2d, gaussian_pool_weights, lp_pool2d, max_pool2d,
                             weighted_avg_pool2d)
from convviz.torch_ref.checks import conv2d_torch
from convviz.zoo import (POOLINGS, avg_pool2d_backward, central_sample_backward, check_channels, depthwise_conv2d,
                         grouped_conv2d, locally_connected2d, lp_pool2d_backward, max_pool2d_backward,
                         max_pool2d_winners, pointwise_conv2d, random_ints, receptive_field_sizes, separable_conv2d,
                         separable_kernel, shared_weights, spatially_separable, weighted_avg_pool2d_backward)


def _t(a) -> torch.Tensor:
    return torch.as_tensor(np.asarray(a, dtype=np.float64))


def conv_params_torch(in_channels, out_channels, kernel_size, groups=1, bias=True) -> int:
    """sum(p.numel()) of torch.nn.Conv2d with these arguments (meta device: no memory used)."""
    layer = torch.nn.Conv2d(in_channels, out_channels, kernel_size, groups=groups, bias=bias, device="meta")
    return sum(p.numel() for p in layer.parameters())


def pool_backward_torch(x, grad_output, op: str, kernel_size, stride=None, padding=0) -> np.ndarray:
    """dL/dx by autograd for F.max_pool2d / F.avg_pool2d (or, op "stride", a strided conv with a one-hot
    centre kernel) on a 2-D x, with L = Σ grad_output·y."""
    xt = _t(x)[None, None].requires_grad_(True)                         # (1, 1, H, W)
    if op == "stride":                                                   # a one-hot centre kernel, strided
        kh, kw = as_pair(kernel_size, "kernel_size")
        one_hot = torch.zeros(1, 1, kh, kw, dtype=torch.float64)
        one_hot[0, 0, (kh - 1) // 2, (kw - 1) // 2] = 1.0
        y = F.conv2d(xt, one_hot, stride=kernel_size if stride is None else stride, padding=padding)
    else:
        pool = {"max": F.max_pool2d, "avg": F.avg_pool2d}[op]
        y = pool(xt, kernel_size, stride=stride, padding=padding)        # (1, 1, H', W')
    y.backward(_t(grad_output)[None, None])
    return xt.grad[0, 0].numpy()


def lp_pool2d_torch(x, p: float, kernel_size, stride=None, grad_output=None):
    """F.lp_pool2d in float64 on a 2-D x: the output, and with grad_output also dL/dx by autograd."""
    xt = _t(x)[None, None].requires_grad_(grad_output is not None)
    y = F.lp_pool2d(xt, p, kernel_size, stride=stride)                  # (1, 1, H', W')
    if grad_output is None:
        return y[0, 0].detach().numpy()
    y.backward(_t(grad_output)[None, None])
    return y[0, 0].detach().numpy(), xt.grad[0, 0].numpy()


def weighted_avg_pool2d_torch(x, weights, stride=None, padding=0, grad_output=None):
    """The fixed-kernel pool as a depthwise F.conv2d (the kernel once per channel, groups = C) on x
    (H, W) or (C, H, W); with grad_output (2-D x only) also dL/dx by autograd."""
    x = np.asarray(x, dtype=np.float64)
    flat = x.ndim == 2
    xt = _t(x[None] if flat else x)[None].requires_grad_(grad_output is not None)      # (1, C, H, W)
    w = _t(weights)
    c = xt.shape[1]
    y = F.conv2d(xt, w[None, None].repeat(c, 1, 1, 1), stride=as_pair(w.shape if stride is None else stride),
                 padding=as_pair(padding), groups=c)[0]                 # (C, H', W')
    y = y[0] if flat else y
    if grad_output is None:
        return y.detach().numpy()
    y.backward(_t(grad_output))
    return y.detach().numpy(), xt.grad[0, 0].numpy()


def locally_connected2d_torch(x, w, bias=None, stride=1, padding=0) -> np.ndarray:
    """The unshared layer with F.unfold: columns (C·kh·kw, L) times one weight matrix per position."""
    ho, wo, c_out, c, kh, kw = np.shape(w)
    cols = F.unfold(_t(x)[None], (kh, kw), stride=as_pair(stride), padding=as_pair(padding))[0]  # (C·kh·kw, L)
    wt = _t(w).reshape(ho * wo, c_out, c * kh * kw)                     # (L, C_out, C·kh·kw)
    y = torch.einsum("lok,kl->ol", wt, cols).reshape(c_out, ho, wo)      # (C_out, H', W')
    return (y if bias is None else y + _t(bias).reshape(c_out, ho, wo)).numpy()


def receptive_field_torch(kernel_size: int, dilations, strides=None) -> int:
    """Receptive field of a stack of 1-D convs measured by autograd: how many input cells move
    the gradient of the last layer's middle output (all-ones kernels, so nothing cancels)."""
    strides = [1] * len(dilations) if strides is None else list(strides)
    n = receptive_field_sizes(kernel_size, dilations, strides)[-1] * 2 + 1
    x = torch.zeros(1, 1, n, dtype=torch.float64, requires_grad=True)
    y = x
    for d, s in zip(dilations, strides):
        y = F.conv1d(y, torch.ones(1, 1, kernel_size, dtype=torch.float64), stride=s, dilation=d)  # (1, 1, n')
    y[0, 0, y.shape[-1] // 2].backward()
    hit = torch.nonzero(x.grad[0, 0]).flatten()
    return int(hit.max() - hit.min() + 1)


def depthwise_separable_params_torch(in_channels, out_channels, kernel_size, bias=True) -> int:
    """sum(p.numel()) of nn.Conv2d(C, C, k, groups=C) followed by nn.Conv2d(C, C_out, 1)."""
    return (conv_params_torch(in_channels, in_channels, kernel_size, groups=in_channels, bias=bias)
            + conv_params_torch(in_channels, out_channels, 1, bias=bias))


def pointwise_example(in_channels: int, out_channels: int, seed: int = 0, size: int = 4) -> dict:
    """x (C, size, size), w (C_out, C), y = 1×1 conv, and torch's max |difference|."""
    rng = np.random.default_rng(seed)
    x, w = random_ints(rng, (in_channels, size, size)), random_ints(rng, (out_channels, in_channels), -2, 2)
    y = pointwise_conv2d(x, w)
    return {"x": x, "w": w, "y": y, "torch_gap": float(np.abs(y - conv2d_torch(x, w[:, :, None, None])).max())}


def grouped_example(in_channels: int, out_channels: int, groups: int, kernel_size: int, seed: int = 0,
                    size: int = 6) -> dict:
    """A grouped conv with "same" padding k//2 on a random input; y and torch's max |difference|."""
    check_channels(in_channels, out_channels, groups)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((in_channels, size, size))
    w = rng.standard_normal((out_channels, in_channels // groups, kernel_size, kernel_size))
    b = rng.standard_normal(out_channels)
    y = grouped_conv2d(x, w, b, padding=kernel_size // 2, groups=groups)
    ref = conv2d_torch(x, w, b, padding=kernel_size // 2, groups=groups)
    return {"y": y, "torch_gap": float(np.abs(y - ref).max()) if y.shape == ref.shape else float("inf")}


def depthwise_separable_example(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                                padding: int = 0, size: int = 8, seed: int = 0) -> dict:
    """Depthwise then pointwise in numpy against F.conv2d(groups=C) then a 1×1 F.conv2d."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((in_channels, size, size))
    wd, bd = rng.standard_normal((in_channels, kernel_size, kernel_size)), rng.standard_normal(in_channels)
    wp, bp = rng.standard_normal((out_channels, in_channels)), rng.standard_normal(out_channels)
    y = pointwise_conv2d(depthwise_conv2d(x, wd, bd, stride, padding), wp, bp)          # (C_out, H', W')
    ref = conv2d_torch(conv2d_torch(x, wd[:, None], bd, stride, padding, groups=in_channels),
                       wp[:, :, None, None], bp)                         # (C_out, H', W')
    return {"y": y, "torch_gap": float(np.abs(y - ref).max())}


def pooling_example(op: str, kernel_size: int, stride: int, padding: int, size: int, seed: int = 0,
                    p_norm: float = 2.0, sigma: float = 1.0) -> dict:
    """Pool a size×size input of distinct whole numbers 0..size²−1 (no ties, x ≥ 0), pass a gradient
    of ones back. op is a key of POOLINGS; "lp" uses p_norm (no padding, as F.lp_pool2d), "wavg"
    the Gaussian weights of gaussian_pool_weights(k, sigma).

    Returns x, y, grad (dL/dx with dL/dy = 1), winners (max only), weights (wavg only), and torch's
    max |difference| of the output (forward_gap) and of the gradient by autograd (torch_gap).
    """
    if op not in POOLINGS:
        raise ValueError(f"Unknown pooling {op!r}: choose one of {', '.join(POOLINGS)}.")
    if op == "lp" and padding:
        raise ValueError(f"Lp pooling takes no padding (torch's F.lp_pool2d has none); got padding {padding}.")
    rng = np.random.default_rng(seed)
    x = rng.permutation(size * size).reshape(size, size).astype(np.float64)
    weights = gaussian_pool_weights(kernel_size, sigma) if op == "wavg" else None
    if op == "lp":
        y = lp_pool2d(x, p_norm, kernel_size, stride)
        grad = lp_pool2d_backward(x, np.ones_like(y), p_norm, kernel_size, stride)
        y_ref, ref = lp_pool2d_torch(x, p_norm, kernel_size, stride, grad_output=np.ones_like(y))
    elif op == "wavg":
        y = weighted_avg_pool2d(x, weights, stride, padding)
        grad = weighted_avg_pool2d_backward(x, np.ones_like(y), weights, stride, padding)
        y_ref, ref = weighted_avg_pool2d_torch(x, weights, stride, padding, grad_output=np.ones_like(y))
    else:
        pool, backward = {"max": (max_pool2d, max_pool2d_backward), "avg": (avg_pool2d, avg_pool2d_backward),
                          "stride": (central_sample_pool2d, central_sample_backward)}[op]
        y = pool(x, kernel_size, stride, padding)
        grad = backward(x, np.ones_like(y), kernel_size, stride, padding)
        ref = pool_backward_torch(x, np.ones_like(y), op, kernel_size, stride, padding)
        if op == "stride":                                               # a strided one-hot convolution
            one_hot = np.zeros((1, 1, kernel_size, kernel_size))
            one_hot[0, 0, (kernel_size - 1) // 2, (kernel_size - 1) // 2] = 1.0
            y_ref = conv2d_torch(x[None], one_hot, stride=stride, padding=padding)[0]
        else:
            y_ref = {"max": F.max_pool2d, "avg": F.avg_pool2d}[op](_t(x)[None, None], kernel_size, stride,
                                                                  padding)[0, 0].numpy()
    return {"x": x, "y": y, "grad": grad, "weights": weights,
            "forward_gap": float(np.abs(y - y_ref).max()), "torch_gap": float(np.abs(grad - ref).max()),
            "winners": max_pool2d_winners(x, kernel_size, stride, padding) if op == "max" else None}


def locally_connected_example(in_channels: int, out_channels: int, kernel_size: int, size: int, seed: int = 0) -> dict:
    """A random locally connected layer (no padding, stride 1) and a convolution, and their checks.

    torch_gap: against the F.unfold reference; shared_gap: the layer with the conv's kernel
    copied to every position against the convolution itself (equal: sharing is the only change).
    conv_shift_gap / lc_shift_gap: max |f(shift x) − shift f(x)| over the columns both cover, for a
    shift of one column (0 for the convolution: shift equivariance; None when the output is 1 wide).
    """
    rng = np.random.default_rng(seed)
    ho, wo = output_shape((size, size), (kernel_size, kernel_size))
    x = rng.standard_normal((in_channels, size, size))
    w_lc = rng.standard_normal((ho, wo, out_channels, in_channels, kernel_size, kernel_size))
    b_lc = rng.standard_normal((out_channels, ho, wo))
    w_conv = rng.standard_normal((out_channels, in_channels, kernel_size, kernel_size))
    y = locally_connected2d(x, w_lc, b_lc)
    shared = locally_connected2d(x, shared_weights(w_conv, (ho, wo)))
    # Shift equivariance (note 002): move the input one column right (a zero column comes in at the left).
    # Away from the border the convolution's output moves with it; the locally connected layer's does not.
    x_shifted = np.zeros_like(x)
    x_shifted[:, :, 1:] = x[:, :, :-1]
    shift_gap = lambda layer: (float(np.abs(layer(x_shifted)[:, :, 1:] - layer(x)[:, :, :-1]).max())  # noqa: E731
                               if wo > 1 else None)
    return {"w_lc": w_lc, "w_conv": w_conv, "y": y,
            "torch_gap": float(np.abs(y - locally_connected2d_torch(x, w_lc, b_lc)).max()),
            "shared_gap": float(np.abs(shared - cross_correlate2d(x, w_conv)).max()),
            "conv_shift_gap": shift_gap(lambda v: cross_correlate2d(v, w_conv)),
            "lc_shift_gap": shift_gap(lambda v: locally_connected2d(v, w_lc))}


def separable_example(name: str, seed: int = 0, size: int = 8) -> dict:
    """The split of one kernel, its singular values, and on a random image: column-then-row
    against F.conv2d with the rank-1 kernel (always equal) and with the kernel itself (equal iff rank 1)."""
    w = separable_kernel(name, seed)
    col, row, residual = spatially_separable(w)
    img = np.random.default_rng(seed + 1).standard_normal((size, size))
    two_pass = separable_conv2d(img, col, row)
    return {"w": w, "column": col, "row": row, "residual": residual,
            "singular_values": np.linalg.svd(w, compute_uv=False),
            "rank1_gap": float(np.abs(two_pass - conv2d_torch(img[None], np.outer(col, row)[None, None])[0]).max()),
            "kernel_gap": float(np.abs(two_pass - conv2d_torch(img[None], w[None, None])[0]).max())}
