"""Lesson: convolution as a matrix (notes 000, 001, 002): Toeplitz, Aᵀ, circulant and DFT, full convolution, im2col."""

import numpy as np
import streamlit as st

from convviz.conv import cross_correlate2d, output_shape
from convviz.lessons.examples import INPUT_PATTERNS, KERNEL_CHOICES
from convviz.matrix import (MAX_MATRIX_ENTRIES, NOTE002_IMAGE, NOTE002_KERNEL, block_layout, circulant_matrix,
                            circular_conv_torch, circular_convolve_fft, conv2d_parameter_count_torch, conv_layer_parameters,
                            conv_matrix_shape, convolution_sum, cross_correlation_sum, dft_diagonalisation_gap,
                            free_entries, human_bytes, is_block_diagonal, is_doubly_block_toeplitz, matched_eigenvalues,
                            output_padding_for, per_position_bias_parameters, same_full_valid_sizes, sparsity,
                            transpose_apply, unfold_torch, valid_part)
from convviz.figures.convolution_matrix import eigenvalue_figure, is_clickable
from convviz.torch_ref.checks import conv2d_torch, max_abs_difference
from convviz.transposed import conv_transpose2d_torch
from convviz.ui.cached_matrix import (PRESET_SIZES, PRESETS, cached_block_figures, cached_circulant_figure,
                                      cached_full_convolution, cached_grid_figures, cached_im2col,
                                      cached_im2col_figure, cached_ista, cached_matrix, cached_matrix_figure, cached_pattern,
                                      circulant_arrays, matrix_arrays)
from convviz.ui.downloads import code_download
from convviz.ui.layout import course_note, lesson_header, show_problem
from convviz.ui.stepping import step_control
from convviz.ui.params import choice_control, float_control, int_control
from convviz.ui.present import chart, presenting, settings_box

lesson_header(
    "Convolution as a matrix",
    "A convolution is linear, so it **is** a matrix: ravel the input into a vector x and the output is y = A x. "
    "Each **row** of A is one output cell's window (the kernel's weights where the window sits, zeros elsewhere); "
    "each **column** is one input cell and the outputs it feeds. Every row holds the same weights, shifted: "
    "a Toeplitz matrix in 1-D, block Toeplitz with Toeplitz blocks in 2-D.",
)


def take_click(chart_key: str, apply) -> None:
    """Apply a new click on a chart (its selection, read before the controls are drawn) once."""
    event = st.session_state.get(chart_key) or {}
    picked = tuple((event.get("selection") or {}).get("point_indices") or ())
    if picked and st.session_state.get(f"_{chart_key}_seen") != picked:
        apply(int(picked[0]))
    st.session_state[f"_{chart_key}_seen"] = picked


# --- Controls -------------------------------------------------------------------------------
with settings_box():
    top = st.columns(4)
    preset = choice_control("Preset", "mx_preset", PRESETS, "none", container=top[0])
    fixed = preset != "none"
    pattern = choice_control("Input values", "mx_input", INPUT_PATTERNS, "random", container=top[1])
    kernel_name = choice_control("Kernel", "mx_kernel", KERNEL_CHOICES, "random", container=top[2])
    seed = int_control("Random seed", "mx_seed", 0, 9999, 0, container=top[3])
    row = st.columns(4)
    c = int_control("Input channels C", "mx_c", 1, 3, 1, container=row[0], disabled=fixed)
    c_out = int_control("Output channels C_out", "mx_co", 1, 3, 1, container=row[1], disabled=fixed)
    h = int_control("Input height H", "mx_h", 1, 32, 4, container=row[2], disabled=fixed)
    w = int_control("Input width W", "mx_w", 1, 32, 4, container=row[3], disabled=fixed)
    row = st.columns(5)
    kh = int_control("Kernel height", "mx_kh", 1, 7, 3, container=row[0], disabled=fixed)
    kw = int_control("Kernel width", "mx_kw", 1, 7, 3, container=row[1], disabled=fixed)
    s = int_control("Stride s", "mx_s", 1, 4, 1, container=row[2], disabled=fixed)
    p = int_control("Padding p", "mx_p", 0, 4, 0, container=row[3], disabled=fixed)
    d = int_control("Dilation d", "mx_d", 1, 3, 1, container=row[4], disabled=fixed)
    labels = choice_control("Cells of A show", "mx_labels", {"values": "numbers", "symbols": "kernel entries w_ab"},
                            "values", horizontal=True)

