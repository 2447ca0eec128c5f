"""Cached builders for the pages: keyed on the few numbers a view depends on, never on arrays.

Figures are cached as resources (shared, not copied: pages never mutate them), so a rerun
that changed nothing in a view costs a dictionary look-up.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.backprop import conv_backward
from convviz.conv import output_shape
from convviz.examples import CONV_PRESETS, input_values, kernel_values
from convviz.figures import grid_figure, image_figure
from convviz.filters import CLASSIC_FILTERS, apply_filter, display_range, kernel_as_written, sample_photo
from convviz.sliding_window_figure import sliding_window_figure
from convviz.torch_check import conv_backward_torch, max_abs_difference


def lesson_arrays(preset: str, pattern: str, kernel: str, seed: int, c: int, h: int, w: int, kh: int, kw: int):
    """The input (C, H, W) and kernel (C, kh, kw) a view shows (cheap; not cached)."""
    if preset in CONV_PRESETS:
        return CONV_PRESETS[preset].x, CONV_PRESETS[preset].w
    return input_values(pattern, c, h, w, seed), kernel_values(kernel, c, kh, kw, seed)


@st.cache_resource(max_entries=64, show_spinner=False)
def window_figure(view: tuple, bias: float, stride: tuple, padding: tuple, dilation: tuple, flip: bool, active: int):
    """The sliding-window animation for the arrays named by `view` (see lesson_arrays)."""
    x, w = lesson_arrays(*view)
    return sliding_window_figure(x, w, bias, stride, padding, dilation, flip=flip, active=active)


@st.cache_resource(max_entries=32, show_spinner=False)
def small_grid(values: tuple, title: str):
    """A small grid figure from a nested tuple of numbers."""
    return grid_figure(np.array(values, dtype=np.float64), title=title)


@st.cache_resource(max_entries=16, show_spinner=False)
def filter_figures(name: str):
    """(kernel figure, original photo, filtered photo) for one classic filter."""
    label, kernel, _ = CLASSIC_FILTERS[name]
    photo = sample_photo()
    filtered = display_range(apply_filter(photo, kernel), kernel)
    written, title = kernel_as_written(name)
    return (grid_figure(written, title=title),
            image_figure(photo, "camera (scikit-image sample)"),
            image_figure(filtered, f"after {label}"))


@st.cache_resource(max_entries=32, show_spinner=False)
def backward_pass(view: tuple, stride: tuple, padding: tuple, dilation: tuple, flip: bool, upstream: str) -> dict:
    """Note 003's three gradients for the view's layer, autograd's, and the largest gap between them.

    upstream: "ones" (δ = 1 everywhere, L = Σ y) or "random" (δ seeded by the view's seed).
    """
    x, w = lesson_arrays(*view)
    y_shape = output_shape(x.shape[-2:], w.shape[-2:], stride, padding, dilation)
    delta = np.ones(y_shape) if upstream == "ones" else np.round(np.random.default_rng(view[3] + 1).normal(size=y_shape), 1)
    ours = conv_backward(x, w, delta, stride, padding, dilation, flip=flip)
    autograd = conv_backward_torch(x, w, delta, stride, padding, dilation, flip=flip)
    gap = max(max_abs_difference(ours[k], autograd[k]) for k in ours)
    return {"delta": delta, **ours, "gap": gap}
