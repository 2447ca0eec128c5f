"""Cached builders for the matrix page: thin wrappers of convviz.lessons.convolution_matrix, keyed on its
frozen settings objects (never on arrays).

Resources, not data: A is up to MAX_MATRIX_ENTRIES (8 MB) and the figures hold it, so they are shared
rather than copied on every run; the page only reads them. Only a few A's are kept.
"""

from __future__ import annotations

import streamlit as st

from convviz.lessons import convolution_matrix as lesson
from convviz.lessons.convolution_matrix import MatrixSettings
from convviz.ui.cache.caching import cached

matrix_lesson = cached(lesson.matrix_lesson, 6)        # A and every number the page shows about it
circulant_lesson = cached(lesson.circulant_lesson, 16)
ista_lesson = cached(lesson.ista_lesson, 16)


@st.cache_resource(max_entries=32, show_spinner=False)
def a_figure(settings: MatrixSettings, row: int, col: int, transposed: bool = False):
    return lesson.a_figure(matrix_lesson(settings), row, col, transposed)


@st.cache_resource(max_entries=32, show_spinner=False)
def grid_figures(settings: MatrixSettings, row: int, col: int):
    return lesson.grid_figures(matrix_lesson(settings), row, col)


@st.cache_resource(max_entries=16, show_spinner=False)
def block_figures(settings: MatrixSettings) -> list:
    return lesson.block_figures(matrix_lesson(settings))


@st.cache_resource(max_entries=32, show_spinner=False)
def im2col_figure(settings: MatrixSettings, column: int):
    return lesson.im2col_figure(matrix_lesson(settings), column)



@st.cache_resource(max_entries=16, show_spinner=False)
def matrix_scene(settings: MatrixSettings) -> dict:
    return lesson.matrix_scene(matrix_lesson(settings))
