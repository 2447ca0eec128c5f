"""Torch side of convviz.receptive: the region the gradient actually reaches, by autograd (float64 for
the exact widths, float32 for the effective field, a statistic).

`empirical_receptive_field` checks the table's r; `effective_receptive_field` is Luo et al. 2016's
effective field (mean |d centre output / d input| over random networks), and effective_field_*
read its narrowest window (receptive.narrowest_window).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convviz.receptive import Layer, default_trials, narrowest_window, receptive_field_table, support_width


_DT = torch.float64


def _apply(x: torch.Tensor, layer: Layer, weight: torch.Tensor | None = None, max_pool: bool = False) -> torch.Tensor:
    """One layer on x, (1, C, L) for 1-D or (1, C, H, W) for 2-D. Conv with `weight` (or a positive
    average kernel); pool as average (no gradient cut) unless max_pool."""
    k, s, p, d = layer.kernel_size, layer.stride, layer.padding, layer.dilation
    dims = x.dim() - 2
    if layer.kind == "pool":
        if max_pool:
            return (F.max_pool1d if dims == 1 else F.max_pool2d)(x, k, s, p)
        return (F.avg_pool1d if dims == 1 else F.avg_pool2d)(x, k, s, p, count_include_pad=True)
    if weight is None:
        c = x.shape[1]
        weight = torch.full((c, c) + (k,) * dims, 1.0 / (c * k ** dims), dtype=x.dtype)
    return (F.conv1d if dims == 1 else F.conv2d)(x, weight, stride=s, padding=p, dilation=d)


def gradient_maps(n: int, layers, dims: int = 2) -> list[np.ndarray]:
    """For every layer, d (centre output unit) / d input, an (n, n) map (or (n,) when dims=1), with
    positive weights and average pooling: one forward pass, then one backward pass per layer.

    A square kernel's field is the product of two 1-D fields, so dims=1 gives the same widths at a
    fraction of the cost (the page uses it; tests/compute/test_receptive.py checks that the two agree).
    """
    table = receptive_field_table(n, layers)               # raises on an empty layer
    x = torch.ones((1, 1) + (n,) * dims, dtype=_DT, requires_grad=True)
    outputs, y = [], x
    for layer in layers:
        y = _apply(y, layer)                                 # (1, 1, n_out) or (1, 1, n_out, n_out)
        outputs.append(y)
    maps = []
    for row, y in zip(table[1:], outputs):
        c = (row["n"] - 1) // 2
        (g,) = torch.autograd.grad(y[(0, 0) + (c,) * dims], x, retain_graph=True)
        maps.append(g[0, 0].numpy())                         # (n,) or (n, n)
    return maps


def empirical_receptive_fields(n: int, layers, dims: int = 2) -> list[int]:
    """The autograd width of the centre unit's field after every layer (see empirical_receptive_field)."""
    return [support_width(g) for g in gradient_maps(n, layers, dims)]


def empirical_receptive_field(n: int, layers) -> int:
    """Build the stack in torch (positive weights, average pooling in place of max pooling so that no
    gradient is cut), take the gradient of the centre output unit w.r.t. an n×n input, and return the
    width of its non-zero support. It equals the table's r wherever that field is not cut by the border.
    """
    if not layers:
        return 1
    return empirical_receptive_fields(n, layers)[-1]


