"""Lesson: the convolution zoo of note 002 (1×1, dilated, grouped, depthwise and spatially separable,
pooling, locally connected, pixel shuffle). The sections are in convviz.ui.zoo_sections; their numbers
and figures in convviz.lessons.convolution_zoo (compute in convviz.zoo, figures in convviz.figures.convolution_zoo)."""

import streamlit as st

from convviz.ui import zoo_sections as sections
from convviz.ui.layout import lesson_header

lesson_header(
    "Convolution zoo",
    "Modern networks use a handful of variations on the plain convolution (note 002). Each one changes "
    "**which inputs a weight touches** or **how many positions share a weight**, to buy a wider view, fewer "
    "parameters or fewer multiply-accumulates (MACs). Every section: the idea, controls, a picture, the counts, "
    "and a check against PyTorch.",
)
st.markdown(sections.CONTENTS)

sections.pointwise()
sections.dilated()
sections.grouped()
sections.depthwise()
sections.separable()
sections.pooling()
sections.locally_connected()
sections.pixel_shuffle()
