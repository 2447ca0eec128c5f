"""Batch normalization for conv layers, in numpy float64 (note 002, "Batch Normalization").

x is (N, C, H, W). Each channel c has its own statistics, taken over the batch and both spatial
axes, m = N·H·W values:

    mu_c = mean of x[:, c, :, :]            sigma2_c = mean of (x[:, c, :, :] - mu_c)^2   (biased)
    y = gamma_c · (x - mu_c) / sqrt(sigma2_c + eps) + beta_c                            (training)

Running estimates follow torch's momentum convention (STYLE.md H: the *new batch* gets weight
`momentum`; Keras's momentum=0.99 weights them the other way round, and KAIR's
BatchNorm2d(momentum=0.9) gives the newest batch 90%):

    running = (1 - momentum) · running + momentum · batch_statistic

where the variance stored is the unbiased m/(m-1) · sigma2_c (note 002's inference formula,
Var[x] = m/(m-1) · E_B[sigma2_B]). In eval mode the running estimates replace the batch's
statistics, so BN is a fixed per-channel affine map and folds into the conv before it.

Equal to torch.nn.BatchNorm2d in float64 to 1e-10 (tests/compute/test_batchnorm.py). No function
changes the arrays it is given.
"""

from __future__ import annotations

import numpy as np


def _nchw(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W), got shape {x.shape}.")
    return x


def _per_channel(value, c: int, name: str) -> np.ndarray:
    """A number or a length-C vector as a (C,) float64 array (a new array)."""
    v = np.asarray(value, dtype=np.float64)
    if v.ndim == 0:
        return np.full(c, float(v))
    if v.shape != (c,):
        raise ValueError(f"{name} must be a number or have one entry per channel ({c}), got shape {v.shape}.")
    return v.copy()


def _check_eps(eps: float) -> None:
    if not eps >= 0:
        raise ValueError(f"eps must be 0 or more, got {eps}.")


def _channel_view(v: np.ndarray) -> np.ndarray:
    return v[None, :, None, None]                                     # (1, C, 1, 1)


def _eval_scale(c: int, gamma, beta, running_mean, running_var, eps):
    """Eval-mode BN's per-channel (scale = gamma / sqrt(running_var + eps), beta, running_mean), each (C,)."""
    _check_eps(eps)
    g, b = _per_channel(gamma, c, "gamma"), _per_channel(beta, c, "beta")
    rm = _per_channel(running_mean, c, "running_mean")
    rv = _per_channel(running_var, c, "running_var")
    if np.any(rv + eps <= 0):
        raise ValueError("running_var + eps must be positive in every channel.")
    return g / np.sqrt(rv + eps), b, rm


def batch_norm_train(x, gamma, beta, eps=1e-5):
    """Training-mode BN: y = gamma · (x - mu_B) / sqrt(sigma2_B + eps) + beta, per channel.

    Returns (y, mean, var): y (N, C, H, W); mean and the *biased* variance (C,), taken over
    N, H and W (m = N·H·W values per channel). The biased var is what normalises in training.

    >>> x = np.arange(8.0).reshape(2, 1, 2, 2)        # one channel, m = 8 values 0..7
    >>> y, mean, var = batch_norm_train(x, 1.0, 0.0, eps=0.0)
    >>> float(mean[0]), float(var[0])                   # var = 42/8, not 42/7
    (3.5, 5.25)
    """
    x = _nchw(x)
    n, c, h, w = x.shape
    if n * h * w < 2:
        raise ValueError("Each channel has a single value (N·H·W = 1): its variance is 0 and the running "
                         "variance's m/(m−1) is undefined. torch refuses too ('Expected more than 1 value "
                         "per channel when training').")
    _check_eps(eps)
    g, b = _per_channel(gamma, c, "gamma"), _per_channel(beta, c, "beta")
    mean = x.mean(axis=(0, 2, 3))                                     # (C,)
    centred = x - _channel_view(mean)                                 # (N, C, H, W)
    var = (centred ** 2).mean(axis=(0, 2, 3))                         # (C,) biased: divide by m
    y = _channel_view(g) * centred / np.sqrt(_channel_view(var) + eps) + _channel_view(b)
    return y, mean, var


