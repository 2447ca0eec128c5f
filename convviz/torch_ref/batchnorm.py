"""Torch twins of convviz.batchnorm (float64): torch.nn.BatchNorm2d's running statistics over a stream of
batches, and a convolution followed by eval-mode batch norm (what fold_into_conv replaces by one conv)."""

from __future__ import annotations

import numpy as np
import torch


def running_history_torch(batches, momentum: float, gamma: float = 1.0, beta: float = 0.0, eps: float = 1e-5) -> dict:
    """torch.nn.BatchNorm2d trained on `batches` (each (N, C, H, W)) in order from torch's start (running mean 0,
    running var 1): the running statistics after the last batch, and the first batch's outputs in train mode
    (its own statistics) and in eval mode (the running ones), as convviz's running history has them."""
    first = torch.from_numpy(np.asarray(batches[0], dtype=np.float64))
    bn = torch.nn.BatchNorm2d(first.shape[1], eps=eps, momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        bn.weight.fill_(gamma)
        bn.bias.fill_(beta)
        bn.train()
        for batch in batches:
            bn(torch.from_numpy(np.asarray(batch, dtype=np.float64)))
        y_train = torch.nn.functional.batch_norm(first, None, None, bn.weight, bn.bias, training=True, eps=eps)
        bn.eval()
        y_eval = bn(first)
    return dict(running_mean=bn.running_mean.numpy(), running_var=bn.running_var.numpy(),
                y_train=y_train.numpy(), y_eval=y_eval.numpy())


def conv_then_batch_norm_torch(x, w, b, gamma, beta, running_mean, running_var, eps: float = 1e-5,
                               padding: int = 1) -> np.ndarray:
    """nn.Conv2d (weights w (C_out, C_in, kh, kw), bias b) then nn.BatchNorm2d(...).eval() on x (C_in, H, W):
    (C_out, H', W')."""
    c_out, c_in, kh, kw = np.shape(w)
    conv = torch.nn.Conv2d(c_in, c_out, (kh, kw), padding=padding, dtype=torch.float64)
    bn = torch.nn.BatchNorm2d(c_out, eps=eps, dtype=torch.float64).eval()
    with torch.no_grad():
        for param, value in [(conv.weight, w), (conv.bias, b), (bn.weight, gamma), (bn.bias, beta),
                             (bn.running_mean, running_mean), (bn.running_var, running_var)]:
            param.copy_(torch.from_numpy(np.asarray(value, dtype=np.float64)))
        return bn(conv(torch.from_numpy(np.asarray(x, dtype=np.float64))[None]))[0].numpy()
