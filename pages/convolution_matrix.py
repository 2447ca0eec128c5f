"""Lesson: convolution as a matrix (notes 000, 001, 002): Toeplitz, Aᵀ, circulant and DFT, full convolution, im2col.

Figure first: A beside the input and output grids on the stage, the control bar under it, then the sections.
The sections are in convviz.ui.sections.convolution_matrix; the numbers in convviz.lessons.convolution_matrix. The figure and
the sections computed from its settings form one st.fragment (issue 23): a setting or a step reruns only that part,
not the circulant, ISTA and exercise sections below (they have their own controls)."""

import streamlit as st

from convviz.lessons.convolution_matrix import MatrixSettings, matrix_size
from convviz.ui.cache import convolution_matrix as cached
from convviz.ui.sections import convolution_matrix as sections
from convviz.ui.widgets.figure_first import let_the_browser_draw
from convviz.ui.widgets.layout import lesson_header, show_problem
from convviz.ui.sections.exercises import exercise_section

lesson_header(
    "Convolution as a matrix",
    "A convolution is linear, so it **is** a matrix: y = A x, where each **row** of A is one output cell's window "
    "and each **column** one input cell and the outputs it feeds.",
)


@st.fragment
def matrix_lesson() -> None:
    """The figure and every section computed from the settings (and the step): a change reruns only this part."""
    figure = st.container()                 # the figure needs the settings: its slot first, filled below
    controls = sections.controls()
    lesson = settings = None
    try:
        settings = MatrixSettings.from_controls(**controls)
        settings.check_buildable()
        lesson = cached.matrix_lesson(settings)
    except ValueError as error:
        show_problem(error, container=figure)
        figure.warning("Fix the settings under this box to see the matrix; the circulant section below still works.",
                       icon=":material/arrow_downward:")
    if lesson is not None:
        with figure:
            row, col = sections.matrix_figure(lesson)
        let_the_browser_draw()
    if settings is not None:
        sections.size_of_a(settings, matrix_size(settings))
    if lesson is not None:
        sections.note001_typo(lesson)
        sections.check_against_torch(lesson)
        sections.block_structure(lesson, row, col)
        sections.transposed(lesson, row, col)
        sections.im2col(lesson, row)


matrix_lesson()
sections.circulant()
sections.ista()

exercise_section(["output_value"])
