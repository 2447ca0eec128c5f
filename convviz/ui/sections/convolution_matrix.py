"""The sections of the matrix page (pages/convolution_matrix.py), top to bottom.

Each section draws its heading, text, controls and figures; the numbers come from
convviz.lessons.convolution_matrix through the caches in convviz.ui.cache.convolution_matrix.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.figures.convolution_matrix import is_clickable
from convviz.lessons.convolution_matrix import (LABELS, PRESETS, CirculantSettings, IstaSettings, MatrixLesson,
                                                MatrixSettings, MatrixSize, circular_alignment_sentence, note002_star,
                                                phi_column_sentence, zero_padding_sentence)
from convviz.lessons.scenes.convolution_matrix import STAGE_MAX, stage_fits
from convviz.lessons.shared.examples import INPUT_PATTERNS, KERNEL_CHOICES
from convviz.lessons.snippets.convolution_matrix import torch_code
from convviz.matrix import MAX_MATRIX_ENTRIES, human_bytes
from convviz.ui.cache import convolution_matrix as cached
from convviz.ui.widgets.downloads import code_download
from convviz.ui.widgets.layout import course_note, show_problem, torch_check
from convviz.ui.widgets.params import choice_control, float_control, int_control
from convviz.ui.widgets.present import (by_pointer_or_touch, chart, charts, more_settings, presenting, section_settings,
                                        settings_box)
from convviz.ui.stage import step_stage
from convviz.ui.widgets.stepping import step_control


def take_click(chart_key: str, apply) -> None:
    """Apply a new click on a chart (its selection, read before the controls are drawn) once."""
    event = st.session_state.get(chart_key) or {}
    picked = tuple((event.get("selection") or {}).get("point_indices") or ())
    if picked and st.session_state.get(f"_{chart_key}_seen") != picked:
        apply(int(picked[0]))
    st.session_state[f"_{chart_key}_seen"] = picked


# --- Controls ----------------------------------------------------------------------------------

def controls() -> dict:
    """The control bar under the figure (preset, input size, stride, padding) and the rest under "More settings"
    (every control in the URL); returns what the controls ask for, for MatrixSettings.from_controls. A preset
    disables the sizes and says so under the box."""
    with settings_box():
        bar = st.columns(5)
        preset = choice_control("Preset", "mx_preset", PRESETS, "none", container=bar[0])
        fixed = preset != "none"
        values = dict(preset=preset,
                      h=int_control("Input height H", "mx_h", 1, 32, 4, container=bar[1], disabled=fixed),
                      w=int_control("Input width W", "mx_w", 1, 32, 4, container=bar[2], disabled=fixed),
                      stride=int_control("Stride s", "mx_s", 1, 4, 1, container=bar[3], disabled=fixed),
                      padding=int_control("Padding p", "mx_p", 0, 4, 0, container=bar[4], disabled=fixed))
        with more_settings():
            row = st.columns(4)
            values |= dict(
                pattern=choice_control("Input values", "mx_input", INPUT_PATTERNS, "random", container=row[0]),
                kernel=choice_control("Kernel", "mx_kernel", KERNEL_CHOICES, "random", container=row[1]),
                seed=int_control("Random seed", "mx_seed", 0, 9999, 0, container=row[2]),
                dilation=int_control("Dilation d", "mx_d", 1, 3, 1, container=row[3], disabled=fixed))
            row = st.columns(4)
            values |= dict(c=int_control("Input channels C", "mx_c", 1, 3, 1, container=row[0], disabled=fixed),
                           c_out=int_control("Output channels C_out", "mx_co", 1, 3, 1, container=row[1], disabled=fixed),
                           kh=int_control("Kernel height", "mx_kh", 1, 7, 3, container=row[2], disabled=fixed),
                           kw=int_control("Kernel width", "mx_kw", 1, 7, 3, container=row[3], disabled=fixed))
            values["labels"] = choice_control("Cells of A show", "mx_labels", LABELS, "values", horizontal=True)
            st.caption(f"To stay quick, this page builds A only up to {MAX_MATRIX_ENTRIES:,} entries "
                       f"({human_bytes(8 * MAX_MATRIX_ENTRIES)} of float64); A is drawn cell by cell up to "
                       f"{STAGE_MAX[0]} × {STAGE_MAX[1]}, larger as a picture.")
    if fixed:
        st.info(f"{PRESETS[preset]}: the sizes are set by the preset (stride 1, no padding); choose *Your own settings* "
                "to change them. Show the cells as *kernel entries* (More settings) to compare with the note's matrix.")
    return values


# --- The size of A -----------------------------------------------------------------------------

def size_of_a(settings: MatrixSettings, size: MatrixSize) -> None:
    """A's shape and storage, counted without building it (also when A is too large to build)."""
    st.header("The size of A")
    s, (ho, wo), (n_rows, n_cols), info = settings, size.output_hw, size.shape, size.info
    st.latex(rf"A \in \mathbb{{R}}^{{(C_{{out}} H' W') \times (C H W)}} = "
             rf"\mathbb{{R}}^{{({s.c_out}\cdot{ho}\cdot{wo}) \times ({s.c}\cdot{s.h}\cdot{s.w})}} = "
             rf"\mathbb{{R}}^{{{n_rows} \times {n_cols}}}")
    st.markdown(f"Output {s.c_out}×{ho}×{wo} (H' = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1), input {s.c}×{s.h}×{s.w}; both "
                "raveled in reading order (channel, row, column), as `x.ravel()` does.")
    cols = st.columns(5)
    cols[0].metric("non-zeros (nnz)", f"{info.nnz:,}")
    cols[1].metric("zeros", f"{100 * info.zero_fraction:.1f} %")
    cols[2].metric("dense A (float64)", human_bytes(info.dense_bytes))
    cols[3].metric("sparse A (CSR)", human_bytes(info.csr_bytes))
    cols[4].metric("the kernel itself", human_bytes(info.kernel_bytes))
    big = size.big
    st.markdown(f"Each row holds at most C·kh·kw = {s.c * s.kh * s.kw} weights, whatever the image size, so for real "
                f"images A is almost all zeros and **nobody builds it**: a 64→64-channel 3×3 layer on a 224×224 image "
                f"has a {big.rows:,} × {big.cols:,} matrix, {human_bytes(big.dense_bytes)} dense and "
                f"{human_bytes(big.csr_bytes)} sparse, for {human_bytes(big.kernel_bytes)} of weights. The matrix is a "
                "way to *think*; the sliding window (or im2col below) is how it is computed.")


