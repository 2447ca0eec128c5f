"""Torch twins of convviz.matrix (float64): circular padding, F.unfold (im2col), nn.Conv2d's parameter count."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convviz.conv import as_pair


def circular_conv_torch(x, w) -> np.ndarray:
    """C @ x by torch: F.conv1d (a cross-correlation) over x wrapped by k-1 cells on the left, kernel reversed."""
    xt = torch.as_tensor(np.asarray(x, dtype=np.float64)).view(1, 1, -1)
    wt = torch.as_tensor(np.asarray(w, dtype=np.float64)[::-1].copy()).view(1, 1, -1)
    k = wt.shape[-1]
    return F.conv1d(F.pad(xt, (k - 1, 0), mode="circular"), wt)[0, 0].numpy()      # (n,)


def circular_cross_correlation_torch(x, w, left: int) -> np.ndarray:
    """torch's F.conv1d over x wrapped by `left` cells on the left and k − 1 − left on the right (kernel as given)."""
    xt = torch.as_tensor(np.asarray(x, dtype=np.float64)).view(1, 1, -1)
    wt = torch.as_tensor(np.asarray(w, dtype=np.float64).copy()).view(1, 1, -1)
    k = wt.shape[-1]
    return F.conv1d(F.pad(xt, (left, k - 1 - left), mode="circular"), wt)[0, 0].numpy()      # (n,)


def unfold_torch(x, kernel_size, stride=1, padding=0, dilation=1) -> np.ndarray:
    """torch's im2col, F.unfold, in float64: (C·kh·kw, H'·W')."""
    x = np.asarray(x, dtype=np.float64)
    xt = torch.from_numpy(x if x.ndim == 3 else x[None])[None]                     # (1, C, H, W)
    return F.unfold(xt, as_pair(kernel_size), dilation=as_pair(dilation), padding=as_pair(padding),
                    stride=as_pair(stride))[0].numpy()


def conv2d_parameter_count_torch(in_channels: int, out_channels: int, kh: int, kw: int) -> int:
    """Parameters of torch.nn.Conv2d(C_in, C_out, (kh, kw)): weight (C_out, C_in, kh, kw) and bias (C_out,)."""
    return sum(t.numel() for t in torch.nn.Conv2d(in_channels, out_channels, (kh, kw), device="meta").parameters())
