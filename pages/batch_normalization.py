"""Lesson: batch normalization for conv layers (course note 002, "Batch Normalization").

The lesson opens on its figure, the batch with the cells that share one mean; the sections are in
convviz.ui.sections.batch_normalization, their numbers and figures in convviz.lessons.batch_normalization. The figure and
the sections computed from the batch's settings form one st.fragment (issue 23): a change reruns only them, not
the training demo or the exercise below (they have their own controls)."""

import streamlit as st

from convviz.ui.sections import batch_normalization as sections
from convviz.ui.sections.exercises import exercise_section
from convviz.ui.widgets.figure_first import figure_first
from convviz.ui.widgets.layout import lesson_header
from convviz.ui.widgets.present import chart

lesson_header(
    "Batch normalization",
    "Batch norm rescales **each channel** of a layer's output to mean 0 and variance 1 over **the whole batch and "
    "every position**, then lets the layer choose its own scale γ and shift β.",
)


@st.fragment
def batch_sections() -> None:
    """The figure and every section computed from the batch's settings: a change reruns only this part."""
    batch, channel = figure_first(sections.batch_controls, sections.batch_and_channel, sections.tensor_figure,
                                  lambda _, figure: chart(figure, key="bn_tensor"), "batch").layer
    stats = sections.batch_stats(batch)
    sections.which_values(batch, channel, stats)
    sections.other_norms(batch, channel)
    sections.before_after(batch, stats)
    sections.running(batch, channel, stats)
    sections.folding(batch)


batch_sections()
sections.training_demo()

exercise_section(["batchnorm"])
