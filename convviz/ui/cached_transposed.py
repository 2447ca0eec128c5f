"""Cached builders for the transposed-convolution page, keyed on small hashable settings."""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.lessons.examples import input_values, kernel_values
from convviz.matrix import conv_matrix_1d
from convviz.pooling import max_pool2d
from convviz.transposed import (conv_transpose2d, conv_transpose2d_torch, direct_equivalent, overlap_counts,
                                overlap_counts_2d, trans_conv_note_000)
from convviz.figures.transposed_convolution import (direct_figure, exact_grid_figure, matrix_figure, overlap_figures, panels_figure,
                                       pixel_shuffle_figure, scatter_figure)
from convviz.upsample import (bed_of_nails, checkerboard_remedies, fixed_unpooling_torch, max_unpool2d, pixel_shuffle,
                              pixel_shuffle_example)
from convviz.zoo import max_pool2d_winners

# Note 000, "Transposed convolution": input [[0, 1], [2, 3]], kernel [[0, 1], [2, 3]], stride 2.
NOTE_000 = dict(x=np.array([[0.0, 1.0], [2.0, 3.0]]), w=np.array([[0.0, 1.0], [2.0, 3.0]]))


def transposed_arrays(preset: str, pattern: str, kernel: str, seed: int, h: int, w: int, k: int):
    """The input (H, W) and kernel (k, k) a view shows (cheap; not cached)."""
    if preset == "note000":
        return NOTE_000["x"], NOTE_000["w"]
    return input_values(pattern, 1, h, w, seed)[0], kernel_values(kernel, 1, k, k, seed)[0]


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_scatter_figure(view: tuple, stride: int, padding: int, output_padding: int, dilation: int, active: int):
    x, w = transposed_arrays(*view)
    return scatter_figure(x, w, stride, padding, output_padding, dilation, active=active)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_direct_figure(view: tuple, stride: int, padding: int, output_padding: int, dilation: int):
    x, w = transposed_arrays(*view)
    return direct_figure(direct_equivalent(x, w, None, stride, padding, output_padding, dilation), x.shape, stride)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_overlap_figures(n: int, k: int, s: int):
    return overlap_figures(overlap_counts(n, k, s), overlap_counts_2d((n, n), (k, k), (s, s)))


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_remedies(kind: str, n: int, k: int, s: int):
    """(panels, figure) for the six ways to upsample; the ICNR demo is initialisation only (milliseconds)."""
    panels = checkerboard_remedies(kind, n, k, s)
    return panels, panels_figure(panels)


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_adjoint_figures(n: int, weights: tuple, stride: int):
    """Figures of the 1-D convolution matrix A (conv_matrix_1d) and of Aᵀ; with weights (1, 2, …)
    each cell is labelled by its weight's name, w1, w2, …"""
    a = conv_matrix_1d(n, np.array(weights, dtype=np.float64), stride=stride)
    labels = np.where(a == 0, "", np.vectorize(lambda v: f"w{int(v)}" if v else "")(a))
    return (matrix_figure(a, f"A ({a.shape[0]}×{a.shape[1]}): the convolution", labels),
            matrix_figure(a.T, f"Aᵀ ({a.shape[1]}×{a.shape[0]}): the transposed convolution", labels.T))


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_exact_grid(values: tuple, title: str):
    """exact_grid_figure of a nested tuple of numbers (printed exactly, not rounded)."""
    return exact_grid_figure(np.array(values, dtype=np.float64), title)


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_pixel_shuffle_figure(r: int):
    """The pixel-shuffle picture for r² channels of 2×2, channel c holding 10c + position."""
    x = pixel_shuffle_example(r)
    return pixel_shuffle_figure(x, r, pixel_shuffle(x, r))


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_channel_example(c_in: int, c_out: int, h: int, w: int, k: int, seed: int) -> dict:
    """Note 000's formal definition with channels and bias: seeded small integers, the output by
    conv_transpose2d, and its gaps to the note's loop and to F.conv_transpose2d."""
    rng = np.random.default_rng(seed + 3000)
    y = rng.integers(0, 5, size=(c_in, h, w)).astype(np.float64)
    kernel = rng.integers(-2, 3, size=(c_in, c_out, k, k)).astype(np.float64)
    bias = rng.integers(-3, 4, size=c_out).astype(np.float64)
    x = conv_transpose2d(y, kernel, bias)
    return {"y": y, "w": kernel, "b": bias, "x": x,
            "note_gap": float(np.abs(trans_conv_note_000(y, kernel, bias) - x).max()),
            "torch_gap": float(np.abs(conv_transpose2d_torch(y, kernel, bias) - x).max())}


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_unpooling(x: tuple, scale: int, seed: int) -> dict:
    """Bed of nails of x, and max unpooling of a seeded (2s)×(2s) encoder map, with their torch gaps."""
    x = np.array(x, dtype=np.float64)
    encoder_input = np.random.default_rng(seed + 4000).integers(0, 10, (2 * scale, 2 * scale)).astype(np.float64)
    nails = bed_of_nails(x, scale)
    pooled = max_pool2d(encoder_input, scale)
    unpooled = max_unpool2d(pooled, max_pool2d_winners(encoder_input, scale), encoder_input.shape)
    torch_nails, torch_unpooled = fixed_unpooling_torch(x, encoder_input, scale)
    return {"nails": nails, "encoder_input": encoder_input, "pooled": pooled, "unpooled": unpooled,
            "nails_gap": float(np.abs(nails - torch_nails).max()), "unpool_gap": float(np.abs(unpooled - torch_unpooled).max())}
