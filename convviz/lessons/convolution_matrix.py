"""Lesson: convolution as a matrix (notes 000, 001, 002): settings in, numbers and figures out.

Three settings objects, one per part of the page, each validated where it is made (ValueError with
the message the page shows): MatrixSettings (the matrix A of a 2-D convolution), CirculantSettings
(the 1-D wrap-around and full-convolution matrices) and IstaSettings (note 001's ISTA step). They
are frozen and hashable, so the page's caches (convviz/ui/cache/convolution_matrix.py) key on them.

Shapes: x (C, H, W), w (C_out, C, kh, kw), y (C_out, H', W'), A (C_out·H'·W', C·H·W); everything is
raveled in reading order (channel, row, column), as `x.ravel()` does. No streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from convviz.conv import cross_correlate2d, output_shape
from convviz.figures.convolution_matrix import (COL_COLOUR, HALF_WIDTH_PX, ROW_COLOUR, channel_grids_figure,
                                                eigenvalue_figure, ista_curves_figure, ista_signal_figure, matrix_figure)
from convviz.ista import dictionary_matrix, example_problem, first_step_scaling_gap, layer_step, run_ista
from convviz.lessons.shared.examples import INPUT_PATTERNS, KERNEL_CHOICES, input_values, kernel_size_problem, kernel_values
from convviz.lessons.scenes.convolution_matrix import matrix_scene as matrix_scene  # the UI calls lesson.matrix_scene
from convviz.matrix import (MAX_MATRIX_ENTRIES, NOTE002_IMAGE, NOTE002_KERNEL, block_layout, circulant_matrix,
                            circular_cross_correlation_matrix, eigenvalue_set_distance,
                            circular_convolve_fft, conv_layer_parameters, conv_matrix, conv_matrix_1d, conv_matrix_shape,
                            convolution_sum, cross_correlation_sum, dependency_pattern, dft_diagonalisation_gap,
                            free_entries, full_convolution_matrix, human_bytes, im2col, is_block_diagonal,
                            is_doubly_block_toeplitz, matched_eigenvalues, output_padding_for,
                            per_position_bias_parameters, same_full_valid_sizes, sparsity, tap_index, transpose_apply,
                            valid_part)
from convviz.torch_ref.checks import conv2d_torch, full_convolution_torch, max_abs_difference
from convviz.torch_ref.ista import ista_step_autograd, ista_step_torch, layer_step_torch, lipschitz_torch
from convviz.torch_ref.matrix import (circular_conv_torch, circular_cross_correlation_torch, conv2d_parameter_count_torch,
                                     unfold_torch)
from convviz.torch_ref.transposed import conv_transpose2d_torch
from convviz.lessons.settings_error import SettingsError
from convviz.lessons.shared.settings import Checked

PRESETS = {
    "none": "Your own settings",
    "note001": "Note 001: 4×4, 3×3 → 4×16",
    "cnn": "CNN layer, 2 → 2 channels",
}
PRESET_SIZES = {   # C, C_out, H, W, kh, kw, stride, padding, dilation
    "note001": (1, 1, 4, 4, 3, 3, 1, 0, 1),
    "cnn": (2, 2, 4, 4, 3, 3, 1, 0, 1),
}
LABELS = {"values": "numbers", "symbols": "kernel entries w_ab"}


def _choose(what: str, value: str, choices) -> None:
    if value not in choices:
        raise SettingsError(f"Unknown {what} {value!r}; choose one of {', '.join(choices)}.")


# --- Settings ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MatrixSettings:
    """One view of A: the arrays (preset, input pattern, kernel, seed) and the layer's sizes.

    A preset fixes the sizes (from_controls puts them in). Made only when a window fits: otherwise
    ValueError says why (conv.output_shape's message, or a named kernel of another size).
    """
    preset: str = "none"
    pattern: str = "random"      # a key of lessons.shared.examples.INPUT_PATTERNS
    kernel: str = "random"       # a key of lessons.shared.examples.KERNEL_CHOICES
    seed: int = 0                # output map o uses seed + o
    c: int = 1                   # input channels C
    c_out: int = 1               # output channels C_out
    h: int = 4
    w: int = 4
    kh: int = 3
    kw: int = 3
    stride: int = 1
    padding: int = 0
    dilation: int = 1
    labels: str = "values"       # A's cells show "values" or "symbols" (w_ab)

    def __post_init__(self):
        _choose("preset", self.preset, PRESETS)
        _choose("input pattern", self.pattern, INPUT_PATTERNS)
        _choose("kernel", self.kernel, KERNEL_CHOICES)
        _choose("label style", self.labels, LABELS)
        problem = kernel_size_problem(self.kernel, self.kh, self.kw)
        if problem:
            raise SettingsError(problem)
        conv_matrix_shape(self.input_shape, self.kernel_shape, self.stride, self.padding, self.dilation)  # no window?

    @classmethod
    def from_controls(cls, **controls) -> "MatrixSettings":
        """The settings the controls ask for; a preset other than "none" overrides the sizes."""
        preset = controls.get("preset", "none")
        if preset in PRESET_SIZES:
            names = ("c", "c_out", "h", "w", "kh", "kw", "stride", "padding", "dilation")
            controls = controls | dict(zip(names, PRESET_SIZES[preset]))
        return cls(**controls)

    @property
    def fixed(self) -> bool:
        """Whether a preset set the sizes."""
        return self.preset != "none"

    @property
    def symbols(self) -> bool:
        return self.labels == "symbols"

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return self.c, self.h, self.w

    @property
    def kernel_shape(self) -> tuple[int, int, int, int]:
        return self.c_out, self.c, self.kh, self.kw

    @property
    def output_hw(self) -> tuple[int, int]:
        """(H', W') = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1 on each axis."""
        return output_shape((self.h, self.w), (self.kh, self.kw), self.stride, self.padding, self.dilation)

    @property
    def matrix_shape(self) -> tuple[int, int]:
        """(C_out·H'·W', C·H·W), counted without building A."""
        ho, wo = self.output_hw
        return self.c_out * ho * wo, self.c * self.h * self.w

    def check_buildable(self) -> None:
        """ValueError when A is larger than this page builds (MAX_MATRIX_ENTRIES)."""
        n_rows, n_cols = self.matrix_shape
        if n_rows * n_cols > MAX_MATRIX_ENTRIES:
            raise SettingsError(
                f"A would have {n_rows:,} × {n_cols:,} = {n_rows * n_cols:,} entries ({human_bytes(8 * n_rows * n_cols)} "
                f"dense); this page builds at most {MAX_MATRIX_ENTRIES:,}. Lower H, W or the number of channels; the "
                "storage numbers below are counted without building it.")

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """x (C, H, W) and w (C_out, C, kh, kw) (cheap; not cached)."""
        return matrix_arrays(self)


@dataclass(frozen=True)
class CirculantSettings(Checked):
    """The 1-D part: a signal of length n, a kernel of k taps (k ≤ n), a seed."""
    LIMITS = {"n": ("The signal length n", 1, None), "k": ("The kernel's taps k", 1, None), "seed": ("The seed", 0, None)}
    n: int = 8
    k: int = 3
    seed: int = 0

    def check(self):
        if self.k > self.n:
            raise SettingsError(f"The kernel has {self.k} taps but the signal only {self.n}: it would wrap onto itself.")

    @classmethod
    def clamped(cls, n: int, k: int, seed: int) -> "CirculantSettings":
        """A kernel longer than the signal is cut to n taps (the page says so)."""
        return cls(n, min(k, n), seed)


@dataclass(frozen=True)
class IstaSettings(Checked):
    """Note 001's convolutional sparse coding: K atoms of m taps, codes of length N, λ, steps, seed."""
    LIMITS = {"k": ("The number of atoms K", 1, None), "m": ("The atoms' taps m", 1, None),
              "n": ("The codes' length N", 1, None), "steps": ("ISTA's steps", 1, None), "lam": ("λ", 0.0, None),
              "seed": ("The seed", 0, None)}
    k: int = 2
    m: int = 3
    n: int = 16
    steps: int = 20
    lam: float = 0.1
    seed: int = 0


# --- The matrix A ------------------------------------------------------------------------------

def matrix_arrays(settings: MatrixSettings) -> tuple[np.ndarray, np.ndarray]:
    """x (C, H, W) and w (C_out, C, kh, kw) for a view. Output map o uses seed + o."""
    s = settings
    x = input_values(s.pattern, s.c, s.h, s.w, s.seed)
    weights = np.stack([kernel_values(s.kernel, s.c, s.kh, s.kw, s.seed + o) for o in range(s.c_out)])  # (C_out, C, kh, kw)
    return x, weights


@dataclass(frozen=True)
class MatrixSize:
    """What the size section shows, counted without building A."""
    output_hw: tuple[int, int]
    shape: tuple[int, int]          # A's (rows, columns)
    info: object                    # matrix.sparsity of this layer
    big: object                     # matrix.sparsity of a 64→64 3×3 layer on 224×224


def matrix_size(settings: MatrixSettings) -> MatrixSize:
    s = settings
    return MatrixSize(s.output_hw, s.matrix_shape,
                      sparsity(s.input_shape, s.kernel_shape, s.stride, s.padding, s.dilation),
                      sparsity((64, 224, 224), (64, 64, 3, 3), 1, 1, 1))


@dataclass(frozen=True, eq=False)
class MatrixLesson:
    """Every number the page shows about A for one MatrixSettings, computed once (shared: never modify)."""
    settings: MatrixSettings
    x: np.ndarray                   # (C, H, W)
    kernel: np.ndarray              # (C_out, C, kh, kw)
    a: np.ndarray                   # (C_out·H'·W', C·H·W)
    pattern: np.ndarray             # bool, A's shape: note 000's dependency pattern
    y: np.ndarray                   # (C_out, H', W')
    ax: np.ndarray                  # (C_out·H'·W',) = A x
    checks: dict = field(default_factory=dict)     # name -> max |difference| (or a count, a flag)
    extra: dict = field(default_factory=dict)      # the sections' other numbers

    @property
    def output_hw(self) -> tuple[int, int]:
        return self.y.shape[1:]

    def output_cell(self, row: int) -> tuple[int, int, int]:
        """Row of A → output cell (o, i, j)."""
        return tuple(int(v) for v in np.unravel_index(row, self.y.shape))

    def input_cell(self, col: int) -> tuple[int, int, int]:
        """Column of A → input cell (c, r, q)."""
        return tuple(int(v) for v in np.unravel_index(col, self.x.shape))

    def weight_index(self, row: int, col: int) -> tuple[int, int, int, int]:
        """w[o, c, a, b]: the weight A[row, col] holds when the input cell is in the window."""
        s = self.settings
        (o, i, j), (c, r, q) = self.output_cell(row), self.input_cell(col)
        return o, c, (r + s.padding - i * s.stride) // s.dilation, (q + s.padding - j * s.stride) // s.dilation

    def symbols(self) -> np.ndarray:
        """'w01'-style labels for A's cells (o and c added when there are several channels)."""
        s, w = self.settings, self.kernel
        idx = tap_index(self.x.shape, w.shape, s.stride, s.padding, s.dilation)
        names = np.array(["".join(map(str, t[2:])) if w.shape[0] * w.shape[1] == 1 else "".join(map(str, t))
                          for t in np.ndindex(w.shape)] + [""], dtype=object)
        return np.where(idx >= 0, np.char.add("w", names[idx].astype(str)), "").astype(object)


def matrix_lesson(settings: MatrixSettings) -> MatrixLesson:
    """A, its checks against the convolution and torch, its block structure, Aᵀ and im2col (A ≤ 8 MB)."""
    settings.check_buildable()
    s = settings
    x, kernel = matrix_arrays(s)
    c, h, w, (ho, wo) = s.c, s.h, s.w, s.output_hw
    a = conv_matrix(x.shape, kernel, s.stride, s.padding, s.dilation)                  # (C_out·H'·W', C·H·W)
    y = cross_correlate2d(x, kernel, stride=s.stride, padding=s.padding, dilation=s.dilation)   # (C_out, H', W')
    ax = a @ x.ravel()                                                                 # (C_out·H'·W',)
    op = output_padding_for(x.shape, kernel.shape, s.stride, s.padding, s.dilation)
    back = transpose_apply(y, kernel, x.shape, s.stride, s.padding, s.dilation)       # (C, H, W)
    at_y = a.T @ y.ravel()                                                             # (C·H·W,)
    cols_x = im2col(x, kernel.shape[2:], s.stride, s.padding, s.dilation)             # (C·kh·kw, H'·W')
    w_mat = kernel.reshape(s.c_out, -1)                                                # (C_out, C·kh·kw)
    gemm = w_mat @ cols_x                                                              # (C_out, H'·W')
    checks = {
        "numpy": max_abs_difference(ax, y.ravel()),
        "torch": max_abs_difference(ax, conv2d_torch(x, kernel, None, s.stride, s.padding, s.dilation).ravel()),
        "transposed_torch": max_abs_difference(
            at_y, conv_transpose2d_torch(y, kernel, None, s.stride, s.padding, op, s.dilation).ravel()),
        "transposed_numpy": max_abs_difference(at_y, back.ravel()),
        "gemm": max_abs_difference(gemm, y.reshape(s.c_out, -1)),
        "unfold": max_abs_difference(cols_x, unfold_torch(x, (s.kh, s.kw), s.stride, s.padding, s.dilation)),
    }
    sizes_h, sizes_w = same_full_valid_sizes(h, s.kh), same_full_valid_sizes(w, s.kw)
    extra = {
        "output_padding": op,
        "layout": block_layout(h, s.kh, s.stride, s.padding, s.dilation),            # (H', H) kernel row or -1
        "doubly_block_toeplitz": is_doubly_block_toeplitz(a, (wo, w), (ho * wo, h * w)),
        "block_diagonal": is_block_diagonal(a[: ho * wo, : h * w], (wo, w)),
        "free_entries": free_entries(x.shape, kernel.shape, s.stride, s.padding, s.dilation),
        "layer_parameters": conv_layer_parameters(c, s.c_out, s.kh, s.kw),
        "layer_parameters_torch": conv2d_parameter_count_torch(c, s.c_out, s.kh, s.kw),
        "per_position_bias_parameters": per_position_bias_parameters(c, s.c_out, s.kh, s.kw, ho, wo),
        "same": (sizes_h["same"], sizes_w["same"]), "full": (sizes_h["full"], sizes_w["full"]),
        "im2col": cols_x, "w_mat": w_mat, "gemm": gemm,
    }
    pattern = dependency_pattern(x.shape, kernel.shape, s.stride, s.padding, s.dilation)
    return MatrixLesson(s, x, kernel, a, pattern, y, ax, checks, extra)


def a_figure(lesson: MatrixLesson, row: int, col: int, transposed: bool = False):
    """A (or Aᵀ) with its blocks outlined, the selected row and column highlighted."""
    a, (ho, wo), (h, w) = lesson.a, lesson.output_hw, lesson.x.shape[1:]
    block, outer = (wo, w), (ho * wo, h * w)                                     # Toeplitz block, channel block
    labels = lesson.symbols() if lesson.settings.symbols else None
    if transposed:
        return matrix_figure(a.T, "Aᵀ (rows = input cells, columns = output cells)", block=block[::-1],
                             outer=outer[::-1], row=col, col=row, labels=None if labels is None else labels.T,
                             structure=lesson.pattern.T, row_colour=COL_COLOUR, col_colour=ROW_COLOUR)
    return matrix_figure(a, f"A: {a.shape[0]} × {a.shape[1]} (rows = output cells, columns = input cells; "
                            "grey = always 0)", block=block, outer=outer, row=row, col=col, labels=labels,
                         structure=lesson.pattern)


def grid_figures(lesson: MatrixLesson, row: int, col: int):
    """(input x with output `row`'s window and input cell `col` marked, output y with what cell `col` feeds)."""
    x, y, pattern = lesson.x, lesson.y, lesson.pattern
    o, i, j = lesson.output_cell(row)
    c, r, q = lesson.input_cell(col)
    return (channel_grids_figure(x, f"input x: magenta = output ({o}, {i}, {j})'s window, green = input cell",
                                 window=pattern[row].reshape(x.shape), mark=(c, r, q)),
            channel_grids_figure(y, f"output y = A x: green = fed by input ({c}, {r}, {q}), magenta = output cell",
                                 window=pattern[:, col].reshape(y.shape), window_colour="#1a9850", mark=(o, i, j),
                                 mark_colour="#d6007e"))


def block_figures(lesson: MatrixLesson) -> list:
    """The Toeplitz blocks T_a of kernel slice w[0, 0] (note 000's 1-D banded matrices), first 4 kernel rows."""
    s, w = lesson.settings, lesson.kernel
    width, kw = lesson.x.shape[2], w.shape[3]
    structure = conv_matrix_1d(width, np.ones(kw), s.stride, s.padding, s.dilation) != 0
    return [matrix_figure(conv_matrix_1d(width, w[0, 0, a], s.stride, s.padding, s.dilation), f"T{a} (kernel row {a})",
                          structure=structure) for a in range(min(w.shape[2], 4))]


def im2col_figure(lesson: MatrixLesson, column: int):
    """im2col(x) with window `column` (an output cell, reading order within a map) highlighted."""
    cols_x = lesson.extra["im2col"]
    return matrix_figure(cols_x, f"im2col(x): {cols_x.shape[0]} × {cols_x.shape[1]} (rows = (c, a, b), "
                                 "columns = windows)", col=column, col_colour="#d6007e",
                         structure=np.ones(cols_x.shape, dtype=bool))


# --- Circulant and full convolution (1-D) -------------------------------------------------------

def circulant_arrays(n: int, k: int, seed: int):
    """A signal x (n,) of small integers and a kernel (k,) of integers −2…2 for the circulant section."""
    rng = np.random.default_rng(seed + 2000)
    kernel = rng.integers(-2, 3, size=k).astype(np.float64)
    kernel[kernel == 0] = 1.0                      # every tap visible on the matrix
    return rng.integers(0, 5, size=n).astype(np.float64), kernel


def circulant_lesson(settings: CirculantSettings) -> dict:
    """The circulant C of the kernel, its eigenvalues against the DFT, FFT and torch checks; then note 002's
    full-convolution matrix T of the same kernel applied to the same signal, and x ⋆ h, h ⋆ x."""
    n, k = settings.n, settings.k
    signal, kernel = circulant_arrays(n, k, settings.seed)
    c_mat = circulant_matrix(n, kernel)
    computed, dft, eig_gap = matched_eigenvalues(n, kernel)
    cx = c_mat @ signal
    t = full_convolution_matrix(n, kernel)
    y = t @ signal
    return {
        "signal": signal, "kernel": kernel, "cx": cx,
        "circulant_figure": matrix_figure(c_mat, f"C: {n} × {n} circulant (first column = kernel, zero-padded)",
                                          structure=circulant_matrix(n, np.ones(k)) != 0),
        "eigenvalue_figure": eigenvalue_figure(computed, dft),
        "eig_gap": eig_gap, "dft_gap": dft_diagonalisation_gap(n, kernel),
        "fft_gap": max_abs_difference(circular_convolve_fft(signal, kernel), cx),
        "circular_torch_gap": max_abs_difference(circular_conv_torch(signal, kernel), cx),
        "zero_padded_dft_gap": _off_diagonal_after_dft(np.tril(c_mat)),
        "alignment_gaps": {left: eigenvalue_set_distance(circular_cross_correlation_matrix(n, kernel, left), c_mat)
                           for left in range(k)},
        "alignment_torch_gap": max(max_abs_difference(circular_cross_correlation_torch(signal, kernel, left),
                                                      circular_cross_correlation_matrix(n, kernel, left) @ signal)
                                   for left in range(k)),
        "full": {"figure": matrix_figure(t, f"T: {n + k - 1} × {n} Toeplitz (full convolution, h₁ on the diagonal)",
                                         structure=full_convolution_matrix(n, np.ones(k)) != 0),
                 "y": y,
                 "numpy_gap": max_abs_difference(np.convolve(kernel, signal), y),
                 "torch_gap": max_abs_difference(full_convolution_torch(signal, kernel), y),
                 "commute_gap": max_abs_difference(full_convolution_matrix(k, signal) @ kernel, y),
                 "x_corr_h": np.correlate(signal, kernel, "full"), "h_corr_x": np.correlate(kernel, signal, "full")},
    }


def _off_diagonal_after_dft(m: np.ndarray) -> float:
    """The largest |entry| off the diagonal of F M F⁻¹ (0 when the DFT diagonalises M)."""
    f = np.fft.fft(np.eye(len(m)), axis=0)
    d = f @ m @ np.linalg.inv(f)
    return float(np.abs(d - np.diag(np.diag(d))).max())


def zero_padding_sentence(gap: float) -> str:
    """What zero padding does to C, from the measured off-diagonal of F T F⁻¹ (T = C without the wrapped corner)."""
    if gap < 1e-9:
        return ("- Zero padding instead of wrapping: with one tap nothing wraps around, so the matrix is the same and "
                f"the DFT still diagonalises it (largest off-diagonal entry of F T F⁻¹: {gap:.1e}).")
    return ("- Zero padding instead of wrapping drops the corner entries that wrap around (top right of C): the matrix "
            "is then Toeplitz but not circulant, and the DFT no longer diagonalises it (largest off-diagonal entry of "
            f"F T F⁻¹: **{gap:.3g}**).")


def circular_alignment_sentence(gaps: dict[int, float]) -> str:
    """Which circular paddings of torch's cross-correlation (kernel as stored) share C's eigenvalues, from the
    measured distances between the eigenvalue sets (gaps: left padding L → distance)."""
    same = [left for left, gap in gaps.items() if gap < 1e-9]
    k = len(gaps)
    listed = ", ".join(f"L = {left}: {gap:.2g}" for left, gap in gaps.items())
    if k == 1:
        return ("With a 1-tap kernel there is nothing to wrap: torch's cross-correlation is C itself, the same "
                f"eigenvalues (distance {gaps[0]:.1e}).")
    text = ("torch's `F.conv1d` cross-correlates: with circular padding k − 1 on the left and the kernel reversed it "
            "is C exactly (the check below). With the kernel as stored, its matrix depends on how the k − 1 wrapped "
            "cells are split (L on the left): L = 0 gives Cᵀ, whose eigenvalues are the complex conjugates of C's, "
            "the same set since the kernel is real; another split shifts the output circularly, which multiplies "
            "eigenvalue j by a phase e^{2πi·jt/n}. Distance between the eigenvalue sets here: " + listed + ", so ")
    if same == [0]:
        return text + "only L = 0 has C's eigenvalues."
    return text + "the same set for L = " + ", ".join(map(str, same)) + "."


def note002_star() -> tuple[np.ndarray, float]:
    """Note 002's 5×5 example: cross-correlation, and its max difference from the valid part of the convolution."""
    note_xc = cross_correlation_sum(NOTE002_IMAGE, NOTE002_KERNEL)
    gap = np.abs(note_xc - valid_part(convolution_sum(NOTE002_IMAGE, NOTE002_KERNEL), NOTE002_KERNEL.shape)).max()
    return note_xc, float(gap)


# --- ISTA (note 001) ----------------------------------------------------------------------------

def phi_column_sentence(phi: np.ndarray, matrix: np.ndarray, n_codes: int) -> str:
    """What a column of Φ holds, read from Φ itself: column (k, j) has atom k's taps in rows j … j + m − 1,
    in reversed order (conv1d cross-correlates); said plainly when every atom reads the same both ways."""
    atoms = np.atleast_2d(phi)
    m = atoms.shape[1]
    column = lambda k, j: matrix[j:j + m, k * n_codes + j]          # noqa: E731
    reversed_everywhere = all(np.array_equal(column(k, j), atoms[k][::-1])
                              for k in range(len(atoms)) for j in range(n_codes))
    stored_everywhere = all(np.array_equal(column(k, j), atoms[k]) for k in range(len(atoms)) for j in range(n_codes))
    if reversed_everywhere and stored_everywhere:
        return ("each column an atom shifted down one cell per code position (every atom here reads the same both "
                "ways, so reversed or not it is the same column).")
    if reversed_everywhere:
        return ("each column an atom **reversed** (φ_k[m−1], …, φ_k[0], as conv1d's cross-correlation places it) "
                "shifted down one cell per code position.")
    raise AssertionError("Φ's columns are neither the atoms nor the atoms reversed")   # dictionary_matrix's contract


def ista_lesson(settings: IstaSettings) -> dict:
    """Note 001's ISTA on a seeded 1-D CSC problem: Φ and Φᵀ figures, the run, its figures, and the last
    step computed five ways (matrix, layer matrices, conv layer in torch, direct torch, autograd) with their gaps."""
    s = settings
    phi, c_true, y = example_problem(s.k, s.m, s.n, s.seed)
    a = dictionary_matrix(phi, s.n)                                                    # (N + m − 1, K·N)
    run = run_ista(y, a, s.lam, s.steps)
    before, after = run.codes[-2], run.codes[-1]
    others = {"layer ReLU(W_e y + S c − ηλ)": layer_step(before, y, a, s.lam, run.eta),
              "torch conv layer (conv_transpose1d + conv1d + bias)": layer_step_torch(before, y, phi, s.lam, run.eta),
              "torch F.conv1d / F.conv_transpose1d": ista_step_torch(before, y, phi, s.lam, run.eta),
              "torch autograd gradient": ista_step_autograd(before, y, a, s.lam, run.eta)}
    wrong, right = first_step_scaling_gap(y, a, s.lam, run.eta)
    title = f"{a.shape[0]} × {a.shape[1]} (rows = signal cells, columns = (atom, code position))"
    return {"phi": phi, "y": y, "c_true": c_true, "matrix": a, "run": run,
            "lipschitz_torch": lipschitz_torch(a),
            "gaps": {name: max_abs_difference(v, after) for name, v in others.items()},
            "first_step_gaps": (wrong, right),
            "phi_figure": matrix_figure(a, f"Φ: {title}", block=(a.shape[0], s.n), width_px=HALF_WIDTH_PX),
            "phit_figure": matrix_figure(a.T, f"Φᵀ = the transposed convolution: {a.shape[1]} × {a.shape[0]}",
                                         block=(s.n, a.shape[0]), width_px=HALF_WIDTH_PX),
            "curves": ista_curves_figure(run.residual, run.objective),
            "signal": ista_signal_figure(y, a @ after, after.reshape(s.k, s.n), c_true)}
