"""Cached builders for the transposed-convolution page, keyed on its settings (a TransposedLayer) or a few numbers.

The numbers and figures come from convviz.lessons.transposed_convolution; this module only caches
them. Figures and dicts are cached as resources (shared: pages never mutate them).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.figures.transposed_convolution import exact_grid_figure
from convviz.lessons import transposed_convolution as lesson
from convviz.lessons.transposed_convolution import TransposedLayer, TransposedResult


@st.cache_data(max_entries=64, show_spinner=False)
def transposed(layer: TransposedLayer) -> TransposedResult:
    """The scatter, the direct convolution, torch and the adjoint check for `layer`, once per setting."""
    return lesson.transposed_result(layer)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_scatter_figure(layer: TransposedLayer, active: int):
    return lesson.scatter_view(layer, active)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_direct_figure(layer: TransposedLayer):
    return lesson.direct_view(layer)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_overlap_figures(n: int, k: int, s: int):
    return lesson.checkerboard_figures(n, k, s)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_checkerboard(n: int, k: int, s: int) -> dict:
    return lesson.checkerboard(n, k, s)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_remedies(kind: str, n: int, k: int, s: int):
    """(panels, figure, table rows) for the six ways to upsample."""
    return lesson.remedies(kind, n, k, s)


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_adjoint_figures(n: int, weights: tuple, stride: int):
    return lesson.adjoint_figures(n, weights, stride)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_exact_grid(values: tuple, title: str):
    """exact_grid_figure of a nested tuple of numbers (printed exactly, not rounded)."""
    return exact_grid_figure(np.array(values, dtype=np.float64), title)


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_pixel_shuffle_figure(r: int):
    return lesson.pixel_shuffle_view(r)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_channel_example(c_in: int, c_out: int, h: int, w: int, k: int, seed: int) -> dict:
    return lesson.channel_example(c_in, c_out, h, w, k, seed)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_upsampled(kind: str, seed: int, scale: int, mode: str, align_corners: bool) -> dict:
    return lesson.upsampled(kind, seed, scale, mode, align_corners)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_unpooling(x: tuple, scale: int, seed: int) -> dict:
    return lesson.unpooling(x, scale, seed)
