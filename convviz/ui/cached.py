"""Cached builders for the pages: keyed on the few numbers a view depends on, never on arrays.

Figures are cached as resources (shared, not copied: pages never mutate them), so a rerun
that changed nothing in a view costs a dictionary look-up.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.backprop import delta_slides_over_z, note_003_weight_gradient, stated_gradients
from convviz.conv import output_shape
from convviz.lessons.examples import CONV_PRESETS, input_values, kernel_values
from convviz.figures.common import grid_figure, image_figure
from convviz.filters import CLASSIC_FILTERS, apply_filter, constant_image_check, display_range, kernel_as_written, sample_photo
from convviz.figures.convolution import sliding_window_figure
from convviz.torch_ref.checks import conv_backward_torch, max_abs_difference


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
    """The page's backward-pass sentences evaluated (convviz.backprop.stated_gradients), and the gaps to autograd.

    upstream: "ones" (δ = 1 everywhere, L = Σ y) or "random" (δ seeded by the view's seed).
    gap: stated_gradients vs autograd, all three gradients. For the true-convolution forward also
    note003_gap (z sliding over δ, note 003 item 2) and delta_over_z_gap (δ sliding over z; stride 1, dilation 1).
    """
    x, w = lesson_arrays(*view)
    x3 = x if x.ndim == 3 else x[None]
    w4 = w.reshape((-1, x3.shape[0]) + w.shape[-2:])                     # (C_out, C, kh, kw)
    y_shape = output_shape(x.shape[-2:], w.shape[-2:], stride, padding, dilation)
    delta = np.ones(y_shape) if upstream == "ones" else np.round(np.random.default_rng(view[3] + 1).normal(size=y_shape), 1)
    stated = stated_gradients(x3, w4, delta[None], stride, padding, dilation, flip=flip)
    autograd = conv_backward_torch(x3, w4, delta[None], stride, padding, dilation, flip=flip)
    names = {"input": "grad_input", "weight": "grad_weight", "bias": "grad_bias"}
    out = {"delta": delta, "grad_input": stated["input"], "grad_weight": stated["weight"][0],
           "grad_bias": float(stated["bias"][0]),
           "gap": max(max_abs_difference(stated[k], autograd[names[k]]) for k in names)}
    if flip:
        kernel_hw = w.shape[-2:]
        out["note003_gap"] = max_abs_difference(
            note_003_weight_gradient(x3, delta[None], kernel_hw, stride, padding, dilation), autograd["grad_weight"])
        if stride == (1, 1) and dilation == (1, 1):
            out["delta_over_z_gap"] = max_abs_difference(
                delta_slides_over_z(x3, delta[None], kernel_hw, padding), autograd["grad_weight"])
    return out


@st.cache_resource(max_entries=16, show_spinner=False)
def constant_image(name: str) -> dict:
    """Note 004's sum-to-1 statement evaluated for one classic filter (convviz.filters.constant_image_check)."""
    return constant_image_check(CLASSIC_FILTERS[name][1])


def note_003_caption(back: dict) -> str:
    """The caption on note 003's wording of item 2, with the gaps backward_pass measured."""
    if "note003_gap" not in back:
        return ("Note 003 writes the forward pass as a true convolution, z = w * x: choose *True convolution* above "
                "to check its item 2, \"the cross-correlation of z with δ\", against autograd.")
    text = ("Note 003 writes the forward pass as a true convolution, z = w * x (selected). Its item 2, "
            "∂L/∂w[m, n] = Σ δ[i, j] z[i−m, j−n], is \"the cross-correlation of z with δ\" read with **z sliding over δ** "
            "(δ padded by k − 1 zeros on each side; for stride s, s − 1 zeros between δ's entries; for dilation d, padded "
            f"by d(k − 1) and read every d cells): max |difference| to autograd = **{back['note003_gap']:.1e}**.")
    if "delta_over_z_gap" in back:
        text += (" Read the other way round, δ sliding over z, it gives rot180(∂L/∂w): max |difference| = "
                 f"**{back['delta_over_z_gap']:.1e}**.")
    return text + " Its items 1 and 3 are right as printed."