def note001_typo(lesson: MatrixLesson) -> None:
    if lesson.settings.preset == "note001":
        course_note("Note 001's matrix (printed as Aᵀ) ends its first column with w₃,₀, w₃,₁, w₃,₂, but a 3×3 kernel "
                    "has no row 3. Output 0's window covers input rows 0–2 only, so those entries (row 0 of A, input cells "
                    f"(3, 0), (3, 1), (3, 2)) are **{', '.join(f'{v:g}' for v in lesson.a[0, 12:15])}**; the check of A x "
                    "against `F.conv2d` is below.")


# --- Rows are windows, columns are input cells --------------------------------------------------

def matrix_figure(lesson: MatrixLesson) -> tuple[int, int]:
    """The page's figure: A beside the input and the output on the stage (hover a row or a column of A, step the
    rows with ◀ / ▶ or the keys, click to pick a column); a larger A as the picture with sliders. The row and
    column go into the link (mx_row, mx_col); returns them."""
    if stage_fits(lesson.a.shape):
        st.markdown(by_pointer_or_touch("**Hover**", "**Tap**") + " a cell of A for its row (the output's window on x, "
                    "blue outline) and its column (the outputs that input feeds, blue); **◀ / ▶** "
                    + by_pointer_or_touch("or the arrow keys ", "") + "step through the rows (an output cell each); "
                    + by_pointer_or_touch("**click**", "**tap**") + " A or x to pick a column (green).",
                    unsafe_allow_html=True)
        row, col = step_stage(cached.matrix_scene(lesson.settings), key="mx_stage", url_key="mx_row",
                              col_key="mx_col", present=presenting())
    else:
        row, col = _picture(lesson)
    selection_text(lesson, row, col)
    return row, col


