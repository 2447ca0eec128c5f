"""Lesson: convolution as a matrix (notes 000, 001, 002): Toeplitz, Aᵀ, circulant and DFT, full convolution, im2col.

The sections are in convviz.ui.matrix_sections; the numbers in convviz.lessons.convolution_matrix."""

import streamlit as st

from convviz.lessons.convolution_matrix import MatrixSettings, matrix_size
from convviz.ui import cached_matrix as cached
from convviz.ui import matrix_sections as sections
from convviz.ui.layout import lesson_header, show_problem

lesson_header(
    "Convolution as a matrix",
    "A convolution is linear, so it **is** a matrix: ravel the input into a vector x and the output is y = A x. "
    "Each **row** of A is one output cell's window (the kernel's weights where the window sits, zeros elsewhere); "
    "each **column** is one input cell and the outputs it feeds. Every row holds the same weights, shifted: "
    "a Toeplitz matrix in 1-D, block Toeplitz with Toeplitz blocks in 2-D.",
)

controls = sections.controls()

st.header("The size of A")
try:
    settings = MatrixSettings.from_controls(**controls)
except ValueError as error:
    settings = None
    show_problem(error)

if settings is not None and sections.size_of_a(settings, matrix_size(settings)):
    lesson = cached.matrix_lesson(settings)
    sections.note001_typo(lesson)
    row, col = sections.rows_and_columns(lesson)
    sections.check_against_torch(lesson)
    sections.block_structure(lesson)
    sections.transposed(lesson, row, col)
    sections.im2col(lesson, row)
else:
    st.warning("Fix the settings above to see the matrix; the circulant section below still works.",
               icon=":material/arrow_upward:")

sections.circulant()
sections.ista()

from convviz.ui.exercise_section import exercise_section  # noqa: E402 (kept with its call at the end, issue 25)
exercise_section(["output_value"])
