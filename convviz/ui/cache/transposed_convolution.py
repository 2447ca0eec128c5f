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
from convviz.ui.cache.caching import cached


cached_scatter_figure = cached(lesson.scatter_view, 64)          # (layer, active)
cached_direct_figure = cached(lesson.direct_view, 64)            # (layer)
cached_overlap_figures = cached(lesson.checkerboard_figures, 64)  # (n, k, s)
cached_checkerboard = cached(lesson.checkerboard, 64)            # (n, k, s)
cached_remedies = cached(lesson.remedies)                        # (panels, figure, table rows) for the six ways to upsample
cached_adjoint_figures = cached(lesson.adjoint_figures, 16)      # (n, weights, stride)
cached_pixel_shuffle_figure = cached(lesson.pixel_shuffle_view, 8)
cached_channel_example = cached(lesson.channel_example)          # (c_in, c_out, h, w, k, seed)
cached_upsampled = cached(lesson.upsampled)                      # (kind, seed, scale, mode, align_corners)
cached_unpooling = cached(lesson.unpooling)                      # (x, scale, seed)


@st.cache_data(max_entries=64, show_spinner=False)
def transposed(layer: TransposedLayer) -> TransposedResult:
    """The scatter, the direct convolution, torch and the adjoint check for `layer`, once per setting."""
    return lesson.transposed_result(layer)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_exact_grid(values: tuple, title: str):
    """exact_grid_figure of a nested tuple of numbers (printed exactly, not rounded)."""
    return exact_grid_figure(np.array(values, dtype=np.float64), title)