def selection_text(lesson: MatrixLesson, row: int, col: int) -> None:
    (o_, i_, j_), (c_, r_, q_) = lesson.output_cell(row), lesson.input_cell(col)
    _, _, a_, b_ = lesson.weight_index(row, col)
    window, touched = int(lesson.pattern[row].sum()), int(lesson.pattern[:, col].sum())
    st.markdown(
        f"**A[{row}, {col}] = {lesson.a[row, col]:g}**: output cell (channel {o_}, row {i_}, column {j_}) "
        + (f"reads input cell (channel {c_}, row {r_}, column {q_}) with weight w[{o_}, {c_}, {a_}, {b_}]."
           if lesson.pattern[row, col] else
           f"does **not** read input cell (channel {c_}, row {r_}, column {q_}): it is outside the window.")
        + f" Row {row} has **{window}** structural non-zeros (its window); column {col} feeds **{touched}** "
        + ("output. " if touched == 1 else "outputs. ")
        + "Note 000's *dependency by sparsity pattern*: A[i, j] ≠ 0 exactly when input j is inside output i's window.")


def _picture(lesson: MatrixLesson) -> tuple[int, int]:
    """A too large for the stage: the plotly picture of A and the grids, a row and a column picked with sliders
    (or by clicking a cell of A or of the grids)."""
    s, (n_rows, n_cols) = lesson.settings, lesson.a.shape
    take_click("mx_click_a", lambda k: st.session_state.update(mx_row=k // n_cols, mx_col=k % n_cols))
    take_click("mx_click_x", lambda k: st.session_state.update(mx_col=k))
    take_click("mx_click_y", lambda k: st.session_state.update(mx_row=k))
    fig_slot = st.container()
    pick = st.columns(2)
    with pick[0]:
        row = step_control("Output cell = row of A (reading order)", "mx_row", n_rows)
    with pick[1]:
        col = step_control("Input cell = column of A (reading order)", "mx_col", n_cols)
    fig_a = cached.a_figure(s, row, col)
    if is_clickable(lesson.a.shape):
        chart(fig_a, key="mx_click_a", on_select="rerun", selection_mode="points", container=fig_slot)
    else:
        chart(fig_a, key="mx_fig_a", container=fig_slot)
    grids = st.columns(2)
    x_fig, y_fig = cached.grid_figures(s, row, col)
    chart(x_fig, key="mx_click_x", on_select="rerun", selection_mode="points", container=grids[0])
    chart(y_fig, key="mx_click_y", on_select="rerun", selection_mode="points", container=grids[1])
    return row, col


# --- Check against the convolution and torch ----------------------------------------------------

def check_against_torch(lesson: MatrixLesson) -> None:
    st.header("Check: A x is the convolution")
    st.markdown("Column q of A is the convolution of the q-th unit vector (note 000: A e_j = A[:, j]), which is how "
                "the code below builds A with torch.")
    st.markdown(f"A x against convviz's own cross_correlate2d(x, w): max |difference| {lesson.checks['numpy']:.1e}.")
    torch_check(lesson.checks["torch"], "A x against F.conv2d (float64)")
    code = torch_code(lesson)
    if not presenting():
        with st.expander("The same check in PyTorch, and A x"):
            st.code(code, language="python")
            st.code(repr(lesson.ax.tolist()), language="text")
    code_download(code, "conv_matrix")


# --- Block structure ----------------------------------------------------------------------------

def block_structure(lesson: MatrixLesson, row: int, col: int) -> None:
    s, extra, (ho, wo), (n_rows, n_cols) = lesson.settings, lesson.extra, lesson.output_hw, lesson.a.shape
    st.header("Doubly block Toeplitz")
    layout = extra["layout"]                                                           # (H', H) kernel row or -1
    if stage_fits(lesson.a.shape):                  # the figure above has no block lines: A with them
        st.markdown(f"A with its blocks outlined: thin lines split it into {ho}×{s.h} blocks of {wo}×{s.w} (one per "
                    "output row and input row)" + (f"; thick lines split the {s.c_out}×{s.c} channel blocks, one per "
                                                   "kernel slice w[o, c]." if s.c * s.c_out > 1 else ".")
                    + f" Row {row} and column {col} are the ones picked above.")
        chart(cached.a_figure(s, row, col), key="mx_fig_a")
    st.markdown(
        f"Cut A at the thin lines: block (i, r) links output row i to input row r. It is zero unless r = i·s + a·d − p for a "
        f"kernel row a, and then it is **T_a**, the {wo}×{s.w} 1-D matrix of kernel row a (note 000's banded matrix). "
        + ("With stride 1 the blocks repeat along diagonals (block Toeplitz) and each block is Toeplitz: "
           "**doubly block Toeplitz**." if s.stride == 1 else
           f"With stride {s.stride} each block row moves {s.stride} blocks to the right, and inside a "
           f"block each row moves {s.stride} columns: Toeplitz rows sampled every s-th (a strided Toeplitz matrix)."))
    table = [{"": f"output row {i}", **{f"input row {r}": f"T{v}" if v >= 0 else "0" for r, v in enumerate(layout[i, :16])}}
             for i in range(min(ho, 16))]
    st.markdown(f"The blocks of the kernel slice w[0, 0]: note 000's 1-D banded matrices, one per kernel row "
                f"(`conv_matrix_1d(W, w[0, 0, a], stride, padding)`), each {wo}×{s.w}:")
    t_cols = st.columns(min(s.kh, 4))
    for a_row, t_fig in enumerate(cached.block_figures(s)):
        chart(t_fig, key=f"mx_fig_t{a_row}", container=t_cols[a_row])
    course_note("Note 001 (*CNNs*) calls a convolution's weight matrix \"a fully-connected network with the block diagonal "
                f"structure\"; at stride 1 it is **doubly block Toeplitz**, not block diagonal. For this A: doubly block "
                f"Toeplitz = **{extra['doubly_block_toeplitz']}**, block diagonal = **{extra['block_diagonal']}** (only a "
                "kernel one row tall, without padding, gives a block-diagonal A"
                + (f"; stride {s.stride} makes the blocks strided Toeplitz)." if s.stride > 1 else ")."))
    st.markdown("Which block sits where (first 16 block rows and columns):")
    st.dataframe(table, hide_index=True, height=min(420, 38 + 35 * min(ho, 16)))
    if s.c * s.c_out > 1:
        st.markdown(f"With channels (note 001: *a CNN layer is one big matrix*), A is a {s.c_out}×{s.c} grid of such "
                    "matrices: block (o, c) is built from the kernel slice w[o, c] alone, and output channel o sums its row "
                    "of blocks (y_o = Σ_c A_oc x_c). A fully connected layer would fill every entry; the convolution shares "
                    f"{lesson.kernel.size} weights across all {n_rows * n_cols:,} entries: **{extra['free_entries']}** "
                    f"distinct weights appear in A, plus {s.c_out} biases, one per output channel.")
        (same_h, same_w), (full_h, full_w) = extra["same"], extra["full"]
        course_note(
            f"Note 004's eq. (2) adds b_f,i,j, a bias per output cell; a conv layer has one bias per output channel, b_f: "
            f"its own count (1 + C_in H_ker W_ker) C_out = (1 + {s.c}·{s.kh}·{s.kw})·{s.c_out} = "
            f"**{extra['layer_parameters']}** is `nn.Conv2d`'s ({extra['layer_parameters_torch']}), "
            f"while b_f,i,j would make {extra['per_position_bias_parameters']}. And the map R^(C_in×H×W) → "
            f"R^(C_out×H×W) \"assuming full padding\" needs *same* padding ({same_h}×{same_w} out): "
            f"full padding (p = k − 1) gives {full_h}×{full_w}.")


# --- Aᵀ and im2col ------------------------------------------------------------------------------

def transposed(lesson: MatrixLesson, row: int, col: int) -> None:
    s, (ho, wo) = lesson.settings, lesson.output_hw
    st.header("Aᵀ is the transposed convolution")
    st.markdown(
        f"The same numbers, rows and columns swapped: Aᵀ maps a {s.c_out}×{ho}×{wo} input back to {s.c}×{s.h}×{s.w}. Row j "
        "of Aᵀ (input cell j of the convolution) gathers the values at exactly the outputs that cell fed, each times its "
        "weight; read by columns, each output value stamps the kernel onto the input grid: the scatter of the *Transposed "
        f"convolution* page, with the kernel in torch's transposed layout and `output_padding={lesson.extra['output_padding']}` "
        f"to land on {s.h}×{s.w}. "
        "Note 000: if input j affects output i in the convolution, then input i affects output j in the transposed one. "
        "Aᵀ is not the inverse: Aᵀ A x ≠ x.")
    torch_check(lesson.checks["transposed_torch"], "Aᵀ y against F.conv_transpose2d (float64), y = A x")
    st.markdown(f"Aᵀ y against convviz's own conv_transpose2d: max |difference| {lesson.checks['transposed_numpy']:.1e}.")
    chart(cached.a_figure(s, row, col, True), key="mx_fig_at")


def im2col(lesson: MatrixLesson, row: int) -> None:
    s, extra, (_, wo) = lesson.settings, lesson.extra, lesson.output_hw
    _, i_, j_ = lesson.output_cell(row)
    cols_x, w_mat, gemm = extra["im2col"], extra["w_mat"], extra["gemm"]                # (C·kh·kw, H'·W') …
    st.header("im2col: the convolution as one matrix product")
    st.markdown(
        "Libraries rarely build A. They copy every window into a column (*im2col*, `F.unfold`) and multiply once by the "
        "kernel flattened into a row per output channel, a single dense matrix product (GEMM):")
    st.latex(rf"\underbrace{{W}}_{{{s.c_out} \times {w_mat.shape[1]}}}\;\underbrace{{\mathrm{{im2col}}(x)}}_{{{cols_x.shape[0]} "
             rf"\times {cols_x.shape[1]}}} = \underbrace{{Y}}_{{{s.c_out} \times {gemm.shape[1]}}}")
    st.markdown(
        f"max |W·im2col(x) − y| = **{lesson.checks['gemm']:.1e}**. The price is memory: im2col holds "
        f"{cols_x.size:,} numbers for an input of {lesson.x.size:,} (each input cell is copied into every window that reads "
        f"it, up to kh·kw = {s.kh * s.kw} times). Column {i_ * wo + j_} (magenta) is output ({i_}, {j_})'s window, the same "
        f"numbers as row {row}'s non-zeros of A.")
    torch_check(lesson.checks["unfold"], "im2col against F.unfold")
    chart(cached.im2col_figure(s, i_ * wo + j_), key="mx_fig_cols")


# --- Circulant and DFT, full convolution --------------------------------------------------------

def circulant() -> None:
    st.header("Wrap-around padding: a circulant matrix, diagonalised by the DFT")
    st.markdown("Pad by **wrapping** the signal around (cell −1 is cell n−1) and every row of the 1-D matrix is the row "
                "above shifted one step, with nothing lost at the ends: a **circulant** matrix C. Its first column is the "
                "kernel zero-padded to length n, and the discrete Fourier transform diagonalises it: C = F⁻¹ diag(F w) F.")
    with section_settings():                       # while presenting: folded into a "Settings" popover
        row = st.columns(3)
        n = int_control("Signal length n", "mx_n", 2, 32, 8, container=row[0])
        k = int_control("1-D kernel length", "mx_k", 1, 7, 3, container=row[1])
        if k > n:
            row[1].warning(f"The kernel ({k} taps) is longer than the signal ({n}); using {n} taps.",
                           icon=":material/warning:")
        seed = int_control("Random seed (1-D)", "mx_seed1", 0, 9999, 0, container=row[2])
    settings = CirculantSettings.clamped(n, k, seed)
    k = settings.k
    view = cached.circulant_lesson(settings)
    st.markdown(f"Kernel w = {view['kernel'].astype(int).tolist()}, signal x = {view['signal'].astype(int).tolist()}.")
    charts({"mx_fig_circ": view["circulant_figure"], "mx_fig_eig": view["eigenvalue_figure"]}, [3, 2])
    st.markdown(
        f"- Eigenvalues of C (numpy) vs the DFT of the zero-padded kernel: max distance **{view['eig_gap']:.1e}**; "
        f"max |F C F⁻¹ − diag(F w)| = **{view['dft_gap']:.1e}**.\n"
        f"- FFT multiply = circular convolution: max |ifft(fft(w)·fft(x)) − C x| = **{view['fft_gap']:.1e}**.\n"
        "- C is a true convolution (kernel flipped), the signal-processing convention. "
        + circular_alignment_sentence(view["alignment_gaps"]) + "\n"
        + zero_padding_sentence(view["zero_padded_dft_gap"]))
    torch_check(max(view["circular_torch_gap"], view["alignment_torch_gap"]),
                "C x against F.conv1d on x padded with mode='circular', kernel reversed; every split L against its matrix")
    if not presenting():
        st.code(repr(np.round(view["cx"], 10).tolist()), language="text")

    st.subheader("Without wrapping: note 002's full-convolution matrix")
    full = view["full"]
    st.markdown(f"Pad with m − 1 = {k - 1} zeros on each side instead, and keep every partial overlap: y = h * x has "
                f"n + m − 1 = {n + k - 1} entries, and its matrix T is {n + k - 1} × {n}, with h₁ on the diagonal "
                "and each column the kernel shifted down one more row (note 002's Toeplitz matrix, h = the kernel above).")
    chart(full["figure"], key="mx_fig_full")
    st.markdown(
        f"- T x = {np.round(full['y'], 10).tolist()}; `np.convolve(h, x)` differs by **{full['numpy_gap']:.1e}**.\n"
        f"- Convolution commutes (note 002: K * I = I * K): the {n + k - 1} × {k} matrix of x applied to h gives the "
        f"same y, max |T_x h − T_h x| = **{full['commute_gap']:.1e}**.\n"
        f"- Cross-correlation does not: x ⋆ h = {np.round(full['x_corr_h'], 10).tolist()} but "
        f"h ⋆ x = {np.round(full['h_corr_x'], 10).tolist()}, the same numbers in reverse order.")
    torch_check(full["torch_gap"], "T x against F.conv1d (kernel reversed, padding m − 1)")
    note_xc, note_gap = note002_star()
    course_note("Note 002 (*Multi-dimension convolution*) writes (K ∗ I)(i, j) for the commuted convolution "
                "Σ I(i−m, j−n) K(m, n) and, in the very next formula, for cross-correlation Σ I(i+m, j+n) K(m, n); "
                "only the first is a convolution and commutes (here ∗ is convolution, ⋆ cross-correlation). Its worked "
                "5×5 example cannot tell them apart: the "
                f"kernel [[0, 1], [1, 0]] is unchanged by a 180° flip, so both give {note_xc.astype(int).tolist()} "
                f"(max difference {note_gap:g}).")


# --- ISTA (note 001) ----------------------------------------------------------------------------

def ista() -> None:
    st.header("A CNN layer is one ISTA step (note 001)")
    st.markdown(
        "Note 001's *convolutional sparse coding*: a 1-D signal y is a sum of K short **atoms** φ_k placed by sparse, "
        "non-negative **codes** c_k, y ≈ Φ c = Σ_k φ_k ∗ c_k. Φ is the matrix of a convolution (K input channels, one "
        "output, padding m − 1), built like A above with torch's `conv1d`, which cross-correlates: so each atom "
        "enters Φ **reversed**, the note's model with the atoms read backwards. Φᵀ is the transposed convolution. ISTA minimises "
        "½‖y − Φc‖² + λ‖c‖₁ over c ≥ 0 by repeating one step, and that step **is a conv layer with a ReLU**:")
    st.latex(r"c \leftarrow \mathrm{ReLU}\big(c + \eta\,\Phi^\top(y - \Phi c) - \eta\lambda\big)"
             r" = \mathrm{ReLU}\big(\underbrace{\eta\Phi^\top}_{W_e} y + \underbrace{(I - \eta\Phi^\top\Phi)}_{S} c"
             r" \underbrace{- \eta\lambda}_{\text{bias}}\big), \qquad \eta = 1/\|\Phi\|_2^2")
    with section_settings():
        row = st.columns(6)
        controls = dict(k=int_control("Atoms K", "ista_k", 1, 3, 2, container=row[0]),
                        m=int_control("Atom length m", "ista_m", 1, 7, 3, container=row[1]),
                        n=int_control("Code length N", "ista_n", 2, 32, 16, container=row[2]),
                        steps=int_control("ISTA steps", "ista_steps", 1, 100, 20, container=row[3]),
                        lam=float_control("λ (sparsity)", "ista_lambda", 0.0, 5.0, 0.1, step=0.05, container=row[4]),
                        seed=int_control("Random seed (ISTA)", "ista_seed", 0, 9999, 0, container=row[5]))
    try:
        settings = IstaSettings(**controls)
        view = cached.ista_lesson(settings)
    except ValueError as error:
        show_problem(error)
        return
    run = view["run"]
    charts({"ista_fig_phi": view["phi_figure"], "ista_fig_phit": view["phit_figure"]})
    st.markdown(
        f"Φ is {view['matrix'].shape[0]} × {view['matrix'].shape[1]}: one Toeplitz block per atom, "
        f"{phi_column_sentence(view['phi'], view['matrix'], settings.n)} L = ‖Φ‖₂² = **{run.lipschitz:.6g}** "
        f"(numpy SVD; `torch.linalg.matrix_norm(ord=2)`² = "
        f"{view['lipschitz_torch']:.6g}), so η = 1/L = **{run.eta:.6g}** and the layer's bias is −ηλ = "
        f"**{-run.eta * settings.lam:.4g}**. W_e = ηΦᵀ is a transposed convolution; S = I − ηΦᵀΦ is the identity minus a "
        f"K → K convolution whose kernel (length 2m − 1 = {2 * settings.m - 1}) holds the atoms' cross-correlations.")
    charts({"ista_fig_curves": view["curves"], "ista_fig_signal": view["signal"]}, [2, 3])
    st.markdown(
        f"- Residual ‖y − Φc‖: **{run.residual[0]:.4g}** (c = 0) → **{run.residual[1]:.4g}** after one step → "
        f"**{run.residual[-1]:.4g}** after {settings.steps}; objective **{run.objective[0]:.4g}** → "
        f"**{run.objective[-1]:.4g}**. With η ≤ 1/L the objective never rises; the residual alone may (λ trades it for "
        "fewer codes).\n"
        f"- Step {settings.steps} computed five ways; max difference from the matrix form: "
        + "; ".join(f"{name} **{gap:.1e}**" for name, gap in view["gaps"].items()) + ".")
    wrong, right = view["first_step_gaps"]
    course_note(
        "Note 001 writes the first step (from c = 0) as S⁺_ηλ(ηΦ*y) = S⁺_λ(Φ*y); in fact S⁺_ηλ(ηz) = η·S⁺_λ(z), so the "
        f"two sides differ by up to **{wrong:.4g}** here (η = {run.eta:.4g}); max |S⁺_ηλ(ηΦᵀy) − η·S⁺_λ(Φᵀy)| = {right:.1e}.")
