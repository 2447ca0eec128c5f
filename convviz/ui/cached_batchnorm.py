"""Cached builders for the batch-norm lesson, keyed on the few numbers a view depends on.

Figures are shared resources (pages never mutate them). The training demo is cached per
settings (learning rates, steps, seed): the first view trains for a few seconds, a rerun that
changed nothing is a dictionary look-up.
"""

from __future__ import annotations

import streamlit as st

from convviz.figures import batch_normalization as bf
from convviz.batchnorm import batch_norm_train
from convviz.lessons.bn_training_demo import compare


@st.cache_data(max_entries=64, show_spinner=False)
def batch_and_output(n: int, c: int, h: int, w: int, seed: int, gamma: float, beta: float):
    """(x, y, mean, var) for the lesson batch in training mode."""
    x = bf.lesson_batch(n, c, h, w, seed)
    y, mean, var = batch_norm_train(x, gamma, beta)
    return x, y, mean, var


@st.cache_resource(max_entries=32, show_spinner=False)
def tensor_figures(n: int, c: int, h: int, w: int, seed: int, channel: int, groups: int):
    """(the batch with one channel's cells highlighted, the four-norm contrast)."""
    x = bf.lesson_batch(n, c, h, w, seed)
    return bf.tensor_figure(x, channel), bf.norm_contrast_figure(x.shape, channel, groups)


@st.cache_resource(max_entries=32, show_spinner=False)
def histogram_figure(n: int, c: int, h: int, w: int, seed: int, gamma: float, beta: float):
    x, y, _, _ = batch_and_output(n, c, h, w, seed, gamma, beta)
    return bf.histogram_figure(x, y, gamma, beta)


@st.cache_data(max_entries=32, show_spinner=False)
def histories(n: int, c: int, h: int, w: int, seed: int, steps: int, momentum: float, gamma: float, beta: float):
    """(convviz's running_history, torch's) for the same stream of batches."""
    return (bf.running_history(n, c, h, w, seed, steps, momentum, gamma, beta),
            bf.torch_history(n, c, h, w, seed, steps, momentum, gamma, beta))


@st.cache_resource(max_entries=32, show_spinner=False)
def running_figure(n: int, c: int, h: int, w: int, seed: int, steps: int, momentum: float, gamma: float, beta: float,
                   channel: int):
    history, _ = histories(n, c, h, w, seed, steps, momentum, gamma, beta)
    return bf.running_figure(history, channel, bf.CHANNEL_MEANS[channel], bf.CHANNEL_STDS[channel] ** 2, momentum)


@st.cache_data(max_entries=16, show_spinner=False)
def fold_example(seed: int, gamma: float, beta: float):
    return bf.fold_example(seed, gamma, beta)


@st.cache_resource(max_entries=16, show_spinner=False)
def fold_figures(seed: int, gamma: float, beta: float):
    """(conv kernels, folded kernels) figures."""
    ex = bf.fold_example(seed, gamma, beta)
    return (bf.fold_grids_figure(ex["w"], "conv w and b", ex["b"]),
            bf.fold_grids_figure(ex["w_folded"], "folded w' = s·w and b'", ex["b_folded"]))


@st.cache_data(max_entries=16, show_spinner="Training 4 small CNNs on one CPU thread…")
def training_demo(lr_small: float, lr_large: float, steps: int, seed: int) -> dict:
    """bn_training_demo.compare, once per settings."""
    return compare((lr_small, lr_large), steps, seed=seed)


@st.cache_resource(max_entries=16, show_spinner=False)
def loss_figure(lr_small: float, lr_large: float, steps: int, seed: int):
    return bf.loss_figure(training_demo(lr_small, lr_large, steps, seed)["runs"], (lr_small, lr_large))
