"""Torch twins of convviz.transposed (float64): F.conv_transpose2d, autograd's input gradient of a
strided convolution, and note 000's `trans_conv` loop as printed."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convviz.conv import as_pair, standardize


def strided_conv_input_gradient(n: int, k: int, stride: int) -> np.ndarray:
    """d/dx of sum(conv2d(x, ones k×k, stride s)) for an n×n input, by torch autograd: (n, n).

    It is conv_transpose2d of the upstream gradient (all ones) with the kernel, so it carries
    the same uneven overlap: each input cell's gradient counts the windows that read it.
    """
    x = torch.zeros(1, 1, n, n, dtype=torch.float64, requires_grad=True)
    F.conv2d(x, torch.ones(1, 1, k, k, dtype=torch.float64), stride=stride).sum().backward()
    return x.grad[0, 0].numpy().copy()                                 # (n, n)


def conv_transpose2d_torch(x, w, bias=None, stride=1, padding=0, output_padding=0, dilation=1) -> np.ndarray:
    """F.conv_transpose2d in float64 with the same shapes as conv_transpose2d (the page's check)."""
    xs, ws, bs, squeeze = standardize(x, w, bias, transposed=True)
    y = F.conv_transpose2d(torch.from_numpy(xs)[None], torch.from_numpy(ws), torch.from_numpy(bs),
                           stride=as_pair(stride), padding=as_pair(padding), output_padding=as_pair(output_padding),
                           dilation=as_pair(dilation))[0].numpy()                      # (C_out, H', W')
    return y[0] if squeeze else y


def trans_conv_note_000(y, w, b) -> np.ndarray:
    """Note 000's `trans_conv` loop as printed (torch, float64): every input cell Y[:, k, i, j] stamps
    w[k] (all output channels) into X[:, :, i:i+f1, j:j+f2]; then the bias b[o] is added once per
    output channel. y (C_in, m, n), w (C_in, C_out, f1, f2), b (C_out,) -> (C_out, m+f1-1, n+f2-1).
    Stride 1, no padding: F.conv_transpose2d's defaults."""
    Y = torch.from_numpy(np.asarray(y, dtype=np.float64))[None]                   # (batch = 1, C_in, m, n)
    w = torch.from_numpy(np.asarray(w, dtype=np.float64))
    b = torch.from_numpy(np.asarray(b, dtype=np.float64))
    c_in, c_out, f1, f2 = w.shape
    batch, c_in, m, n = Y.shape
    X = torch.zeros(batch, c_out, m + f1 - 1, n + f2 - 1, dtype=torch.float64)
    for k in range(c_in):
        for i in range(Y.shape[2]):
            for j in range(Y.shape[3]):
                X[:, :, i:i + f1, j:j + f2] += Y[:, k, i, j].view(-1, 1, 1, 1) * w[k, :, :, :].unsqueeze(0)
    return (X + b.view(1, -1, 1, 1))[0].numpy()
