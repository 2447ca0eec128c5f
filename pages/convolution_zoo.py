"""Lesson: the convolution zoo (course note 002: 1×1, dilated, grouped, depthwise and spatially separable,
pooling, locally connected, pixel shuffle). The sections are in convviz.ui.sections.convolution_zoo; their numbers
and figures in convviz.lessons.convolution_zoo (compute in convviz.zoo, figures in convviz.figures.convolution_zoo)."""

import streamlit as st

from convviz.ui.cache import convolution_zoo as cached
from convviz.ui.sections import convolution_zoo as sections
from convviz.ui.sections.exercises import exercise_section
from convviz.ui.widgets.figure_first import figure_first
from convviz.ui.widgets.layout import lesson_header
from convviz.ui.widgets.present import presenting

lesson_header(
    "Convolution zoo",
    "Variations on the plain convolution: each changes **which inputs a weight touches** or **how many positions "
    "share a weight**. Every section: a picture and its controls, then the idea, the counts and a check against "
    "PyTorch.",
)
if not presenting():                       # on a projector the first section's figure comes first
    st.markdown(sections.CONTENTS)


@st.fragment
def pointwise() -> None:
    """The first section, figure first (its controls rerun only this part, as each section's do)."""
    sections.pointwise_intro()
    _, settings, _, numbers, _ = figure_first(sections.pointwise_controls, sections.pointwise_settings,
                                              cached.pointwise, sections.pointwise_figure, "1×1 convolution")
    if numbers is not None:
        sections.pointwise(settings, numbers)


pointwise()
sections.dilated()
sections.grouped()
sections.depthwise()
sections.separable()
sections.pooling()
sections.locally_connected()
sections.pixel_shuffle()

exercise_section(["parameters", "output_size"])
