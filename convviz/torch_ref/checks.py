"""The same computations done by PyTorch in float64, for the pages' "check against torch" lines."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convviz.conv import as_pair, standardize


def conv2d_torch(x, w, bias=None, stride=1, padding=0, dilation=1, groups=1) -> np.ndarray:
    """F.conv2d in float64 with convviz's shapes: (H', W') for one output map, else (C_out, H', W').

    With groups > 1 (convviz.zoo's grouped layers): x (C, H, W), w (C_out, C/groups, kh, kw) -> (C_out, H', W').
    """
    if groups != 1:
        as_t = lambda a: torch.from_numpy(np.asarray(a, dtype=np.float64))   # noqa: E731
        return F.conv2d(as_t(x)[None], as_t(w), None if bias is None else as_t(bias), stride=as_pair(stride),
                        padding=as_pair(padding), dilation=as_pair(dilation), groups=groups)[0].numpy()
    xs, ws, bs, squeeze = standardize(x, w, bias)
    y = F.conv2d(torch.from_numpy(xs)[None], torch.from_numpy(ws), torch.from_numpy(bs),
                 stride=as_pair(stride), padding=as_pair(padding), dilation=as_pair(dilation))[0]  # (C_out, H', W')
    y = y.numpy()
    return y[0] if squeeze else y


def max_abs_difference(a, b) -> float:
    """max |a - b| (inf when the shapes differ)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.abs(a - b).max()) if a.shape == b.shape else float("inf")


def conv_backward_torch(x, w, upstream, stride=1, padding=0, dilation=1, flip=False) -> dict:
    """Autograd's ∂L/∂x, ∂L/∂w, ∂L/∂b for L = Σ upstream · conv(x, w) + b, float64, convviz's shapes."""
    xs, ws, bs, squeeze = standardize(x, w)
    xt = torch.from_numpy(xs).requires_grad_()
    wt = torch.from_numpy(ws).requires_grad_()
    bt = torch.from_numpy(bs).requires_grad_()
    kernel = wt.flip(-1, -2) if flip else wt
    y = F.conv2d(xt[None], kernel, bt, stride=as_pair(stride), padding=as_pair(padding), dilation=as_pair(dilation))[0]
    (y * torch.from_numpy(np.asarray(upstream, dtype=np.float64)).reshape(y.shape)).sum().backward()
    return {"grad_input": xt.grad.numpy().reshape(np.shape(x)), "grad_weight": wt.grad.numpy().reshape(np.shape(w)),
            "grad_bias": bt.grad.numpy()[0] if squeeze else bt.grad.numpy()}


def full_convolution_torch(x, h) -> np.ndarray:
    """The full 1-D convolution h * x by F.conv1d (a cross-correlation): kernel reversed, m − 1 zeros each side."""
    h = np.asarray(h, dtype=np.float64)
    xt = torch.from_numpy(np.asarray(x, dtype=np.float64))[None, None]
    return F.conv1d(xt, torch.from_numpy(h[::-1].copy())[None, None], padding=h.size - 1)[0, 0].numpy()


def convolve2d_torch(x, w, bias=None, stride=1, padding=0, dilation=1) -> np.ndarray:
    """True convolution by torch alone: F.conv2d with torch.flip(w, dims=(-2, -1)), float64, convviz's shapes."""
    xs, ws, bs, squeeze = standardize(x, w, bias)
    flipped = torch.flip(torch.from_numpy(ws), dims=(-2, -1))
    y = F.conv2d(torch.from_numpy(xs)[None], flipped, torch.from_numpy(bs),
                 stride=as_pair(stride), padding=as_pair(padding), dilation=as_pair(dilation))[0].numpy()
    return y[0] if squeeze else y


def filter_torch(image, kernel) -> np.ndarray:
    """A 2-D image cross-correlated with a 2-D kernel by F.conv2d, "same" zero padding k // 2, float64."""
    k = np.asarray(kernel, dtype=np.float64)
    xt = torch.from_numpy(np.asarray(image, dtype=np.float64))[None, None]
    return F.conv2d(xt, torch.from_numpy(k)[None, None], padding=(k.shape[0] // 2, k.shape[1] // 2))[0, 0].numpy()
