"""Lesson: convolution as a matrix (notes 000, 001, 002): Toeplitz, Aᵀ, circulant and DFT, full convolution, im2col.

Figure first: A beside the input and output grids on the stage, the control bar under it, then the sections.
The sections are in convviz.ui.sections.convolution_matrix; the numbers in convviz.lessons.convolution_matrix. The figure and
the sections computed from its settings form one st.fragment (issue 23): a setting or a step reruns only that part,
not the circulant, ISTA and exercise sections below (they have their own controls)."""

import streamlit as st

from convviz.lessons.convolution_matrix import MatrixSettings, matrix_size
from convviz.ui.cache import convolution_matrix as cached
from convviz.ui.sections import convolution_matrix as sections
from convviz.ui.widgets.figure_first import figure_first
from convviz.ui.widgets.layout import lesson_header
from convviz.ui.sections.exercises import exercise_section

lesson_header(
    "Convolution as a matrix",
    "A convolution is linear, so it **is** a matrix: y = A x, where each **row** of A is one output cell's window "
    "and each **column** one input cell and the outputs it feeds.",
)


def buildable_lesson(settings: MatrixSettings):
    """The lesson's A and its numbers for `settings` (cached); ValueError when A is larger than this page builds."""
    settings.check_buildable()
    return cached.matrix_lesson(settings)


@st.fragment
def matrix_lesson() -> None:
    """The figure and every section computed from the settings (and the step): a change reruns only this part."""
    _, settings, _, lesson, picked = figure_first(
        sections.controls, lambda controls: MatrixSettings.from_controls(**controls), buildable_lesson,
        lambda _, lesson: sections.matrix_figure(lesson), "matrix",
        hint="Fix them under this box to see it; the circulant section below still works.")
    if settings is not None:
        sections.size_of_a(settings, matrix_size(settings))
    if lesson is not None:
        row, col = picked
        sections.note001_typo(lesson)
        sections.check_against_torch(lesson)
        sections.block_structure(lesson, row, col)
        sections.transposed(lesson, row, col)
        sections.im2col(lesson, row)


matrix_lesson()
sections.circulant()
sections.ista()

exercise_section(["output_value"])
