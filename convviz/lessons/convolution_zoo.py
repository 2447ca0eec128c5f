"""Lesson: the convolution zoo of note 002 (1×1, dilated, grouped, depthwise and spatially separable,
pooling, locally connected): settings in, numbers and figures out.

One frozen, hashable settings object per section, validated where it is made (ValueError with the
message the page shows, taken from the compute layer: convviz.zoo, convviz.pooling); one builder per
section that turns it into every number and figure the section shows, computed once (the page caches
them per settings in convviz/ui/cache/convolution_zoo.py). Numbers from convviz.zoo and the seeded examples of
convviz.torch_ref.zoo; figures from convviz.figures.convolution_zoo. No streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz import zoo
from convviz.figures.common import grid_figure
from convviz.figures.convolution_zoo import (connection_figure, cost_bars_figure, decimals_text, outline_cells,
                                             outline_window, pointwise_figure, pooling_formula_markdown,
                                             receptive_figure, taps_figure, tiled_kernels_figure)
from convviz.lessons.snippets.convolution_zoo import cost_snippet
from convviz.pooling import avg_pool2d
from convviz.torch_ref import zoo as zoo_torch
from convviz.lessons.settings_error import SettingsError

SCHEDULES = {"same": "d in every layer", "double": "1, 2, 4, … (doubling)"}
GROUPED_SIZE = 32          # the grouped section counts on a 32×32 input, padding k // 2
CHECK_SIZE = 12            # the depthwise check's input side at most (a size above 12 leaves room for any k ≤ 11)
CHECK_CHANNELS = 64        # and its channels at most: torch's float64 depthwise is slow for 1,000 groups


# --- Settings, one per section ------------------------------------------------------------------

@dataclass(frozen=True)
class PointwiseSettings:
    """1×1 convolution: C → C_out channels on a 4×4 input."""
    c_in: int = 3
    c_out: int = 2
    seed: int = 0

    def __post_init__(self):
        zoo.conv_cost(self.c_in, self.c_out, 1, 4)                  # raises for channels < 1


@dataclass(frozen=True)
class DilationSettings:
    """A stack of `layers` k-tap stride-1 convolutions, dilation d in each or doubling (1, 2, 4, …)."""
    k: int = 3
    d: int = 2
    layers: int = 4
    schedule: str = "same"

    def __post_init__(self):
        if self.k < 1 or self.d < 1 or self.layers < 1:
            raise SettingsError(f"Kernel size, dilation and layers must be at least 1, got k = {self.k}, d = {self.d}, "
                             f"{self.layers} layers.")
        zoo.dilation_schedule(self.schedule, self.d, self.layers)       # raises for an unknown schedule

    @property
    def dilations(self) -> list[int]:
        return zoo.dilation_schedule(self.schedule, self.d, self.layers)


@dataclass(frozen=True)
class GroupedSettings:
    """nn.Conv2d(c_in, c_out, k, groups=g) on a size×size input, padding k // 2."""
    c_in: int = 8
    c_out: int = 8
    groups: int = 2
    k: int = 3
    size: int = GROUPED_SIZE

    def __post_init__(self):
        _ = self.cost                                               # raises when g does not divide C and C_out

    @property
    def cost(self) -> dict:
        return zoo.conv_cost(self.c_in, self.c_out, self.k, self.size, padding=self.k // 2, groups=self.groups)


def dividing_groups(c_in: int, c_out: int) -> list[int]:
    """The numbers of groups that divide both channel counts."""
    return [g for g in range(1, min(c_in, c_out) + 1) if c_in % g == 0 and c_out % g == 0]


@dataclass(frozen=True)
class DepthwiseSettings:
    """A k×k depthwise conv (groups = C) then a 1×1 conv C → C_out, against the k×k conv it replaces."""
    c_in: int = 32
    c_out: int = 64
    k: int = 3
    size: int = 112
    stride: int = 1
    padding: int = 1

    def __post_init__(self):
        _ = self.cost                                               # raises when no window fits

    @property
    def cost(self) -> dict:
        return zoo.depthwise_separable_cost(self.c_in, self.c_out, self.k, self.size, self.stride, self.padding)


@dataclass(frozen=True)
class SeparableSettings:
    """One kernel of zoo.SEPARABLE_KERNELS (the seed draws the "random" one)."""
    kernel: str = "sobel"
    seed: int = 0

    def __post_init__(self):
        zoo.separable_kernel(self.kernel, self.seed)                # raises for an unknown kernel


@dataclass(frozen=True)
class PoolingSettings:
    """Pool a size×size input with window k, stride s, padding p (none for Lp: F.lp_pool2d takes none);
    p_norm is Lp's power, sigma the weighted average's Gaussian width (cells)."""
    op: str = "max"
    k: int = 2
    stride: int = 2
    padding: int = 0
    size: int = 6
    seed: int = 0
    p_norm: float = 2.0
    sigma: float = 1.0

    def __post_init__(self):
        if self.op not in zoo.POOLINGS:
            raise SettingsError(f"Unknown pooling {self.op!r}: choose one of {', '.join(zoo.POOLINGS)}.")
        if self.op == "lp" and self.padding:
            raise SettingsError(f"Lp pooling takes no padding (torch's F.lp_pool2d has none); got padding {self.padding}.")
        if not self.p_norm >= 1:
            raise SettingsError(f"The power p of Lp pooling must be at least 1, got {self.p_norm:g}.")
        if not self.sigma > 0:
            raise SettingsError(f"The Gaussian σ must be positive, got {self.sigma:g}.")
        avg_pool2d(np.zeros((self.size, self.size)), self.k, self.stride, self.padding)   # torch's padding rule, a window fits

    @classmethod
    def from_controls(cls, op: str, k: int, stride: int, padding: int, size: int, seed: int, p_norm: float,
                      sigma: float) -> "PoolingSettings":
        """Lp pooling ignores the padding control (the page says so)."""
        return cls(op, k, stride, 0 if op == "lp" else padding, size, seed, p_norm, sigma)


@dataclass(frozen=True)
class LocallyConnectedSettings:
    """A locally connected layer and a convolution, C → C_out, k×k, on a size×size input (stride 1, no padding)."""
    c_in: int = 1
    c_out: int = 1
    k: int = 3
    size: int = 6
    seed: int = 0

    def __post_init__(self):
        _ = self.cost                                               # raises when no window fits

    @property
    def cost(self) -> dict:
        return zoo.locally_connected_cost(self.c_in, self.c_out, self.k, self.size)


# --- Builders, one per section -------------------------------------------------------------------

def pointwise_lesson(s: PointwiseSettings) -> dict:
    """The 1×1 example (ex: x, w, y, torch_gap), its figure (inputs, w, outputs), and the counts."""
    ex = zoo_torch.pointwise_example(s.c_in, s.c_out, s.seed)
    return {
        "ex": ex,
        "figure": pointwise_figure(ex["x"], ex["w"], ex["y"]),
        "cost": zoo.conv_cost(s.c_in, s.c_out, 1, 4),
        "scale": (zoo.conv_cost(256, 64, 1, 1)["params"], zoo.conv_cost(256, 64, 3, 3)["params"]),
    }


def dilation_lesson(s: DilationSettings) -> dict:
    """Footprint figure, receptive-field curves (with and without dilation) and the autograd-measured field."""
    dilations = s.dilations
    curves = {f"dilations {', '.join(map(str, dilations))}" if s.layers <= 6 else f"{s.schedule} dilation":
              zoo.receptive_field_sizes(s.k, dilations),
              "no dilation (d = 1)": zoo.receptive_field_sizes(s.k, [1] * s.layers)}
    return {"dilations": dilations, "curves": curves,
            "rf": list(curves.values())[0][-1], "rf_plain": list(curves.values())[1][-1],
            "span": s.d * (s.k - 1) + 1,
            "measured": zoo_torch.receptive_field_torch(s.k, dilations),
            "taps_figure": taps_figure(s.k, s.d, zoo.dilated_taps(s.k, s.d)),
            "rf_figure": receptive_figure(curves)}


def grouped_lesson(s: GroupedSettings) -> dict:
    """The group connections, the counts with g groups and with one, torch's parameter count and the check
    of one conv per group against F.conv2d(groups=g)."""
    return {"connections": connection_figure(zoo.group_connections(s.c_in, s.c_out, s.groups)),
            "ex": zoo_torch.grouped_example(s.c_in, s.c_out, s.groups, s.k),
            "cost": s.cost,
            "full": zoo.conv_cost(s.c_in, s.c_out, s.k, s.size, padding=s.k // 2),
            "params_torch": zoo_torch.conv_params_torch(s.c_in, s.c_out, s.k, groups=s.groups)}


def depthwise_lesson(s: DepthwiseSettings) -> dict:
    """Costs of the three layers, note 002's printed expressions, the MAC bars, torch's parameter count, the
    numpy block against torch on a small random input (at most CHECK_SIZE², CHECK_CHANNELS channels), and
    the torch code that counts the same (convviz.lessons.snippets.convolution_zoo)."""
    cost = s.cost
    check = (min(s.size, CHECK_SIZE), min(s.c_in, CHECK_CHANNELS), min(s.c_out, CHECK_CHANNELS))
    return {"cost": cost,
            "note": zoo.note_002_cost_expressions(s.c_in, s.c_out, s.k, cost["output_size"]),
            "savings": zoo.separable_savings(s.c_out, s.k),
            "bars": cost_bars_figure(cost["standard"]["macs"], cost["depthwise"]["macs"], cost["pointwise"]["macs"], s.k),
            "check_sizes": check,
            "check": zoo_torch.depthwise_separable_example(check[1], check[2], s.k, s.stride, s.padding, size=check[0]),
            "params_torch": zoo_torch.depthwise_separable_params_torch(s.c_in, s.c_out, s.k),
            "code": cost_snippet(s.c_in, s.c_out, s.k, s.size, s.stride, s.padding)}


def separable_lesson(s: SeparableSettings) -> dict:
    """The split of one kernel (column · row), its residual and singular values, and the figures."""
    ex = zoo_torch.separable_example(s.kernel, s.seed)
    sv = ex["singular_values"]
    return {"ex": ex,
            "residual": float(abs(ex["residual"]).max()),
            "singular_values": ", ".join("0" if v < 1e-12 * sv[0] else f"{v:.3g}" for v in sv),
            "figures": (grid_figure(ex["w"], title="kernel w"),
                        grid_figure(ex["column"][:, None], title="column"),
                        grid_figure(ex["row"][None, :], title="row"),
                        grid_figure(ex["residual"], title="residual w − column·row"))}


def pooling_lesson(s: PoolingSettings) -> dict:
    """Input (winners outlined for max), output, where the gradient of ones lands, (weighted average only) the
    fixed weights, and (Lp and weighted average) the formula worked for y[0, 0]."""
    op, k, padding, size = s.op, s.k, s.padding, s.size
    ex = zoo_torch.pooling_example(op, k, s.stride, padding, size, s.seed, p_norm=s.p_norm, sigma=s.sigma)
    x_fig = grid_figure(ex["x"], title="input x", colorscale="Greys")
    g_fig = grid_figure(ex["grad"], title="gradient dL/dx (dL/dy = 1 everywhere)", colorscale="Greens",
                        text=None if op in ("max", "avg", "stride") else decimals_text(ex["grad"]))
    pooled_name = {"stride": "central sample", "lp": f"L{s.p_norm:g}", "wavg": "weighted average"}.get(op, op)
    y_fig = grid_figure(ex["y"], title=f"{pooled_name} pooled y", colorscale="Greys", text=decimals_text(ex["y"]))
    if ex["winners"] is not None:                      # max: every window's winner
        outline_cells(x_fig, ex["winners"].reshape(-1, 2))
        outline_cells(g_fig, ex["winners"].reshape(-1, 2))
    elif op == "stride":                               # striding: the sampled centre cells
        sampled = np.argwhere(ex["grad"] != 0)
        outline_cells(x_fig, sampled)
        outline_cells(g_fig, sampled)
    else:                                              # average, Lp, weighted: the first window and its output
        for fig in (x_fig, g_fig):
            outline_window(fig, -padding, -padding, k, k)
            fig.update_xaxes(autorange=False, range=[-0.5 - padding, size - 0.5 + padding])   # show the padding
            fig.update_yaxes(autorange=False, range=[size - 0.5 + padding, -0.5 - padding])
        outline_cells(y_fig, [(0, 0)])
    w_fig = None if ex["weights"] is None else grid_figure(
        ex["weights"], title=f"weights w (σ = {s.sigma:g}, Σ w = 1)", colorscale="Blues",
        text=decimals_text(ex["weights"]))
    formula = None
    if op in ("lp", "wavg"):
        window = zoo.first_pool_window(ex["x"], k, padding)
        norms = zoo.lp_window_norms(window, sorted({1.0, 2.0, float(s.p_norm), 4.0, np.inf})) if op == "lp" else {}
        formula = pooling_formula_markdown(ex, op, k, padding, s.p_norm, s.sigma, window, norms)
    return {"ex": ex, "x_figure": x_fig, "y_figure": y_fig, "grad_figure": g_fig, "weights_figure": w_fig,
            "formula": formula, "hit": int((ex["grad"] != 0).sum()), "n_out": ex["y"].size}


def locally_connected_lesson(s: LocallyConnectedSettings) -> dict:
    """Numbers and the tiled per-position kernels (first input and output channel) of both layers, the three
    layers' counts, and note 004's photo-sized dense layer."""
    ex = zoo_torch.locally_connected_example(s.c_in, s.c_out, s.k, s.size, s.seed)
    cost = s.cost
    ho, wo = cost["output_size"]
    return {"ex": ex, "cost": cost,
            "conv": zoo.conv_cost(s.c_in, s.c_out, s.k, s.size),
            "fc": zoo.fully_connected_cost(s.c_in, s.c_out, s.size, (ho, wo)),
            "photo_fc": zoo.fully_connected_cost(3, 1000, 1024, 1),
            "photo_conv": zoo.conv_cost(3, 64, 3, 1024, padding=1),
            "lc_figure": tiled_kernels_figure(ex["w_lc"][:, :, 0, 0], f"locally connected: {ho}×{wo} different kernels"),
            "conv_figure": tiled_kernels_figure(zoo.shared_weights(ex["w_conv"], (ho, wo))[:, :, 0, 0],
                                                f"convolution: one kernel, shared by all {ho}×{wo} positions")}
