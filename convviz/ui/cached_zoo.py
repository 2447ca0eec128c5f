"""Cached views for the convolution zoo page: keyed on the few numbers a section shows, never on arrays.

Each returns (numbers, figures) built by convviz.zoo and convviz.figures.convolution_zoo; results are
shared resources, which the page only reads.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz import zoo
from convviz.figures.common import grid_figure
from convviz.figures.convolution_zoo import (channel_grid, connection_figure, cost_bars_figure, decimals_text, outline_cells,
                                 outline_window, pooling_formula_markdown, receptive_figure, taps_figure,
                                 tiled_kernels_figure)


@st.cache_resource(max_entries=32, show_spinner=False)
def pointwise_view(in_channels: int, out_channels: int, seed: int):
    """The 1×1 example and its figures: input channels, the C_out×C weight matrix, output channels."""
    ex = zoo.pointwise_example(in_channels, out_channels, seed)
    inputs = [outline_cells(channel_grid(ex["x"][c], f"input channel {c}", height=260), [(0, 0)])
              for c in range(in_channels)]
    weights = grid_figure(ex["w"], title="w: row o = output channel o", height=160 + 42 * out_channels)
    outputs = [outline_cells(channel_grid(ex["y"][o], f"output channel {o}", height=260), [(0, 0)])
               for o in range(out_channels)]
    return ex, inputs, weights, outputs


@st.cache_resource(max_entries=32, show_spinner=False)
def dilation_view(kernel_size: int, dilation: int, layers: int, schedule: str):
    """Footprint figure, receptive-field curves and the autograd-measured field of the chosen stack."""
    dilations = zoo.dilation_schedule(schedule, dilation, layers)
    curves = {f"dilations {', '.join(map(str, dilations))}" if layers <= 6 else f"{schedule} dilation":
              zoo.receptive_field_sizes(kernel_size, dilations),
              "no dilation (d = 1)": zoo.receptive_field_sizes(kernel_size, [1] * layers)}
    measured = zoo.receptive_field_torch(kernel_size, dilations)
    return (dilations, curves, measured, taps_figure(kernel_size, dilation, zoo.dilated_taps(kernel_size, dilation)),
            receptive_figure(curves))


@st.cache_resource(max_entries=32, show_spinner=False)
def grouped_view(in_channels: int, out_channels: int, groups: int, kernel_size: int):
    """The group connection figure and the numeric check of the grouped conv against F.conv2d(groups=g)."""
    return (connection_figure(zoo.group_connections(in_channels, out_channels, groups)),
            zoo.grouped_example(in_channels, out_channels, groups, kernel_size))


@st.cache_resource(max_entries=32, show_spinner=False)
def separable_view(name: str, seed: int):
    """The split of one kernel and the figures: kernel = column · row, residual."""
    ex = zoo.separable_example(name, seed)
    return (ex, grid_figure(ex["w"], title="kernel w"),
            grid_figure(ex["column"][:, None], title="column"),
            grid_figure(ex["row"][None, :], title="row"),
            grid_figure(ex["residual"], title="residual w − column·row"))


@st.cache_resource(max_entries=32, show_spinner=False)
def pooling_view(op: str, kernel_size: int, stride: int, padding: int, size: int, seed: int, p_norm: float = 2.0,
                 sigma: float = 1.0):
    """Input (winners outlined for max), output, where the gradient of ones lands, and (weighted
    average only) the fixed weights; the 4th item is None for the other pools."""
    ex = zoo.pooling_example(op, kernel_size, stride, padding, size, seed, p_norm=p_norm, sigma=sigma)
    x_fig = grid_figure(ex["x"], title="input x", colorscale="Greys")
    g_fig = grid_figure(ex["grad"], title="gradient dL/dx (dL/dy = 1 everywhere)", colorscale="Greens",
                        text=None if op in ("max", "avg", "stride") else decimals_text(ex["grad"]))
    pooled_name = {"stride": "central sample", "lp": f"L{p_norm:g}", "wavg": "weighted average"}.get(op, op)
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
            outline_window(fig, -padding, -padding, kernel_size, kernel_size)
            fig.update_xaxes(autorange=False, range=[-0.5 - padding, size - 0.5 + padding])   # show the padding
            fig.update_yaxes(autorange=False, range=[size - 0.5 + padding, -0.5 - padding])
        outline_cells(y_fig, [(0, 0)])
    w_fig = None if ex["weights"] is None else grid_figure(
        ex["weights"], title=f"weights w (σ = {sigma:g}, Σ w = 1)", colorscale="Blues",
        text=decimals_text(ex["weights"]))
    return ex, x_fig, y_fig, g_fig, w_fig


def pooling_formula(ex: dict, op: str, kernel_size: int, padding: int, p_norm: float, sigma: float) -> str:
    """The Lp / weighted-average formula worked for y[0, 0] (zoo_figures.pooling_formula_markdown)."""
    padding = 0 if op == "lp" else padding
    window = zoo.first_pool_window(ex["x"], kernel_size, padding)
    norms = zoo.lp_window_norms(window, sorted({1.0, 2.0, float(p_norm), 4.0, np.inf})) if op == "lp" else {}
    return pooling_formula_markdown(ex, op, kernel_size, padding, p_norm, sigma, window, norms)


@st.cache_resource(max_entries=32, show_spinner=False)
def locally_connected_view(in_channels: int, out_channels: int, kernel_size: int, size: int, seed: int):
    """Numbers and the tiled per-position kernels (first input and output channel) of both layers."""
    ex = zoo.locally_connected_example(in_channels, out_channels, kernel_size, size, seed)
    ho, wo = ex["y"].shape[1:]
    lc = tiled_kernels_figure(ex["w_lc"][:, :, 0, 0], f"locally connected: {ho}×{wo} different kernels")
    conv = tiled_kernels_figure(zoo.shared_weights(ex["w_conv"], (ho, wo))[:, :, 0, 0],
                                f"convolution: one kernel, shared by all {ho}×{wo} positions")
    return ex, lc, conv


@st.cache_resource(max_entries=32, show_spinner=False)
def depthwise_separable_check(in_channels: int, out_channels: int, kernel_size: int, stride: int, padding: int,
                              size: int):
    """zoo.depthwise_separable_example: the numpy block against torch on a random input (tens of ms)."""
    return zoo.depthwise_separable_example(in_channels, out_channels, kernel_size, stride, padding, size=size)


@st.cache_resource(max_entries=32, show_spinner=False)
def cost_bars(standard_macs: int, depthwise_macs: int, pointwise_macs: int, kernel_size: int):
    return cost_bars_figure(standard_macs, depthwise_macs, pointwise_macs, kernel_size)