def update_running_stats(running_mean, running_var, mean, var, m, momentum=0.1):
    """One training step's update of the running estimates, torch's rule.

        running_mean <- (1 - momentum) · running_mean + momentum · mean
        running_var  <- (1 - momentum) · running_var  + momentum · m/(m-1) · var

    `var` is the batch's biased variance (as returned by batch_norm_train) and m = N·H·W the
    number of values per channel; the m/(m-1) factor makes the stored estimate unbiased.
    momentum=1 keeps only the newest batch, momentum=0 never moves. Returns new (C,) arrays.
    """
    m = int(m)
    if m < 2:
        raise ValueError(f"m = N·H·W must be at least 2 for the unbiased m/(m−1) correction, got {m}.")
    if not 0.0 <= momentum <= 1.0:
        raise ValueError(f"momentum must be in [0, 1] (torch's convention: the new batch's weight), got {momentum}.")
    mean, var = np.asarray(mean, dtype=np.float64), np.asarray(var, dtype=np.float64)
    if mean.ndim != 1 or var.shape != mean.shape:
        raise ValueError(f"mean and var must be (C,) vectors of one length, got {mean.shape} and {var.shape}.")
    c = mean.shape[0]
    rm = _per_channel(running_mean, c, "running_mean")
    rv = _per_channel(running_var, c, "running_var")
    unbiased = var * m / (m - 1)
    return (1 - momentum) * rm + momentum * mean, (1 - momentum) * rv + momentum * unbiased


def batch_norm_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    """Eval-mode BN: y = gamma · (x - running_mean) / sqrt(running_var + eps) + beta.

    The batch's own statistics are not used, so each sample's output no longer depends on the
    rest of the batch (note 002, "Inference with Batch-Normalized Networks").
    """
    x = _nchw(x)
    c = x.shape[1]
    scale, b, rm = _eval_scale(c, gamma, beta, running_mean, running_var, eps)   # (C,) each
    return _channel_view(scale) * (x - _channel_view(rm)) + _channel_view(b)


def fold_into_conv(w, b, gamma, beta, running_mean, running_var, eps=1e-5):
    """A conv followed by eval-mode BN as one conv: (w_folded, b_folded).

    With s = gamma / sqrt(running_var + eps) (one number per output channel):

        w_folded[o] = s[o] · w[o]                  (dim 0 of (Cout, Cin, kh, kw), as KAIR's merge_bn)
        b_folded[o] = s[o] · (b[o] - running_mean[o]) + beta[o]

    b may be None (a conv with bias=False, the usual choice before BN). Only eval-mode BN folds:
    in training the statistics change with every batch.
    """
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 4:
        raise ValueError(f"w must be (Cout, Cin, kh, kw), got shape {w.shape}.")
    c_out = w.shape[0]
    scale, be, rm = _eval_scale(c_out, gamma, beta, running_mean, running_var, eps)   # (Cout,) each
    bias = np.zeros(c_out) if b is None else _per_channel(b, c_out, "b")
    return w * scale[:, None, None, None], scale * (bias - rm) + be   # (Cout, Cin, kh, kw), (Cout,)


def groups_dividing(c: int, wanted: int) -> int:
    """The largest G ≤ wanted that divides C (group norm needs C % G == 0); 1 always qualifies.

    >>> groups_dividing(3, 2), groups_dividing(8, 6), groups_dividing(4, 9)
    (1, 4, 4)
    """
    if c < 1 or wanted < 1:
        raise ValueError(f"C and G must be at least 1, got C = {c}, G = {wanted}.")
    return max(g for g in range(1, min(c, wanted) + 1) if c % g == 0)
