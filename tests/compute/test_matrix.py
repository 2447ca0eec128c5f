"""convviz.matrix against torch float64: A x is F.conv2d, Aᵀ y is F.conv_transpose2d, the circulant is
diagonalised by the DFT, im2col is F.unfold; and note 001's 4×16 matrix, entry by entry."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convviz.arithmetic import output_padding_to_invert
from convviz.conv import cross_correlate2d
from convviz.matrix import (block_layout, circulant_matrix, circular_convolve_fft, conv_matrix, conv_matrix_1d,
                            conv_matrix_shape, dependency_pattern, dft_diagonalisation_gap, human_bytes, im2col,
                            is_toeplitz, matched_eigenvalues, output_padding_for, sparsity, tap_index, transpose_apply,
                            zero_pad_kernel)
from convviz.torch_ref.matrix import circular_conv_torch
from tests.strategies import conv_cases

T = lambda a: torch.from_numpy(np.ascontiguousarray(a))          # noqa: E731


@settings(max_examples=60, deadline=None)
@given(conv_cases(max_kernel=4, max_stride=3, max_padding=2, max_size=9, bias=False))
def test_matrix_times_x_is_torch_conv2d(case):
    x, w, s, p, d = case
    a = conv_matrix(x.shape, w, s, p, d)
    y = F.conv2d(T(x)[None], T(w), stride=s, padding=p, dilation=d)[0].numpy()            # (C_out, H', W')
    assert a.shape == (y.size, x.size) == conv_matrix_shape(x.shape, w.shape, s, p, d)
    np.testing.assert_allclose(a @ x.ravel(), y.ravel(), rtol=0, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(conv_cases(max_kernel=4, max_stride=3, max_padding=2, max_size=9, bias=False))
def test_transpose_times_y_is_torch_conv_transpose2d(case):
    x, w, s, p, d = case
    a = conv_matrix(x.shape, w, s, p, d)
    ho, wo = F.conv2d(T(x)[None], T(w), stride=s, padding=p, dilation=d).shape[2:]
    y = np.random.default_rng(0).standard_normal((w.shape[0], ho, wo))
    op = tuple(output_padding_to_invert(x.shape[1 + i], w.shape[2 + i], s[i], p[i], d[i]) for i in range(2))
    assert output_padding_for(x.shape, w.shape, s, p, d) == op
    back = F.conv_transpose2d(T(y)[None], T(w), stride=s, padding=p, output_padding=op, dilation=d)[0].numpy()
    assert back.shape == x.shape                                   # the output_padding restores the input shape
    np.testing.assert_allclose(a.T @ y.ravel(), back.ravel(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(transpose_apply(y, w, x.shape, s, p, d), back, rtol=0, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(conv_cases(max_kernel=4, max_stride=3, max_padding=2, max_size=9, bias=False))
def test_im2col_is_unfold_and_one_gemm_gives_the_output(case):
    x, w, s, p, d = case
    cols = im2col(x, w.shape[2:], s, p, d)                                                # (C·kh·kw, H'·W')
    unfold = F.unfold(T(x)[None], w.shape[2:], dilation=d, padding=p, stride=s)[0].numpy()
    np.testing.assert_array_equal(cols, unfold)
    y = F.conv2d(T(x)[None], T(w), stride=s, padding=p, dilation=d)[0].numpy()
    np.testing.assert_allclose(w.reshape(w.shape[0], -1) @ cols, y.reshape(w.shape[0], -1), rtol=0, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(conv_cases(max_kernel=4, max_stride=3, max_padding=2, max_size=9, bias=False))
def test_sparsity_counts_the_pattern_without_building_it(case):
    x, w, s, p, d = case
    pattern = dependency_pattern(x.shape, w.shape, s, p, d)
    info = sparsity(x.shape, w.shape, s, p, d)
    assert (info.rows, info.cols, info.nnz) == (*pattern.shape, int(pattern.sum()))
    assert info.kernel_bytes == 8 * w.size and info.dense_bytes == 8 * pattern.size
    assert info.csr_bytes == 12 * info.nnz + 4 * (info.rows + 1)
    # Note 000: A[i, j] != 0 exactly when input j is in output i's window; a zero weight keeps its link.
    w0 = w.copy()
    w0[..., 0, 0] = 0
    assert set(zip(*np.nonzero(conv_matrix(x.shape, w0, s, p, d)))) <= set(zip(*np.nonzero(pattern)))


def test_matrix_accepts_cross_correlate2d_kernel_shapes():
    rng = np.random.default_rng(3)
    x2, x3 = rng.standard_normal((5, 6)), rng.standard_normal((2, 5, 6))
    k2, k3 = rng.standard_normal((3, 2)), rng.standard_normal((2, 3, 2))
    np.testing.assert_allclose(conv_matrix(x2.shape, k2, 2, 1) @ x2.ravel(), cross_correlate2d(x2, k2, None, 2, 1).ravel())
    np.testing.assert_allclose(conv_matrix(x3.shape, k3, 1, 0, 2) @ x3.ravel(),
                               cross_correlate2d(x3, k3, None, 1, 0, 2).ravel())


def test_inputs_are_not_changed():
    w = np.arange(9.0).reshape(3, 3)
    keep = w.copy()
    conv_matrix((4, 4), w)
    im2col(np.ones((4, 4)), 3)
    circulant_matrix(5, w[0])
    np.testing.assert_array_equal(w, keep)


@pytest.mark.parametrize("call, message", [
    (lambda: conv_matrix((2, 2), np.ones((3, 3))), "no window fits"),
    (lambda: conv_matrix((2, 4, 4), np.ones((3, 3))), "needs a 2-D input"),
    (lambda: conv_matrix((2, 4, 4), np.ones((1, 3, 3, 3))), "input channels"),
    (lambda: conv_matrix((4,), np.ones((3, 3))), "input_shape must be"),
    (lambda: conv_matrix((0, 4), np.ones((1, 1))), "at least 1"),
    (lambda: conv_matrix((4, 4), np.ones((3, 3)), stride=0), "stride"),
    (lambda: circulant_matrix(2, [1, 2, 3]), "wrap onto itself"),
    (lambda: conv_matrix_1d(5, np.ones((2, 2))), "1-D kernel"),
    (lambda: im2col(np.ones((3, 3)), 5), "no window fits"),
])
def test_bad_arguments_say_why(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- 1-D: note 000's banded Toeplitz matrix ---------------------------------------------------


def test_note_000_banded_matrix():
    """Note 000, "Example: 1D transpose convolution": A is (n-f+1)×n with rows [w1 … wf] shifted one
    column each, and (Ax)_j = sum_i w_i x_{j+i-1}; its transpose is the transposed convolution."""
    w = np.array([1.0, 2.0, 3.0])
    a = conv_matrix_1d(6, w)
    assert a.shape == (4, 6) and is_toeplitz(a)
    for j in range(4):
        np.testing.assert_array_equal(a[j], np.r_[np.zeros(j), w, np.zeros(6 - 3 - j)])
    x = np.arange(6.0)
    np.testing.assert_allclose(a @ x, F.conv1d(T(x).view(1, 1, -1), T(w).view(1, 1, -1))[0, 0].numpy())
    y = np.array([1.0, -1.0, 2.0, 0.5])
    np.testing.assert_allclose(a.T @ y, F.conv_transpose1d(T(y).view(1, 1, -1), T(w).view(1, 1, -1))[0, 0].numpy())


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.integers(1, 5), st.integers(1, 3), st.integers(0, 2), st.integers(1, 2), st.integers(0, 99))
def test_1d_matrix_is_torch_conv1d(n, k, s, p, d, seed):
    assume(n + 2 * p >= d * (k - 1) + 1)
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(n), rng.standard_normal(k)
    expected = F.conv1d(T(x).view(1, 1, -1), T(w).view(1, 1, -1), stride=s, padding=p, dilation=d)[0, 0].numpy()
    np.testing.assert_allclose(conv_matrix_1d(n, w, s, p, d) @ x, expected, rtol=0, atol=1e-12)
    if s == 1 and d == 1:
        assert is_toeplitz(conv_matrix_1d(n, w, s, p))


# --- 2-D: note 001's 4×16 matrix and the doubly block Toeplitz structure ---------------------

# Note 001 ("Tutorial 12: Introduction to CNNs", slide "CNNs": "Each convolution's weight matrix is
# equivalent to a fully-connected network with the block diagonal structure"), 4×4 input, 3×3
# kernel, printed as a 16×4 matrix with ^T. Entries "ab" are w_{a,b}; "" is 0. Column 0's last three
# rows are printed as w_{3,0}, w_{3,1}, w_{3,2}: a typo (the kernel has no row 3); the true entries,
# by torch, are 0, as below.
NOTE_001_TRANSPOSED = [
    ["00", "", "", ""], ["01", "00", "", ""], ["02", "01", "", ""], ["", "02", "", ""],
    ["10", "", "00", ""], ["11", "10", "01", "00"], ["12", "11", "02", "01"], ["", "12", "", "02"],
    ["20", "", "10", ""], ["21", "20", "11", "10"], ["22", "21", "12", "11"], ["", "22", "", "12"],
    ["", "", "20", ""], ["", "", "21", "20"], ["", "", "22", "21"], ["", "", "", "22"],
]


def test_note_001_four_by_sixteen_matrix():
    w = np.arange(1.0, 10.0).reshape(3, 3)                        # distinct weights: w_ab = 3a + b + 1
    a = conv_matrix((4, 4), w)
    assert a.shape == (4, 16)
    expected = np.array([[w[int(e[0]), int(e[1])] if e else 0.0 for e in row] for row in NOTE_001_TRANSPOSED]).T
    np.testing.assert_array_equal(a, expected)
    # The same matrix from torch: column q is F.conv2d of the q-th unit vector (note 000, A e_j = A[:, j]).
    basis = torch.eye(16, dtype=torch.float64).view(16, 1, 4, 4)
    np.testing.assert_array_equal(F.conv2d(basis, T(w)[None, None]).flatten(1).T.numpy(), a)
    taps = tap_index((4, 4), (3, 3))
    assert taps[3, 15] == 8 and taps[0, 3] == -1 and (taps >= 0).sum() == 36
    # 36 non-zeros of 64 entries: 43.75 % zeros, 512 B dense for 72 B of weights.
    info = sparsity((4, 4), (3, 3))
    assert (info.nnz, info.zero_fraction, info.dense_bytes, info.kernel_bytes) == (36, 0.4375, 512, 72)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 7), st.integers(1, 7), st.integers(1, 3), st.integers(1, 3), st.integers(1, 2),
       st.integers(0, 2), st.integers(1, 2), st.integers(0, 99))
def test_blocks_are_the_1d_matrices_of_the_kernel_rows(h, wd, kh, kw, s, p, d, seed):
    """Doubly block Toeplitz: block (i, r) of A is conv_matrix_1d of kernel row a where r = i·s + a·d − p."""
    assume(h + 2 * p >= d * (kh - 1) + 1 and wd + 2 * p >= d * (kw - 1) + 1)
    w = np.random.default_rng(seed).standard_normal((kh, kw))
    a = conv_matrix((h, wd), w, s, p, d)
    layout = block_layout(h, kh, s, p, d)                         # (H', H)
    wo = a.shape[0] // layout.shape[0]
    for i, r in np.ndindex(layout.shape):
        block = a[i * wo : (i + 1) * wo, r * wd : (r + 1) * wd]
        expected = np.zeros_like(block) if layout[i, r] < 0 else conv_matrix_1d(wd, w[layout[i, r]], s, p, d)
        np.testing.assert_array_equal(block, expected)
    if s == 1:
        assert is_toeplitz(np.where(layout < 0, -1, layout))      # the blocks repeat along diagonals


def test_channels_make_a_grid_of_blocks():
    """Note 001: one CNN layer is one big matrix; block (o, c) is the matrix of the kernel slice w[o, c]."""
    rng = np.random.default_rng(7)
    w = rng.standard_normal((2, 3, 3, 3))
    a = conv_matrix((3, 5, 5), w, padding=1)
    for o in range(2):
        for c in range(3):
            block = a[o * 25 : (o + 1) * 25, c * 25 : (c + 1) * 25]
            np.testing.assert_array_equal(block, conv_matrix((5, 5), w[o, c], padding=1))


# --- Circulant and DFT --------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 24), st.integers(1, 6), st.integers(0, 999))
def test_circulant_is_diagonalised_by_the_dft(n, k, seed):
    assume(k <= n)
    rng = np.random.default_rng(seed)
    w, x = rng.standard_normal(k), rng.standard_normal(n)
    c = circulant_matrix(n, w)
    lam = np.fft.fft(zero_pad_kernel(n, w))
    # Eigenvector k is the Fourier mode exp(2πi jk/n), its eigenvalue the k-th DFT coefficient of the kernel.
    modes = np.exp(2j * np.pi * np.outer(np.arange(n), np.arange(n)) / n)            # (n, n), column k = mode k
    np.testing.assert_allclose(c @ modes, modes * lam[None], rtol=0, atol=1e-9)
    assert dft_diagonalisation_gap(n, w) < 1e-9
    assert matched_eigenvalues(n, w)[2] < 1e-8
    # FFT multiply = circular convolution = torch with circular padding and the reversed kernel.
    np.testing.assert_allclose(circular_convolve_fft(x, w), c @ x, rtol=0, atol=1e-10)
    np.testing.assert_allclose(circular_conv_torch(x, w), c @ x, rtol=0, atol=1e-10)


def test_circulant_is_the_toeplitz_matrix_plus_the_wrapped_corner():
    w = np.array([1.0, 2.0, 3.0])
    c = circulant_matrix(6, w)
    np.testing.assert_array_equal(c[:, 0], [1, 2, 3, 0, 0, 0])
    np.testing.assert_array_equal(c[0], [1, 0, 0, 0, 3, 2])
    # True convolution with full zero padding, then the last k-1 outputs wrapped onto the first.
    full = conv_matrix_1d(6, w[::-1], padding=2)                                        # (8, 6)
    np.testing.assert_array_equal(c, full[:6] + np.r_[full[6:], np.zeros((4, 6))])


def test_human_bytes():
    assert [human_bytes(v) for v in (72, 512, 4500, 8_000_000, 82_497_700_000_000)] == \
        ["72 B", "512 B", "4.5 kB", "8.0 MB", "82.5 TB"]


# --- Figures ----------------------------------------------------------------------------------


def test_small_matrix_is_a_clickable_heatmap_with_values_and_row_0_on_top():
    from convviz.figures.convolution_matrix import matrix_figure

    a = conv_matrix((4, 4), np.arange(1.0, 10.0).reshape(3, 3))
    fig = matrix_figure(a, block=(2, 4), outer=(4, 16), row=1, col=6, structure=dependency_pattern((4, 4), (3, 3)))
    heat, clicks = fig.data
    assert heat.type == "heatmap" and clicks.type == "scatter" and len(clicks.x) == a.size
    assert list(fig.layout.yaxis.range) == [3.5, -0.5]                      # row 0 at the top, no padding
    assert heat.text[0][0] == "1" and heat.text[0][3] == ""                 # structural zeros are blank
    assert np.isnan(np.asarray(heat.z, dtype=float)[0, 3])                  # and drawn as background
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 1 + 3                                               # 2 block rows, 4 block columns


def test_dense_heatmaps_drop_numbers_below_a_legible_cell_and_hover_keeps_them():
    """Issue 33: Φ (18×32) in half a column had overlapping numbers. A cell too small for its longest label prints
    none; the hover template still gives every value; a small matrix keeps its numbers."""
    from convviz.figures.convolution_matrix import HALF_WIDTH_PX, cell_px, legible, matrix_figure
    from convviz.lessons.convolution_matrix import IstaSettings, ista_lesson

    view = ista_lesson(IstaSettings())
    assert view["matrix"].shape == (18, 32)
    for fig in (view["phi_figure"], view["phit_figure"]):
        assert fig.data[0].text is None and fig.data[0].texttemplate is None
        assert "%{z}" in fig.data[0].hovertemplate
    phi = view["phi_figure"]
    assert cell_px((18, 32), phi.layout.height, HALF_WIDTH_PX) < 16 <= cell_px((4, 16), 300)
    assert not legible([["-0.25"]], 20) and legible([["-0.25"]], 42) and legible([["1"]], 16) and not legible([["1"]], 15)
    a = conv_matrix((4, 4), np.arange(1.0, 10.0).reshape(3, 3))             # 4×16: numbers at a full column …
    assert matrix_figure(a).data[0].text is not None
    narrow = matrix_figure(a, width_px=250)                                  # … none in a quarter of one
    assert narrow.data[0].text is None and "%{z}" in narrow.data[0].hovertemplate

def test_large_matrix_is_a_downsampled_picture_that_keeps_the_pattern():
    from convviz.figures.convolution_matrix import downsample_max_abs, matrix_figure

    z = np.zeros((5, 5))
    z[0, 1], z[1, 0], z[4, 4] = -3.0, 2.0, 1.0
    np.testing.assert_array_equal(downsample_max_abs(z, 2), [[-3, 0, 0], [0, 0, 0], [0, 0, 1]])
    a = conv_matrix((24, 24), np.ones((3, 3)), padding=1)                    # 576 × 576
    fig = matrix_figure(a, block=(24, 24), outer=a.shape)
    assert [t.type for t in fig.data] == ["image"]
    assert fig.data[0].source.startswith("data:image/png;base64,")


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 12), m=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_full_convolution_matrix_is_note_002s_toeplitz(n, m, seed):
    """(n+m−1)×n, h₁ on the diagonal, T x = np.convolve(h, x) = F.conv1d(x, reversed h, padding m−1); commutes."""
    from convviz.matrix import full_convolution_matrix
    from convviz.torch_ref.checks import full_convolution_torch

    rng = np.random.default_rng(seed)
    h, x = rng.normal(size=m), rng.normal(size=n)
    t = full_convolution_matrix(n, h)
    assert t.shape == (n + m - 1, n)
    np.testing.assert_array_equal(np.diag(t), np.full(min(n, n + m - 1), h[0]))
    for j in range(n):
        np.testing.assert_array_equal(t[j:j + m, j], h)
        assert not t[:j, j].any() and not t[j + m:, j].any()
    np.testing.assert_allclose(t @ x, np.convolve(h, x), atol=1e-12)
    np.testing.assert_allclose(t @ x, full_convolution_torch(x, h), atol=1e-12)
    np.testing.assert_allclose(full_convolution_matrix(m, x) @ h, t @ x, atol=1e-12)   # K * I = I * K


# --- Structure (note 001's "block diagonal" is doubly block Toeplitz), note 004's layer, note 002's sums ---

from convviz.matrix import (NOTE002_IMAGE, NOTE002_KERNEL, conv_layer_parameters, convolution_sum,  # noqa: E402
                            convolution_sum_commuted, cross_correlation_sum, free_entries, is_block_diagonal,
                            is_doubly_block_toeplitz, per_position_bias_parameters, same_full_valid_sizes, valid_part)


def test_note001_matrix_is_doubly_block_toeplitz_not_block_diagonal():
    """Note 001 ("CNNs"): "equivalent to a fully-connected network with the block diagonal structure".
    Its own 4×16 matrix (4×4 input, 3×3 kernel) is block Toeplitz with Toeplitz 2×4 blocks, and not block diagonal."""
    a = conv_matrix((4, 4), np.arange(1.0, 10.0).reshape(3, 3))
    assert is_doubly_block_toeplitz(a, (2, 4))
    assert not is_block_diagonal(a, (2, 4))
    b = a.reshape(2, 2, 4, 4).transpose(0, 2, 1, 3)                  # (block row, block col, 2, 4)
    assert np.count_nonzero(np.abs(b).sum(axis=(2, 3))) == 6          # 3 non-zero blocks per block row


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 6), st.integers(1, 6), st.integers(1, 4), st.integers(1, 4),
       st.integers(0, 2), st.integers(0, 10_000))
def test_every_stride1_conv_matrix_is_doubly_block_toeplitz(c, co, h, w, kh, kw, p, seed):
    assume(h + 2 * p >= kh and w + 2 * p >= kw)
    wt = np.random.default_rng(seed).standard_normal((co, c, kh, kw))
    a = conv_matrix((c, h, w), wt, 1, p)
    ho, wo = h + 2 * p - kh + 1, w + 2 * p - kw + 1
    assert is_doubly_block_toeplitz(a, (wo, w), (ho * wo, h * w))
    # Block diagonal exactly when output row i reads input row i only (block_layout off its diagonal is empty):
    # with kh = 1 and no padding; never when the kernel spans two rows of a taller input.
    layout = block_layout(h, kh, 1, p)
    diagonal = is_block_diagonal(a[: ho * wo, : h * w], (wo, w))
    assert diagonal == bool((layout[~np.eye(*layout.shape, dtype=bool)] < 0).all())
    if kh == 1 and p == 0:
        assert diagonal
    if kh > 1 and h > 1:
        assert not diagonal


def test_structure_checks_can_fail():
    rng = np.random.default_rng(0)
    assert not is_doubly_block_toeplitz(rng.standard_normal((4, 16)), (2, 4))
    a = conv_matrix((4, 4), rng.standard_normal((3, 3)))
    a[1, 2] += 1.0                                                    # one entry off breaks a Toeplitz block
    assert not is_doubly_block_toeplitz(a, (2, 4))
    assert is_block_diagonal(np.kron(np.eye(2), np.ones((2, 3))), (2, 3))
    with pytest.raises(ValueError, match="do not tile"):
        is_block_diagonal(np.ones((4, 16)), (3, 4))


@pytest.mark.parametrize("k", range(1, 8))
def test_same_and_full_padding_sizes_against_torch(k):
    """Note 004 eq. (3) keeps H × W: that is "same" padding; "full" padding (p = k − 1) gives H + k − 1."""
    x = torch.zeros(1, 1, 9, 9, dtype=torch.float64)
    wt = torch.zeros(1, 1, k, k, dtype=torch.float64)
    sizes = same_full_valid_sizes(9, k)
    assert F.conv2d(x, wt, padding="same").shape[-1] == sizes["same"] == 9
    assert F.conv2d(x, wt, padding=k - 1).shape[-1] == sizes["full"] == 9 + k - 1
    assert F.conv2d(x, wt).shape[-1] == sizes["valid"]
    assert "valid" not in same_full_valid_sizes(2, 3)


@pytest.mark.parametrize("c_in, c_out, kh, kw", [(2, 2, 3, 3), (1, 1, 3, 3), (3, 64, 3, 3), (64, 64, 3, 3), (3, 5, 2, 4)])
def test_parameter_count_is_nn_conv2d(c_in, c_out, kh, kw):
    """Note 004: (1 + C_in H_ker W_ker) C_out, one bias per output channel (nn.Conv2d's bias is (C_out,))."""
    layer = torch.nn.Conv2d(c_in, c_out, (kh, kw))
    assert layer.bias.shape == (c_out,)
    assert conv_layer_parameters(c_in, c_out, kh, kw) == sum(t.numel() for t in layer.parameters())
    assert per_position_bias_parameters(c_in, c_out, kh, kw, 4, 4) == layer.weight.numel() + c_out * 16


def test_free_entries_of_a_is_the_rank_of_its_jacobian_in_w():
    """A depends on the weights through C_out·C·kh·kw free numbers: the rank of ∂A/∂w (torch autograd)."""
    shape, kshape = (2, 4, 4), (2, 2, 3, 3)
    basis = torch.eye(32, dtype=torch.float64).view(32, 2, 4, 4)
    jac = torch.autograd.functional.jacobian(lambda wt: F.conv2d(basis, wt).flatten(1).T,
                                             torch.zeros(kshape, dtype=torch.float64))     # (8, 32, 2, 2, 3, 3)
    assert free_entries(shape, kshape) == int(torch.linalg.matrix_rank(jac.reshape(8 * 32, 36))) == 36
    assert free_entries((1, 1), (3, 3), padding=1) == 1               # a 1×1 input meets only the centre tap


def test_note002_formulas_as_printed():
    """Note 002 ("Multi-dimension convolution"): Σ I(m, n)K(i−m, j−n) and its commuted form Σ I(i−m, j−n)K(m, n) are
    the same true convolution; Σ I(i+m, j+n)K(m, n), also written K ∗ I there, is cross-correlation (F.conv2d)."""
    rng = np.random.default_rng(3)
    img, ker = rng.standard_normal((5, 6)), rng.standard_normal((2, 3))
    full = convolution_sum(img, ker)
    np.testing.assert_allclose(convolution_sum_commuted(img, ker), full, atol=1e-12)
    flipped = torch.from_numpy(ker[::-1, ::-1].copy())[None, None]
    np.testing.assert_allclose(full, F.conv2d(T(img)[None, None], flipped, padding=(1, 2))[0, 0], atol=1e-12)
    np.testing.assert_allclose(cross_correlation_sum(img, ker), F.conv2d(T(img)[None, None], T(ker)[None, None])[0, 0],
                               atol=1e-12)
    assert np.abs(cross_correlation_sum(img, ker) - valid_part(full, ker.shape)).max() > 0.1   # not the same
    # The note's worked example: [[0, 1], [1, 0]] is unchanged by a 180° flip, so both give the same 4×4.
    xc = cross_correlation_sum(NOTE002_IMAGE, NOTE002_KERNEL)
    np.testing.assert_array_equal(xc, valid_part(convolution_sum(NOTE002_IMAGE, NOTE002_KERNEL), (2, 2)))
    np.testing.assert_array_equal(xc, [[3, 7, 9, 4], [7, 0, 5, 6], [0, 8, 3, 3], [5, 5, 2, 1]])
