"""Cached builders for the matrix page, keyed on the few numbers a view depends on (never arrays).

A view is (preset, pattern, kernel, seed, C, C_out, H, W, kh, kw); matrix_arrays turns it into
x (C, H, W) and w (C_out, C, kh, kw). A is at most MAX_MATRIX_ENTRIES (8 MB), so only a few are kept.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.conv import cross_correlate2d, output_shape
from convviz.lessons.examples import input_values, kernel_values
from convviz.matrix import (circulant_matrix, conv_matrix, conv_matrix_1d, dependency_pattern, full_convolution_matrix, im2col,
                            tap_index)
from convviz.figures.convolution_matrix import COL_COLOUR, ROW_COLOUR, channel_grids_figure, matrix_figure
from convviz.torch_ref.checks import full_convolution_torch, max_abs_difference

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


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_full_convolution(n: int, k: int, seed: int) -> dict:
    """Note 002's full-convolution matrix T of the circulant section's kernel h, applied to its signal x:
    the figure, y = T x, its gaps to np.convolve, F.conv1d and the commuted product T_x h, and x ⋆ h, h ⋆ x."""
    signal, kernel = circulant_arrays(n, k, seed)
    t = full_convolution_matrix(n, kernel)
    y = t @ signal
    figure = matrix_figure(t, f"T: {n + k - 1} × {n} Toeplitz (full convolution, h₁ on the diagonal)",
                           structure=full_convolution_matrix(n, np.ones(k)) != 0)
    return {"figure": figure, "y": y,
            "numpy_gap": max_abs_difference(np.convolve(kernel, signal), y),
            "torch_gap": max_abs_difference(full_convolution_torch(signal, kernel), y),
            "commute_gap": max_abs_difference(full_convolution_matrix(k, signal) @ kernel, y),
            "x_corr_h": np.correlate(signal, kernel, "full"), "h_corr_x": np.correlate(kernel, signal, "full")}


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_grid_figures(view: tuple, stride: int, padding: int, dilation: int, row: int, col: int):
    """(input x with output `row`'s window and input cell `col` marked, output y with what cell `col` feeds)."""
    x, w = matrix_arrays(*view)
    y = cross_correlate2d(x, w, stride=stride, padding=padding, dilation=dilation)      # (C_out, H', W')
    pattern = cached_pattern(view, stride, padding, dilation)
    o, i, j = np.unravel_index(row, y.shape)
    c, r, q = np.unravel_index(col, x.shape)
    return (channel_grids_figure(x, f"input x: magenta = output ({o}, {i}, {j})'s window, green = input cell",
                                 window=pattern[row].reshape(x.shape), mark=(c, r, q)),
            channel_grids_figure(y, f"output y = A x: green = fed by input ({c}, {r}, {q}), magenta = output cell",
                                 window=pattern[:, col].reshape(y.shape), window_colour="#1a9850", mark=(o, i, j),
                                 mark_colour="#d6007e"))


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_block_figures(view: tuple, stride: int, padding: int, dilation: int) -> list:
    """The Toeplitz blocks T_a of kernel slice w[0, 0] (note 000's 1-D banded matrices), first 4 kernel rows."""
    x, w = matrix_arrays(*view)
    width, kw = x.shape[2], w.shape[3]
    structure = conv_matrix_1d(width, np.ones(kw), stride, padding, dilation) != 0
    return [matrix_figure(conv_matrix_1d(width, w[0, 0, a], stride, padding, dilation), f"T{a} (kernel row {a})",
                          structure=structure) for a in range(min(w.shape[2], 4))]


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_im2col_figure(view: tuple, stride: int, padding: int, dilation: int, column: int):
    """im2col(x) with window `column` (an output cell, reading order within a map) highlighted."""
    cols_x = cached_im2col(view, stride, padding, dilation)
    return matrix_figure(cols_x, f"im2col(x): {cols_x.shape[0]} × {cols_x.shape[1]} (rows = (c, a, b), "
                                 "columns = windows)", col=column, col_colour="#d6007e",
                         structure=np.ones(cols_x.shape, dtype=bool))


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_ista(k: int, m: int, n_codes: int, steps: int, lam: float, seed: int) -> dict:
    """Note 001's ISTA on a seeded 1-D CSC problem: Φ and Φᵀ figures, the run, its figures, and the last
    step computed five ways (matrix, layer matrices, conv layer in torch, direct torch, autograd) with their gaps."""
    from convviz.ista import (dictionary_matrix, example_problem, first_step_scaling_gap, ista_step_autograd,
                              ista_step_torch, layer_step, layer_step_torch, lipschitz_torch, run_ista)
    from convviz.figures.convolution_matrix import ista_curves_figure, ista_signal_figure

    phi, c_true, y = example_problem(k, m, n_codes, seed)
    a = dictionary_matrix(phi, n_codes)                                               # (N + m − 1, K·N)
    run = run_ista(y, a, lam, steps)
    before, after = run.codes[-2], run.codes[-1]
    others = {"layer ReLU(W_e y + S c − ηλ)": layer_step(before, y, a, lam, run.eta),
              "torch conv layer (conv_transpose1d + conv1d + bias)": layer_step_torch(before, y, phi, lam, run.eta),
              "torch F.conv1d / F.conv_transpose1d": ista_step_torch(before, y, phi, lam, run.eta),
              "torch autograd gradient": ista_step_autograd(before, y, a, lam, run.eta)}
    wrong, right = first_step_scaling_gap(y, a, lam, run.eta)
    title = f"{a.shape[0]} × {a.shape[1]} (rows = signal cells, columns = (atom, code position))"
    return {"phi": phi, "y": y, "c_true": c_true, "matrix": a, "run": run,
            "lipschitz_torch": lipschitz_torch(a),
            "gaps": {name: max_abs_difference(v, after) for name, v in others.items()},
            "first_step_gaps": (wrong, right),
            "phi_figure": matrix_figure(a, f"Φ: {title}", block=(a.shape[0], n_codes)),
            "phit_figure": matrix_figure(a.T, f"Φᵀ = the transposed convolution: {a.shape[1]} × {a.shape[0]}",
                                         block=(n_codes, a.shape[0])),
            "curves": ista_curves_figure(run.residual, run.objective),
            "signal": ista_signal_figure(y, a @ after, after.reshape(k, n_codes), c_true)}
