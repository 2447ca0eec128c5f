"""Lesson: transposed convolution, upsampling and checkerboard artifacts (notes 000, 002, 003).

The page is the list of its sections (convviz/ui/sections/transposed_convolution.py). It opens on its figure, the
scatter view, with the control bar under it (issue 24); the rest follows. The controls make one
TransposedLayer (convviz/lessons/transposed_convolution.py), checked once; its output, the direct
convolution, the torch check and the adjoint are computed once per run (cached) and handed to the
sections that show them.

The figure, its controls and the sections computed from them form one st.fragment (issue 23): changing a
setting reruns and redraws only that part; the checkerboard, upsampling and pixel-shuffle sections below
have their own controls.
"""

import streamlit as st

from convviz.ui.cache import transposed_convolution as cached
from convviz.ui.sections import transposed_convolution as section
from convviz.ui.sections.transposed_convolution_checkerboard import checkerboard_images
from convviz.ui.widgets.figure_first import figure_first, rerun_page_when_changed
from convviz.ui.widgets.layout import lesson_header
from convviz.ui.sections.exercises import exercise_section

lesson_header(
    "Transposed convolution",
    "A transposed convolution runs the sliding window backwards: **each input cell multiplies the whole kernel and "
    "adds (accumulates) the product into the output** (note 000); with a stride the stamps land s cells apart, so "
    "the output grows.",
)


@st.fragment
def layer_sections() -> int:
    """The figure and everything computed from the settings; returns the random seed chosen."""
    chosen, layer, problems, result, _ = figure_first(section.settings, lambda chosen: section.TransposedLayer(**chosen),
                                                     cached.transposed, section.scatter_view, "scatter view")
    section.output_size(chosen, problems)
    section.why_output_padding(chosen)
    if result is not None:
        section.direct_convolution(layer, result)
        section.torch_check(result)
        section.adjoint(layer, result)
    section.note_000_derivation()
    section.channels_and_bias(chosen)
    rerun_page_when_changed("transposed_seed", chosen["seed"])     # the upsampling sections below read it
    return chosen["seed"]


seed = layer_sections()
section.checkerboard()
checkerboard_images()

upsample_input, scale = section.fixed_upsampling(seed)
section.unpooling(upsample_input, scale, seed)
section.pixel_shuffle(scale)

exercise_section(["transposed_output_size"])
