"""Lesson: what a convolution layer computes, forward and backward (notes 003 and 004).

The page is the list of its sections (convviz/ui/sections/convolution.py). It opens on its figure, the
sliding window, with the control bar under it (issue 24); the rest follows. The controls make one
ConvLayer (convviz/lessons/convolution.py), checked once; its forward pass is computed once per
run (cached) and handed to every section that shows it.

The figure, its controls and the sections computed from them form one st.fragment (issue 23): changing a
setting reruns and redraws only that part, not the worked example, the photo filters and the exercise below,
which do not depend on it.
"""

import streamlit as st

from convviz.ui.cache import convolution as cached
from convviz.ui.sections import convolution as section
from convviz.ui.sections.exercises import exercise_section
from convviz.ui.widgets.figure_first import figure_first, rerun_page_when_changed
from convviz.ui.widgets.layout import lesson_header

lesson_header(
    "Convolution",
    "A convolution layer slides a small grid of weights, the **kernel**, over the input; at each stop it multiplies "
    "the cells under the window by the weights and adds the products and a bias into **one** output number.",
)


@st.fragment
def layer_sections() -> str:
    """The figure and everything computed from the settings; returns the preset chosen."""
    chosen, layer, problems, result, _ = figure_first(section.settings, lambda chosen: section.ConvLayer(**chosen),
                                                     cached.convolution, section.sliding_window, "sliding window")
    section.output_size(chosen, problems)
    if result is not None:
        section.cross_correlation_or_convolution(result)
        section.torch_check(result)
        section.backward_pass(layer)
    rerun_page_when_changed("conv_preset", chosen["preset"])        # the worked example below opens for ex71
    return chosen["preset"]


preset = layer_sections()
section.exercise_7_1_section(expanded=preset == "ex71")
section.classic_filters()

exercise_section(["output_size", "output_value", "parameters"])