if fixed:
    c, c_out, h, w, kh, kw, s, p, d = PRESET_SIZES[preset]
    st.info(f"{PRESETS[preset]}: the sizes are set by the preset (stride 1, no padding); choose *Your own settings* "
            "to change them. Show the cells as *kernel entries* to compare with the note's matrix.")
view = (preset, pattern, kernel_name, seed, c, c_out, h, w, kh, kw)
st.caption(f"To stay quick, this page builds A only up to {MAX_MATRIX_ENTRIES:,} entries ({human_bytes(8 * MAX_MATRIX_ENTRIES)} "
           "of float64); values are printed on its cells up to 24 × 48, and larger matrices are drawn as a picture.")

# --- Size of A ------------------------------------------------------------------------------
st.header("The size of A")
problem = None
try:
    x, kernel = matrix_arrays(*view)
    ho, wo = output_shape((h, w), (kh, kw), s, p, d)
    n_rows, n_cols = conv_matrix_shape((c, h, w), kernel.shape, s, p, d)
except ValueError as error:
    problem = error
if problem is not None:
    show_problem(problem)
else:
    st.latex(rf"A \in \mathbb{{R}}^{{(C_{{out}} H' W') \times (C H W)}} = "
             rf"\mathbb{{R}}^{{({c_out}\cdot{ho}\cdot{wo}) \times ({c}\cdot{h}\cdot{w})}} = \mathbb{{R}}^{{{n_rows} \times {n_cols}}}")
    st.markdown(f"Output {c_out}×{ho}×{wo} (H' = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1), input {c}×{h}×{w}; both raveled in reading "
                "order (channel, row, column), as `x.ravel()` does.")
    if n_rows * n_cols > MAX_MATRIX_ENTRIES:
        problem = ValueError(
            f"A would have {n_rows:,} × {n_cols:,} = {n_rows * n_cols:,} entries ({human_bytes(8 * n_rows * n_cols)} dense); "
            f"this page builds at most {MAX_MATRIX_ENTRIES:,}. Lower H, W or the number of channels; the storage "
            "numbers below are counted without building it.")
        show_problem(problem)
    info = sparsity((c, h, w), kernel.shape, s, p, d)
    cols = st.columns(5)
    cols[0].metric("non-zeros (nnz)", f"{info.nnz:,}")
    cols[1].metric("zeros", f"{100 * info.zero_fraction:.1f} %")
    cols[2].metric("dense A (float64)", human_bytes(info.dense_bytes))
    cols[3].metric("sparse A (CSR)", human_bytes(info.csr_bytes))
    cols[4].metric("the kernel itself", human_bytes(info.kernel_bytes))
    big = sparsity((64, 224, 224), (64, 64, 3, 3), 1, 1, 1)
    st.markdown(f"Each row holds at most C·kh·kw = {c * kh * kw} weights, whatever the image size, so for real images A is "
                f"almost all zeros and **nobody builds it**: a 64→64-channel 3×3 layer on a 224×224 image has a "
                f"{big.rows:,} × {big.cols:,} matrix, {human_bytes(big.dense_bytes)} dense and {human_bytes(big.csr_bytes)} "
                f"sparse, for {human_bytes(big.kernel_bytes)} of weights. The matrix is a way to *think*; the sliding window "
                "(or im2col below) is how it is computed.")

