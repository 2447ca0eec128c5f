"""Lesson: what a convolution layer computes, forward and backward (notes 003 and 004).

The page is the list of its sections (convviz/ui/convolution_sections.py). The controls make one
ConvLayer (convviz/lessons/convolution.py), checked once; its forward pass is computed once per
run (cached) and handed to every section that shows it.
"""

import streamlit as st

from convviz.ui import cached_convolution as cached
from convviz.ui import convolution_sections as section
from convviz.ui.layout import lesson_header

lesson_header(
    "Convolution",
    "A convolution layer slides a small grid of weights, the **kernel**, over the input. At each stop it "
    "multiplies the cells under the window by the weights, adds the products and a bias, and writes "
    "**one** output number. Stride, padding and dilation decide where the window stops and which cells it reads.",
)

chosen = section.settings()
layer = section.output_size(chosen)

if layer is not None:
    result = cached.convolution(layer)
    section.sliding_window(layer, result)
    section.cross_correlation_or_convolution(result)
    section.torch_check(result)
    section.backward_pass(layer)
else:
    st.header("The sliding window, step by step")
    st.warning("Fix the settings above to see the sliding window; the sections below still work.",
               icon=":material/arrow_upward:")

section.exercise_7_1_section(expanded=chosen["preset"] == "ex71")
section.classic_filters()

from convviz.ui.exercise_section import exercise_section  # noqa: E402 (kept with its call at the end, issue 25)
exercise_section(["output_size", "output_value", "parameters"])
