"""Cached work for the receptive-field page, keyed on (n, compact stack text, ...), never on arrays.

The stack text is the canonical form from convviz.receptive.format_stack, so the same stack typed
two ways shares one entry. Results are shared resources: the page never mutates them.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.receptive import (check_size, default_trials, dilation_stacks, effective_field_window,
                               effective_receptive_field, empirical_receptive_fields, parse_stack, path_counts,
                               receptive_field_table)
from convviz.figures.receptive_fields import PHOTO_MAX, field_figure, path_count_figure, profile_figure



def erf_trials(n: int) -> int:
    """Random networks to average: many for small inputs (cheap), 4 for photos (enough to show the blob)."""
    return default_trials(n)


CHECK_MAX = 1024         # the largest input the autograd check tries


@st.cache_resource(max_entries=64, show_spinner=False)
def autograd_check(n: int, stack: str) -> tuple[int, bool, list[int]]:
    """(input size used, whether every centre unit's field fits in it, autograd width after every layer).
    The size is the smallest ≥ n on which every field fits, or CHECK_MAX when none up to it does."""
    layers = parse_stack(stack)
    size = check_size(n, layers, most=CHECK_MAX)
    used = size or max(n, CHECK_MAX)
    return used, size is not None, empirical_receptive_fields(used, layers, dims=1)


@st.cache_resource(max_entries=32, show_spinner="Averaging the gradient over random networks…")
def effective_field(n: int, stack: str, depth: int) -> np.ndarray:
    """The effective field of the first `depth` layers' centre unit, (n, n)."""
    return effective_receptive_field(n, parse_stack(stack)[:depth], trials=erf_trials(n))


@st.cache_resource(max_entries=32, show_spinner=False)
def effective_window(n: int, stack: str, depth: int, mass: float = 0.95) -> tuple[int, int]:
    """(first column, width) of the narrowest run of columns holding `mass` of the cached effective field."""
    layers = parse_stack(stack)[:depth]
    return effective_field_window(n, layers, mass, erf_trials(n), field=effective_field(n, stack, depth))


def input_photo(n: int) -> np.ndarray:
    """scikit-image's astronaut (free to redistribute) for an n×n input, at most PHOTO_MAX pixels a side."""
    return _photo(min(n, PHOTO_MAX))


@st.cache_resource(max_entries=8, show_spinner=False)
def _photo(size: int) -> np.ndarray:
    from skimage import data, transform

    img = transform.resize(data.astronaut()[:, 56:456], (size, size), anti_aliasing=True)   # 400 columns: the face
    img.setflags(write=False)
    return img


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_field_figure(n: int, stack: str, depth: int, unit: tuple[int, int], photo: bool, erf: bool):
    row = receptive_field_table(n, parse_stack(stack)[:depth])[-1]
    return field_figure(n, row, unit, image=input_photo(n) if photo else None,
                        erf=effective_field(n, stack, depth) if erf else None)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_profile_figure(n: int, stack: str, depth: int):
    row = receptive_field_table(n, parse_stack(stack)[:depth])[-1]
    return profile_figure(effective_field(n, stack, depth), row, (row["n"] - 1) // 2,
                          window=effective_window(n, stack, depth))


@st.cache_resource(max_entries=32, show_spinner=False)
def dilation_comparison(depth: int, kernel_size: int):
    """(stacks, tables, figure) for a plain and a dilated stack of `depth` convs."""
    stacks = dilation_stacks(depth, kernel_size)
    widest = receptive_field_table(1 << 12, stacks["dilated"])[-1]["r"]
    n = widest + 4                                          # room for a cell of padding on each side
    tables = {name: receptive_field_table(n, layers) for name, layers in stacks.items()}
    counts = {name: path_counts(n, layers) for name, layers in stacks.items()}
    return stacks, tables, path_count_figure(counts)