if problem is None:
    a_mat = cached_matrix(view, s, p, d)
    pattern_a = cached_pattern(view, s, p, d)
    y = cross_correlate2d(x, kernel, stride=s, padding=p, dilation=d)                 # (C_out, H', W')
    if preset == "note001":
        course_note("Note 001's matrix (printed as Aᵀ) ends its first column with w₃,₀, w₃,₁, w₃,₂, but a 3×3 kernel "
                    "has no row 3. Output 0's window covers input rows 0–2 only, so those entries (row 0 of A, input cells "
                    f"(3, 0), (3, 1), (3, 2)) are **{', '.join(f'{v:g}' for v in a_mat[0, 12:15])}**; the check of A x "
                    "against `F.conv2d` is below.")

    # --- The matrix and the two grids -----------------------------------------------------------
    st.header("Rows are windows, columns are input cells")
    st.markdown("Pick an **output cell** (a row of A, magenta) and an **input cell** (a column, green), with the sliders or "
                "by clicking a cell of A or of the grids. Note 000's *dependency by sparsity pattern*: A[i, j] ≠ 0 exactly when "
                "input j is inside output i's window.")
    take_click("mx_click_a", lambda k: st.session_state.update(mx_row=k // n_cols, mx_col=k % n_cols))
    take_click("mx_click_x", lambda k: st.session_state.update(mx_col=k))
    take_click("mx_click_y", lambda k: st.session_state.update(mx_row=k))
    pick = st.columns(2)
    with pick[0]:
        sel_row = step_control("Output cell = row of A (reading order)", "mx_row", n_rows)
    with pick[1]:
        sel_col = step_control("Input cell = column of A (reading order)", "mx_col", n_cols)
    o_, i_, j_ = np.unravel_index(sel_row, (c_out, ho, wo))
    c_, r_, q_ = np.unravel_index(sel_col, (c, h, w))

    fig_a = cached_matrix_figure(view, s, p, d, sel_row, sel_col, labels == "symbols")
    if is_clickable(a_mat.shape):
        chart(fig_a, key="mx_click_a", on_select="rerun", selection_mode="points")
    else:
        chart(fig_a, key="mx_fig_a")
    value = a_mat[sel_row, sel_col]
    linked = pattern_a[sel_row, sel_col]
    st.markdown(
        f"**A[{sel_row}, {sel_col}] = {value:g}**: output cell (channel {o_}, row {i_}, column {j_}) "
        + (f"reads input cell (channel {c_}, row {r_}, column {q_}) with weight w[{o_}, {c_}, "
           f"{(r_ + p - i_ * s) // d}, {(q_ + p - j_ * s) // d}]." if linked else
           f"does **not** read input cell (channel {c_}, row {r_}, column {q_}): it is outside the window.")
        + f" Thin lines split A into {ho}×{h} blocks of {wo}×{w} (one per output row and input row)"
        + (f"; thick lines split the {c_out}×{c} channel blocks, one per kernel slice w[o, c]." if c * c_out > 1 else "."))

    window = pattern_a[sel_row].reshape(c, h, w)                                       # (C, H, W) inputs read
    touched = pattern_a[:, sel_col].reshape(c_out, ho, wo)                             # (C_out, H', W') outputs fed
    grids = st.columns(2)
    x_fig, y_fig = cached_grid_figures(view, s, p, d, sel_row, sel_col)
    chart(x_fig, key="mx_click_x", on_select="rerun", selection_mode="points", container=grids[0])
    chart(y_fig, key="mx_click_y", on_select="rerun", selection_mode="points", container=grids[1])
    st.markdown(f"Output ({o_}, {i_}, {j_}) reads **{int(window.sum())}** input cells (its row of A has that many "
                f"structural non-zeros); input ({c_}, {r_}, {q_}) feeds **{int(touched.sum())}** outputs (its column). "
                "Cells near the border feed fewer outputs: with stride or dilation some inputs feed none (an empty column).")

    # --- Check against the convolution and torch ------------------------------------------------
    st.header("Check: A x is the convolution")
    ax = a_mat @ x.ravel()                                                             # (C_out·H'·W',)
    gap_np = max_abs_difference(ax, y.ravel())
    gap_torch = max_abs_difference(ax, conv2d_torch(x, kernel, None, s, p, d).ravel())
    st.markdown(f"max |A x − cross_correlate2d(x, w)| = **{gap_np:.1e}**; max |A x − `F.conv2d`| (float64) = "
                f"**{gap_torch:.1e}**. Column q of A is the convolution of the q-th unit vector (note 000: A e_j = A[:, j]), "
                "which is how this code builds A with torch:")
    code = (
        "import torch, torch.nn.functional as F\n"
        f"C, H, W = {c}, {h}, {w}\n"
        f"w = torch.tensor({kernel.tolist()}, dtype=torch.float64)\n"
        f"basis = torch.eye(C * H * W, dtype=torch.float64).view(-1, C, H, W)\n"
        f"A = F.conv2d(basis, w, stride={s}, padding={p}, dilation={d}).flatten(1).T   # ({n_rows}, {n_cols})\n"
        f"x = torch.tensor({x.tolist()}, dtype=torch.float64)\n"
        "print((A @ x.flatten()).tolist())")
    if not presenting():
        st.code(code, language="python")
        st.code(repr(ax.tolist()), language="text")
    code_download(code, "conv_matrix")

    # --- Block structure --------------------------------------------------------------------------
    st.header("Doubly block Toeplitz")
    layout = block_layout(h, kh, s, p, d)                                              # (H', H) kernel row or -1
    st.markdown(
        f"Cut A at the thin lines: block (i, r) links output row i to input row r. It is zero unless r = i·s + a·d − p for a "
        f"kernel row a, and then it is **T_a**, the {wo}×{w} 1-D matrix of kernel row a (note 000's banded matrix). "
        + ("With stride 1 the blocks repeat along diagonals (block Toeplitz) and each block is Toeplitz: **doubly block Toeplitz**."
           if s == 1 else f"With stride {s} each block row moves {s} blocks to the right, and inside a block each row moves {s} "
           "columns: Toeplitz rows sampled every s-th (a strided Toeplitz matrix)."))
    table = [{"": f"output row {i}", **{f"input row {r}": f"T{v}" if v >= 0 else "0" for r, v in enumerate(layout[i, :16])}}
             for i in range(min(ho, 16))]
    st.markdown(f"The blocks of the kernel slice w[0, 0]: note 000's 1-D banded matrices, one per kernel row "
                f"(`conv_matrix_1d(W, w[0, 0, a], stride, padding)`), each {wo}×{w}:")
    t_cols = st.columns(min(kh, 4))
    for a_row, t_fig in enumerate(cached_block_figures(view, s, p, d)):
        chart(t_fig, key=f"mx_fig_t{a_row}", container=t_cols[a_row])
    dbt = is_doubly_block_toeplitz(a_mat, (wo, w), (ho * wo, h * w))
    diagonal = is_block_diagonal(a_mat[: ho * wo, : h * w], (wo, w))
    course_note("Note 001 (*CNNs*) calls a convolution's weight matrix \"a fully-connected network with the block diagonal "
                f"structure\"; at stride 1 it is **doubly block Toeplitz**, not block diagonal. For this A: doubly block "
                f"Toeplitz = **{dbt}**, block diagonal = **{diagonal}** (only a kernel one row tall, without padding, gives "
                "a block-diagonal A" + (f"; stride {s} makes the blocks strided Toeplitz)." if s > 1 else ")."))
    st.markdown("Which block sits where (first 16 block rows and columns):")
    st.dataframe(table, hide_index=True, height=min(420, 38 + 35 * min(ho, 16)))
    if c * c_out > 1:
        st.markdown(f"With channels (note 001: *a CNN layer is one big matrix*), A is a {c_out}×{c} grid of such matrices: "
                    "block (o, c) is built from the kernel slice w[o, c] alone, and output channel o sums its row of blocks "
                    "(y_o = Σ_c A_oc x_c). A fully connected layer would fill every entry; the convolution shares "
                    f"{kernel.size} weights across all {n_rows * n_cols:,} entries: **{free_entries((c, h, w), kernel.shape, s, p, d)}** "
                    f"distinct weights appear in A, plus {c_out} biases, one per output channel.")
        sizes_h, sizes_w = same_full_valid_sizes(h, kh), same_full_valid_sizes(w, kw)
        course_note(
            f"Note 004's eq. (2) adds b_f,i,j, a bias per output cell; a conv layer has one bias per output channel, b_f: "
            f"its own count (1 + C_in H_ker W_ker) C_out = (1 + {c}·{kh}·{kw})·{c_out} = "
            f"**{conv_layer_parameters(c, c_out, kh, kw)}** is `nn.Conv2d`'s ({conv2d_parameter_count_torch(c, c_out, kh, kw)}), "
            f"while b_f,i,j would make {per_position_bias_parameters(c, c_out, kh, kw, ho, wo)}. And the map R^(C_in×H×W) → "
            f"R^(C_out×H×W) \"assuming full padding\" needs *same* padding ({sizes_h['same']}×{sizes_w['same']} out): "
            f"full padding (p = k − 1) gives {sizes_h['full']}×{sizes_w['full']}.")

    # --- A transposed ------------------------------------------------------------------------------
    st.header("Aᵀ is the transposed convolution")
    op = output_padding_for((c, h, w), kernel.shape, s, p, d)
    back = transpose_apply(y, kernel, (c, h, w), s, p, d)                              # (C, H, W)
    at_y = a_mat.T @ y.ravel()                                                         # (C·H·W,)
    gap_t = max_abs_difference(at_y, conv_transpose2d_torch(y, kernel, None, s, p, op, d).ravel())
    st.markdown(
        f"The same numbers, rows and columns swapped: Aᵀ maps a {c_out}×{ho}×{wo} input back to {c}×{h}×{w}. Row j of Aᵀ "
        "(input cell j of the convolution) gathers the values at exactly the outputs that cell fed, each times its weight; "
        "read by columns, each output value stamps the kernel onto the input grid: the scatter of the *Transposed "
        f"convolution* page, with the kernel in torch's transposed layout and `output_padding={op}` to land on {h}×{w}. "
        f"Here it is applied to y = A x: max |Aᵀ y − `F.conv_transpose2d`| (float64) = **{gap_t:.1e}**, and "
        f"max |Aᵀ y − convviz's conv_transpose2d| = **{max_abs_difference(at_y, back.ravel()):.1e}**. "
        "Note 000: if input j affects output i in the convolution, then input i affects output j in the transposed one. "
        "Aᵀ is not the inverse: Aᵀ A x ≠ x.")
    chart(cached_matrix_figure(view, s, p, d, sel_row, sel_col, labels == "symbols", True), key="mx_fig_at")

    # --- im2col ------------------------------------------------------------------------------------
    st.header("im2col: the convolution as one matrix product")
    cols_x = cached_im2col(view, s, p, d)                                              # (C·kh·kw, H'·W')
    w_mat = kernel.reshape(c_out, -1)                                                  # (C_out, C·kh·kw)
    gemm = w_mat @ cols_x                                                              # (C_out, H'·W')
    st.markdown(
        "Libraries rarely build A. They copy every window into a column (*im2col*, `F.unfold`) and multiply once by the "
        "kernel flattened into a row per output channel, a single dense matrix product (GEMM):")
    st.latex(rf"\underbrace{{W}}_{{{c_out} \times {w_mat.shape[1]}}}\;\underbrace{{\mathrm{{im2col}}(x)}}_{{{cols_x.shape[0]} "
             rf"\times {cols_x.shape[1]}}} = \underbrace{{Y}}_{{{c_out} \times {gemm.shape[1]}}}")
    st.markdown(
        f"max |W·im2col(x) − y| = **{max_abs_difference(gemm, y.reshape(c_out, -1)):.1e}**; max |im2col − `F.unfold`| = "
        f"**{max_abs_difference(cols_x, unfold_torch(x, (kh, kw), s, p, d)):.1e}**. The price is memory: im2col holds "
        f"{cols_x.size:,} numbers for an input of {x.size:,} (each input cell is copied into every window that reads it, up "
        f"to kh·kw = {kh * kw} times). Column {i_ * wo + j_} (magenta) is output ({i_}, {j_})'s window, the same numbers as "
        f"row {sel_row}'s non-zeros of A.")
    chart(cached_im2col_figure(view, s, p, d, i_ * wo + j_), key="mx_fig_cols")
else:
    st.warning("Fix the settings above to see the matrix; the circulant section below still works.",
               icon=":material/arrow_upward:")

# --- Circulant and DFT ----------------------------------------------------------------------
st.header("Wrap-around padding: a circulant matrix, diagonalised by the DFT")
st.markdown("Pad by **wrapping** the signal around (cell −1 is cell n−1) and every row of the 1-D matrix is the row above "
            "shifted one step, with nothing lost at the ends: a **circulant** matrix C. Its first column is the kernel "
            "zero-padded to length n, and the discrete Fourier transform diagonalises it: C = F⁻¹ diag(F w) F.")
row = st.columns(3)
n_c = int_control("Signal length n", "mx_n", 2, 32, 8, container=row[0])
k_c = int_control("1-D kernel length", "mx_k", 1, 7, 3, container=row[1])
if k_c > n_c:
    row[1].warning(f"The kernel ({k_c} taps) is longer than the signal ({n_c}); using {n_c} taps.", icon=":material/warning:")
    k_c = n_c
seed_c = int_control("Random seed (1-D)", "mx_seed1", 0, 9999, 0, container=row[2])
signal, kernel_1d = circulant_arrays(n_c, k_c, seed_c)
computed, dft, eig_gap = matched_eigenvalues(n_c, kernel_1d)
fft_y = circular_convolve_fft(signal, kernel_1d)
st.markdown(f"Kernel w = {kernel_1d.astype(int).tolist()}, signal x = {signal.astype(int).tolist()}.")
cols = st.columns([3, 2])
chart(cached_circulant_figure(n_c, k_c, seed_c), key="mx_fig_circ", container=cols[0])
chart(eigenvalue_figure(computed, dft), key="mx_fig_eig", container=cols[1])
c_mat = circulant_matrix(n_c, kernel_1d)
st.markdown(
    f"- Eigenvalues of C (numpy) vs the DFT of the zero-padded kernel: max distance **{eig_gap:.1e}**; "
    f"max |F C F⁻¹ − diag(F w)| = **{dft_diagonalisation_gap(n_c, kernel_1d):.1e}**.\n"
    f"- FFT multiply = circular convolution: max |ifft(fft(w)·fft(x)) − C x| = **{max_abs_difference(fft_y, c_mat @ signal):.1e}**; "
    f"torch (`F.conv1d` on x padded with mode='circular', kernel reversed) differs by "
    f"**{max_abs_difference(circular_conv_torch(signal, kernel_1d), c_mat @ signal):.1e}**.\n"
    "- C is a true convolution (kernel flipped), the signal-processing convention; torch's cross-correlation with "
    "circular padding is the same with the kernel reversed, and its eigenvalues are the complex conjugates (the same set).\n"
    "- Zero padding instead of wrapping drops the corner entries that wrap around (top right of C): the matrix is then "
    "Toeplitz but not circulant, and the DFT no longer diagonalises it exactly.")
if not presenting():
    st.code(repr(np.round(c_mat @ signal, 10).tolist()), language="text")

st.subheader("Without wrapping: note 002's full-convolution matrix")
full = cached_full_convolution(n_c, k_c, seed_c)
st.markdown(f"Pad with m − 1 = {k_c - 1} zeros on each side instead, and keep every partial overlap: y = h * x has "
            f"n + m − 1 = {n_c + k_c - 1} entries, and its matrix T is {n_c + k_c - 1} × {n_c}, with h₁ on the diagonal "
            "and each column the kernel shifted down one more row (note 002's Toeplitz matrix, h = the kernel above).")
chart(full["figure"], key="mx_fig_full")
st.markdown(
    f"- T x = {np.round(full['y'], 10).tolist()}; `np.convolve(h, x)` differs by **{full['numpy_gap']:.1e}**, and torch "
    f"(`F.conv1d`, kernel reversed, padding m − 1) by **{full['torch_gap']:.1e}**.\n"
    f"- Convolution commutes (note 002: K * I = I * K): the {n_c + k_c - 1} × {k_c} matrix of x applied to h gives the "
    f"same y, max |T_x h − T_h x| = **{full['commute_gap']:.1e}**.\n"
    f"- Cross-correlation does not: x ⋆ h = {np.round(full['x_corr_h'], 10).tolist()} but "
    f"h ⋆ x = {np.round(full['h_corr_x'], 10).tolist()}, the same numbers in reverse order.")
note_xc = cross_correlation_sum(NOTE002_IMAGE, NOTE002_KERNEL)
note_gap = np.abs(note_xc - valid_part(convolution_sum(NOTE002_IMAGE, NOTE002_KERNEL), NOTE002_KERNEL.shape)).max()
course_note("Note 002 (*Multi-dimension convolution*) writes (K ∗ I)(i, j) for the commuted convolution Σ I(i−m, j−n) K(m, n) "
            "and, in the very next formula, for cross-correlation Σ I(i+m, j+n) K(m, n); only the first is a convolution and commutes "
            "(here ∗ is convolution, ⋆ cross-correlation). Its worked 5×5 example cannot tell them apart: the kernel "
            f"[[0, 1], [1, 0]] is unchanged by a 180° flip, so both give {note_xc.astype(int).tolist()} "
            f"(max difference {note_gap:g}).")

# --- ISTA ------------------------------------------------------------------------------------
st.header("A CNN layer is one ISTA step (note 001)")
st.markdown(
    "Note 001's *convolutional sparse coding*: a 1-D signal y is a sum of K short **atoms** φ_k placed by sparse, "
    "non-negative **codes** c_k, y ≈ Φ c = Σ_k φ_k ∗ c_k. Φ is the matrix of a convolution (K input channels, one "
    "output, padding m − 1), built like A above; Φᵀ is the transposed convolution. ISTA minimises "
    "½‖y − Φc‖² + λ‖c‖₁ over c ≥ 0 by repeating one step, and that step **is a conv layer with a ReLU**:")
st.latex(r"c \leftarrow \mathrm{ReLU}\big(c + \eta\,\Phi^\top(y - \Phi c) - \eta\lambda\big)"
         r" = \mathrm{ReLU}\big(\underbrace{\eta\Phi^\top}_{W_e} y + \underbrace{(I - \eta\Phi^\top\Phi)}_{S} c"
         r" \underbrace{- \eta\lambda}_{\text{bias}}\big), \qquad \eta = 1/\|\Phi\|_2^2")
row = st.columns(6)
ista_k = int_control("Atoms K", "ista_k", 1, 3, 2, container=row[0])
ista_m = int_control("Atom length m", "ista_m", 1, 7, 3, container=row[1])
ista_n = int_control("Code length N", "ista_n", 2, 32, 16, container=row[2])
ista_steps = int_control("ISTA steps", "ista_steps", 1, 100, 20, container=row[3])
ista_lambda = float_control("λ (sparsity)", "ista_lambda", 0.0, 5.0, 0.1, step=0.05, container=row[4])
ista_seed = int_control("Random seed (ISTA)", "ista_seed", 0, 9999, 0, container=row[5])
try:
    ista = cached_ista(ista_k, ista_m, ista_n, ista_steps, ista_lambda, ista_seed)
except ValueError as error:
    show_problem(error)
else:
    run = ista["run"]
    cols = st.columns(2)
    chart(ista["phi_figure"], key="ista_fig_phi", container=cols[0])
    chart(ista["phit_figure"], key="ista_fig_phit", container=cols[1])
    st.markdown(
        f"Φ is {ista['matrix'].shape[0]} × {ista['matrix'].shape[1]}: one Toeplitz block per atom, each column the atom "
        f"shifted one cell. L = ‖Φ‖₂² = **{run.lipschitz:.6g}** (numpy SVD; `torch.linalg.matrix_norm(ord=2)`² = "
        f"{ista['lipschitz_torch']:.6g}), so η = 1/L = **{run.eta:.6g}** and the layer's bias is −ηλ = "
        f"**{-run.eta * ista_lambda:.4g}**. W_e = ηΦᵀ is a transposed convolution; S = I − ηΦᵀΦ is the identity minus a "
        f"K → K convolution whose kernel (length 2m − 1 = {2 * ista_m - 1}) holds the atoms' cross-correlations.")
    cols = st.columns([2, 3])
    chart(ista["curves"], key="ista_fig_curves", container=cols[0])
    chart(ista["signal"], key="ista_fig_signal", container=cols[1])
    st.markdown(
        f"- Residual ‖y − Φc‖: **{run.residual[0]:.4g}** (c = 0) → **{run.residual[1]:.4g}** after one step → "
        f"**{run.residual[-1]:.4g}** after {ista_steps}; objective **{run.objective[0]:.4g}** → **{run.objective[-1]:.4g}**. "
        "With η ≤ 1/L the objective never rises; the residual alone may (λ trades it for fewer codes).\n"
        f"- Step {ista_steps} computed five ways; max difference from the matrix form: "
        + "; ".join(f"{name} **{gap:.1e}**" for name, gap in ista["gaps"].items()) + ".")
    wrong, right = ista["first_step_gaps"]
    course_note(
        "Note 001 writes the first step (from c = 0) as S⁺_ηλ(ηΦ*y) = S⁺_λ(Φ*y); in fact S⁺_ηλ(ηz) = η·S⁺_λ(z), so the "
        f"two sides differ by up to **{wrong:.4g}** here (η = {run.eta:.4g}); max |S⁺_ηλ(ηΦᵀy) − η·S⁺_λ(Φᵀy)| = {right:.1e}.")
