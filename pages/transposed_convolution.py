"""Lesson: transposed convolution, upsampling and checkerboard artifacts (notes 000, 002, 003).

The page is the list of its sections (convviz/ui/transposed_sections.py). The controls make one
TransposedLayer (convviz/lessons/transposed_convolution.py), checked once; its output, the direct
convolution, the torch check and the adjoint are computed once per run (cached) and handed to the
sections that show them.
"""

import streamlit as st

from convviz.ui import cached_transposed as cached
from convviz.ui import transposed_sections as section
from convviz.ui.layout import lesson_header

lesson_header(
    "Transposed convolution",
    "A transposed convolution runs the sliding window backwards: **each input cell multiplies the whole kernel "
    "and adds (accumulates) the product into the output** (note 000). With a stride the stamps land s cells "
    "apart, so the output grows. It is the transpose of a convolution, not its inverse (\"deconvolution\" is a misnomer).",
)

chosen = section.settings()
layer = section.output_size(chosen)
section.why_output_padding(chosen)

if layer is not None:
    result = cached.transposed(layer)
    section.scatter_view(layer, result)
    section.direct_convolution(layer, result)
    section.torch_check(result)
    section.adjoint(layer, result)
else:
    st.warning("Fix the settings above to see the scatter view, the direct convolution and the torch check; "
               "the sections below still work.", icon=":material/arrow_upward:")

section.note_000_derivation()
section.channels_and_bias(chosen)

section.checkerboard()

upsample_input, scale = section.fixed_upsampling(chosen["seed"])
section.unpooling(upsample_input, scale, chosen["seed"])
section.pixel_shuffle(scale)

from convviz.ui.exercise_section import exercise_section  # noqa: E402 (kept with its call at the end, issue 25)
exercise_section(["transposed_output_size"])
