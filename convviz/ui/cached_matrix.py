"""Cached builders for the matrix page, keyed on the few numbers a view depends on (never arrays).

A view is (preset, pattern, kernel, seed, C, C_out, H, W, kh, kw); matrix_arrays turns it into
x (C, H, W) and w (C_out, C, kh, kw). A is at most MAX_MATRIX_ENTRIES (8 MB), so only a few are kept.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.conv import output_shape
from convviz.examples import input_values, kernel_values
from convviz.matrix import circulant_matrix, conv_matrix, dependency_pattern, im2col, tap_index
from convviz.matrix_figures import COL_COLOUR, ROW_COLOUR, matrix_figure

PRESETS = {
    "none": "Your own settings",
    "note001": "Note 001: 4×4, 3×3 → 4×16",
    "cnn": "CNN layer, 2 → 2 channels",
}
PRESET_SIZES = {   # C, C_out, H, W, kh, kw, stride, padding, dilation
    "note001": (1, 1, 4, 4, 3, 3, 1, 0, 1),
    "cnn": (2, 2, 4, 4, 3, 3, 1, 0, 1),
}


def matrix_arrays(preset: str, pattern: str, kernel: str, seed: int, c: int, c_out: int, h: int, w: int,
                  kh: int, kw: int):
    """x (C, H, W) and w (C_out, C, kh, kw) for a view (cheap; not cached). Output map o uses seed + o."""
    x = input_values(pattern, c, h, w, seed)
    weights = np.stack([kernel_values(kernel, c, kh, kw, seed + o) for o in range(c_out)])   # (C_out, C, kh, kw)
    return x, weights


@st.cache_resource(max_entries=6, show_spinner=False)
def cached_matrix(view: tuple, stride: int, padding: int, dilation: int) -> np.ndarray:
    """A for the view (shared: never modify it)."""
    x, w = matrix_arrays(*view)
    return conv_matrix(x.shape, w, stride, padding, dilation)


@st.cache_resource(max_entries=6, show_spinner=False)
def cached_pattern(view: tuple, stride: int, padding: int, dilation: int) -> np.ndarray:
    """Note 000's dependency pattern (bool, A's shape) for the view's sizes."""
    x, w = matrix_arrays(*view)
    return dependency_pattern(x.shape, w.shape, stride, padding, dilation)


def _symbols(view: tuple, stride: int, padding: int, dilation: int) -> np.ndarray:
    """'w01'-style labels for A's cells (o and c added when there are several channels)."""
    x, w = matrix_arrays(*view)
    idx = tap_index(x.shape, w.shape, stride, padding, dilation)
    names = np.array(["".join(map(str, t[2:])) if w.shape[0] * w.shape[1] == 1 else "".join(map(str, t))
                      for t in np.ndindex(w.shape)] + [""], dtype=object)
    return np.where(idx >= 0, np.char.add("w", names[idx].astype(str)), "").astype(object)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_matrix_figure(view: tuple, stride: int, padding: int, dilation: int, row: int, col: int,
                         symbols: bool, transposed: bool = False):
    """A (or Aᵀ) with its blocks outlined, the selected row and column highlighted."""
    x, w = matrix_arrays(*view)
    a = cached_matrix(view, stride, padding, dilation)
    ho, wo = output_shape(x.shape[1:], w.shape[2:], stride, padding, dilation)
    block, outer = (wo, x.shape[2]), (ho * wo, x.shape[1] * x.shape[2])         # Toeplitz block, channel block
    labels = _symbols(view, stride, padding, dilation) if symbols else None
    structure = cached_pattern(view, stride, padding, dilation)
    if transposed:
        return matrix_figure(a.T, "Aᵀ (rows = input cells, columns = output cells)", block=block[::-1],
                             outer=outer[::-1], row=col, col=row, labels=None if labels is None else labels.T,
                             structure=structure.T, row_colour=COL_COLOUR, col_colour=ROW_COLOUR)
    return matrix_figure(a, f"A: {a.shape[0]} × {a.shape[1]} (rows = output cells, columns = input cells; "
                            "grey = always 0)", block=block, outer=outer, row=row, col=col, labels=labels,
                         structure=structure)


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_im2col(view: tuple, stride: int, padding: int, dilation: int) -> np.ndarray:
    x, w = matrix_arrays(*view)
    return im2col(x, w.shape[2:], stride, padding, dilation)


def circulant_arrays(n: int, k: int, seed: int):
    """A signal x (n,) of small integers and a kernel (k,) of integers −2…2 for the circulant section."""
    rng = np.random.default_rng(seed + 2000)
    kernel = rng.integers(-2, 3, size=k).astype(np.float64)
    kernel[kernel == 0] = 1.0                      # every tap visible on the matrix
    return rng.integers(0, 5, size=n).astype(np.float64), kernel


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_circulant_figure(n: int, k: int, seed: int):
    _, kernel = circulant_arrays(n, k, seed)
    c = circulant_matrix(n, kernel)
    structure = circulant_matrix(n, np.ones(k)) != 0
    return matrix_figure(c, f"C: {n} × {n} circulant (first column = kernel, zero-padded)", structure=structure)
