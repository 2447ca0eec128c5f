"""Cached builders for the batch-norm lesson: thin wrappers around convviz.lessons.batch_normalization,
keyed on its settings objects (BatchSettings, RunningSettings, DemoSettings: frozen, hashable).

Figures are shared resources (pages never mutate them). The training demo is cached per
DemoSettings (learning rates, steps, seed): the first view trains for a few seconds, a rerun that
changed nothing is a dictionary look-up.
"""

from __future__ import annotations

import streamlit as st

from convviz.lessons import batch_normalization as lesson
from convviz.lessons.batch_normalization import BatchSettings, DemoSettings, RunningSettings
from convviz.lessons.shared.bn_training_demo import compare, stored
from convviz.figures.batch_normalization import loss_figure as _loss_figure
from convviz.ui.cache.caching import cached

batch_and_output = cached(lesson.batch_and_output, 64, copies=True)    # (x, y, mean, var), training mode
tensor_figures = cached(lesson.tensor_figures)                          # (batch, channel, groups)
histories = cached(lesson.histories, copies=True)       # (convviz's running_history, torch's), one stream
fold_example = cached(lesson.fold_example, 16, copies=True)


@st.cache_resource(max_entries=32, show_spinner=False)
def histogram_figure(batch: BatchSettings):
    x, y, _, _ = batch_and_output(batch)
    return lesson.histogram_figure(batch, x, y)


@st.cache_resource(max_entries=32, show_spinner=False)
def running_figure(running: RunningSettings, channel: int):
    return lesson.running_figure(running, histories(running)[0], channel)


@st.cache_resource(max_entries=16, show_spinner=False)
def fold_figures(batch: BatchSettings):
    """(conv kernels, folded kernels) figures."""
    return lesson.fold_figures(fold_example(batch))


@st.cache_data(max_entries=16, show_spinner="Training 4 small CNNs on one CPU thread…")
def training_demo(demo: DemoSettings) -> dict:
    """bn_training_demo.compare, once per settings; the default settings' result is read from the file
    scripts/make_bn_demo.py wrote (bn_training_demo.stored), so a first visit trains nothing."""
    return stored(demo.lrs, demo.steps, seed=demo.seed) or compare(demo.lrs, demo.steps, seed=demo.seed)


@st.cache_resource(max_entries=16, show_spinner=False)
def loss_figure(demo: DemoSettings):
    return _loss_figure(training_demo(demo)["runs"], demo.lrs)
