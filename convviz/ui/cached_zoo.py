"""Cached builders for the convolution zoo page: thin wrappers of convviz.lessons.convolution_zoo, keyed on
its frozen per-section settings objects (never on arrays).

Resources, not data: the results hold plotly figures, shared rather than copied on every run; the page
only reads them.
"""

from __future__ import annotations

import streamlit as st

from convviz.lessons import convolution_zoo as lesson


@st.cache_resource(max_entries=32, show_spinner=False)
def pointwise(settings: lesson.PointwiseSettings) -> dict:
    return lesson.pointwise_lesson(settings)


@st.cache_resource(max_entries=32, show_spinner=False)
def dilation(settings: lesson.DilationSettings) -> dict:
    return lesson.dilation_lesson(settings)


@st.cache_resource(max_entries=32, show_spinner=False)
def grouped(settings: lesson.GroupedSettings) -> dict:
    return lesson.grouped_lesson(settings)


@st.cache_resource(max_entries=32, show_spinner=False)
def depthwise(settings: lesson.DepthwiseSettings) -> dict:
    return lesson.depthwise_lesson(settings)


@st.cache_resource(max_entries=32, show_spinner=False)
def separable(settings: lesson.SeparableSettings) -> dict:
    return lesson.separable_lesson(settings)


@st.cache_resource(max_entries=32, show_spinner=False)
def pooling(settings: lesson.PoolingSettings) -> dict:
    return lesson.pooling_lesson(settings)


@st.cache_resource(max_entries=32, show_spinner=False)
def locally_connected(settings: lesson.LocallyConnectedSettings) -> dict:
    return lesson.locally_connected_lesson(settings)
