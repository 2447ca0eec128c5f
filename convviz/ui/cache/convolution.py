"""Cached builders for the convolution page, keyed on its settings (a ConvLayer) or a few names, never on arrays.

The numbers come from convviz.lessons.convolution; this module only caches them. Figures are
cached as resources (shared, not copied: pages never mutate them), so a rerun that changed
nothing in a view costs a dictionary look-up.
"""

from __future__ import annotations

import streamlit as st

from convviz.filters import CLASSIC_FILTERS, constant_image_check
from convviz.lessons import convolution as lesson
from convviz.lessons.convolution import ConvLayer, ConvolutionResult


@st.cache_data(max_entries=64, show_spinner=False)
def convolution(layer: ConvLayer) -> ConvolutionResult:
    """The forward pass of `layer`, both operations and their torch checks, once per setting."""
    return lesson.convolution_result(layer)


@st.cache_resource(max_entries=16, show_spinner=False)
def filter_figures(name: str):
    """(kernel figure, original photo, filtered photo) for one classic filter."""
    return lesson.filter_figures(name)


@st.cache_resource(max_entries=32, show_spinner=False)
def backward_pass(layer: ConvLayer, upstream: str) -> dict:
    """convviz.lessons.convolution.backward_pass, once per layer and upstream gradient."""
    return lesson.backward_pass(layer, upstream)


@st.cache_resource(max_entries=16, show_spinner=False)
def constant_image(name: str) -> dict:
    """Note 004's sum-to-1 statement evaluated for one classic filter (convviz.filters.constant_image_check)."""
    return constant_image_check(CLASSIC_FILTERS[name][1])


@st.cache_resource(max_entries=32, show_spinner=False)
def window_stage_scene(layer: ConvLayer) -> dict:
    """The stage's sliding-window scene for `layer` (convviz.lessons.convolution.window_stage_scene), once per setting."""
    return lesson.window_stage_scene(layer)