def effective_receptive_field(n: int, layers, trials: int = 4, channels: int = 4, seed: int = 0) -> np.ndarray:
    """Mean |d (centre output unit) / d input| over `trials` random networks and inputs: an (n, n) map.

    Kaiming-normal conv weights (std sqrt(2 / fan_in)), a ReLU after every conv but the last, max
    pooling, random normal inputs (Luo et al. 2016, "Understanding the effective receptive field in
    deep CNNs"). The result is a Gaussian-like blob much narrower than r. float32: it is a statistic.
    """
    table = receptive_field_table(n, layers)
    if not layers:
        out = np.zeros((n, n))
        out[(n - 1) // 2, (n - 1) // 2] = 1.0
        return out
    c_out = (table[-1]["n"] - 1) // 2
    last_conv = max((i for i, layer in enumerate(layers) if layer.kind == "conv"), default=-1)
    total = torch.zeros(n, n)
    for x, weights in random_networks(n, layers, trials, channels, seed):
        x.requires_grad_(True)
        y = x
        for i, (layer, w) in enumerate(zip(layers, weights)):
            if layer.kind == "conv":
                y = _apply(y, layer, w)                       # (1, C, n_i, n_i)
                if i != last_conv:
                    y = torch.relu(y)
            else:
                y = _apply(y, layer, max_pool=True)
        (g,) = torch.autograd.grad(y[0, :, c_out, c_out].sum(), x)
        total += g[0].abs().sum(0)                            # (n, n)
    return (total / trials).double().numpy()


def random_networks(n: int, layers, trials: int = 4, channels: int = 4, seed: int = 0):
    """The draws behind effective_receptive_field: `trials` pairs (input (1, C, n, n), one weight per
    layer: Kaiming normal (C, C, k, k) with std sqrt(2 / fan_in) for a conv, None for a pool), float32."""
    gen = torch.Generator().manual_seed(seed)
    for _ in range(trials):
        x = torch.randn(1, channels, n, n, generator=gen)
        weights = []
        for layer in layers:
            if layer.kind == "conv":
                fan_in = channels * layer.kernel_size ** 2
                weights.append(torch.randn(channels, channels, layer.kernel_size, layer.kernel_size,
                                           generator=gen) * (2.0 / fan_in) ** 0.5)
            else:
                weights.append(None)
        yield x, weights


def path_counts(n: int, layers) -> np.ndarray:
    """How many paths join each of n input cells to the centre output, for a 1-D stack with every
    weight 1 (pools sum their window): the gradient of the centre output, as whole numbers (n,)."""
    table = receptive_field_table(n, layers)
    x = torch.ones(1, 1, n, dtype=_DT, requires_grad=True)
    y = x
    for layer in layers:
        ones = torch.ones(1, 1, layer.kernel_size, dtype=_DT)
        dilation = layer.dilation if layer.kind == "conv" else 1
        y = F.conv1d(y, ones, stride=layer.stride, padding=layer.padding, dilation=dilation)   # (1, 1, n_i)
    (g,) = torch.autograd.grad(y[0, 0, (table[-1]["n"] - 1) // 2], x)
    return np.rint(g[0, 0].numpy())


def effective_field_marginal(n: int, layers, trials: int | None = None, field: np.ndarray | None = None) -> np.ndarray:
    """The effective field's 1-D marginal (n,): effective_receptive_field summed over the input rows,
    i.e. mean over random networks of sum over rows and channels of |d centre output / d input|
    (Luo et al. 2016). `field` is that (n, n) map when the caller has it already (the page caches it).
    """
    if field is None:
        field = effective_receptive_field(n, layers, trials=default_trials(n) if trials is None else trials)
    return np.asarray(field, dtype=np.float64).sum(0)


def effective_field_window(n: int, layers, mass: float = 0.95, trials: int | None = None,
                           field: np.ndarray | None = None) -> tuple[int, int]:
    """(first column, width) of the narrowest contiguous run of input columns holding `mass` of the
    effective field's marginal (see narrowest_window and effective_field_marginal)."""
    return narrowest_window(effective_field_marginal(n, layers, trials, field), mass)


def effective_field_width(n: int, layers, mass: float = 0.95, trials: int | None = None,
                          field: np.ndarray | None = None) -> int:
    """Effective field width: the fewest contiguous input columns holding `mass` of the gradient of the
    centre output unit (the marginal of Luo et al. 2016's effective field, placed anywhere). The
    gradient is zero outside the theoretical field (note 002), so this is never more than r.
    """
    return effective_field_window(n, layers, mass, trials, field)[1]
