"""Lesson: what a convolution layer computes, forward and backward (notes 003 and 004).

The page is the list of its sections (convviz/ui/convolution_sections.py). It opens on its figure, the
sliding window, with the control bar under it (issue 24); the rest follows. The controls make one
ConvLayer (convviz/lessons/convolution.py), checked once; its forward pass is computed once per
run (cached) and handed to every section that shows it.
"""

import streamlit as st

from convviz.ui import cached_convolution as cached
from convviz.ui import convolution_sections as section
from convviz.ui.layout import lesson_header

lesson_header(
    "Convolution",
    "A convolution layer slides a small grid of weights, the **kernel**, over the input; at each stop it multiplies "
    "the cells under the window by the weights and adds the products and a bias into **one** output number.",
)

figure = st.container()                      # the figure first; it needs the settings drawn under it
chosen = section.settings()
layer, problems = section.make_layer(chosen)
with figure:
    if layer is not None:
        result = cached.convolution(layer)
        section.sliding_window(layer, result)
    else:
        section.settings_problem(problems)
section.output_size(chosen, problems)

if layer is not None:
    section.cross_correlation_or_convolution(result)
    section.torch_check(result)
    section.backward_pass(layer)

section.exercise_7_1_section(expanded=chosen["preset"] == "ex71")
section.classic_filters()
