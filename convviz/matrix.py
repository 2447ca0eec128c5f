"""Convolution as a matrix: (doubly block) Toeplitz, its transpose, circulant and im2col.

Notes 000 ("Linear operator ≅ matrix", "Dependency by sparsity pattern") and 001 ("CNNs": a
4×4 input and a 3×3 kernel give a 4×16 matrix). A convolution is linear, so y = A x with x and
y raveled in numpy's reading order (channel, row, column):

    A[(o, i, j), (c, r, q)] = w[o, c, a, b]   where  r = i·s_h + a·d_h - p_h,  q = j·s_w + b·d_w - p_w

In 1-D A is Toeplitz (constant along diagonals, stride 1); in 2-D it is block Toeplitz with
Toeplitz blocks (block (i, r) is the 1-D matrix of kernel row a); across channels it is a
C_out × C grid of such matrices, one per kernel slice w[o, c]. Aᵀ is the transposed
convolution. With wrap-around ("circular") padding the matrix is circulant and the DFT
diagonalises it. im2col writes every window as a column, so the convolution is one GEMM.
Checked against torch float64 in tests/compute/test_matrix.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz.arithmetic import output_padding_to_invert
from convviz.conv import as_kernel, as_pair, output_shape
from convviz.transposed import conv_transpose2d

MAX_MATRIX_ENTRIES = 1024 * 1024   # the page builds A densely: 8.4 MB of float64 at most (a 32×32 same-padded input)


def _shapes(input_shape, w):
    """(C, H, W) and w as (C_out, C, kh, kw) float64, plus whether y has one map (squeeze)."""
    shape = tuple(int(v) for v in input_shape)
    if len(shape) == 2:
        shape = (1,) + shape
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (H, W) or (C, H, W), got {tuple(input_shape)}.")
    if min(shape) < 1:
        raise ValueError(f"Every input size must be at least 1, got {shape}.")
    w, squeeze = as_kernel(w, shape[0])
    return shape, w, squeeze


def conv_matrix_shape(input_shape, kernel_shape, stride=1, padding=0, dilation=1) -> tuple[int, int]:
    """(rows, columns) of A = (C_out·H'·W', C·H·W), without building it (raises like conv_output_size).

    kernel_shape is w.shape: (kh, kw), (C, kh, kw) or (C_out, C, kh, kw).
    """
    (c, h, wd), w, _ = _shapes(input_shape, np.zeros(kernel_shape))
    ho, wo = output_shape((h, wd), w.shape[2:], stride, padding, dilation)
    return w.shape[0] * ho * wo, c * h * wd


def conv_matrix(input_shape, w, stride=1, padding=0, dilation=1) -> np.ndarray:
    """The matrix A of cross_correlate2d: A @ x.ravel() == cross_correlate2d(x, w, ...).ravel().

    input_shape: (H, W) or (C, H, W); w as in cross_correlate2d. A is (C_out·H'·W', C·H·W)
    (C_out = 1 for a (kh, kw) or (C, kh, kw) kernel). Padding cells are zeros, so they have no
    column: a window that hangs over the border simply has fewer entries in its row. Aᵀ is the
    transposed convolution with the output_padding that restores the input shape.

    >>> conv_matrix((4, 4), np.ones((3, 3))).shape   # note 001's 4×16
    (4, 16)
    """
    (c, h, wd), w4, _ = _shapes(input_shape, w)
    (sh, sw), (ph, pw), (dh, dw) = as_pair(stride, "stride"), as_pair(padding, "padding"), as_pair(dilation, "dilation")
    c_out, _, kh, kw = w4.shape
    ho, wo = output_shape((h, wd), (kh, kw), (sh, sw), (ph, pw), (dh, dw))
    a_mat = np.zeros((c_out * ho * wo, c * h * wd))
    i, j = np.mgrid[0:ho, 0:wo]                                          # (H', W') output positions
    for a in range(kh):
        r = i * sh + a * dh - ph                                         # (H', W') input rows read by tap a
        for b in range(kw):
            q = j * sw + b * dw - pw                                     # (H', W') input columns
            inside = (r >= 0) & (r < h) & (q >= 0) & (q < wd)            # padding taps have no column
            out_idx = (i * wo + j)[inside]                               # (n,)
            in_idx = (r * wd + q)[inside]                                # (n,)
            for o in range(c_out):
                for ch in range(c):
                    a_mat[o * ho * wo + out_idx, ch * h * wd + in_idx] = w4[o, ch, a, b]
    return a_mat


def conv_matrix_1d(n: int, w, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """Note 000's banded Toeplitz matrix of a 1-D cross-correlation: (A x)_j = sum_t w_t x_{j·s + t·d - p}.

    A is (o, n) with o = floor((n + 2p - d(k-1) - 1)/s) + 1; row j holds w starting at column
    j·s - p. With s = 1 every diagonal is constant (Toeplitz).

    >>> conv_matrix_1d(5, [1, 2, 3])
    array([[1., 2., 3., 0., 0.],
           [0., 1., 2., 3., 0.],
           [0., 0., 1., 2., 3.]])
    """
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 1:
        raise ValueError(f"w must be a 1-D kernel, got shape {w.shape}.")
    return conv_matrix((1, n), w[None], stride=(1, stride), padding=(0, padding), dilation=(1, dilation))


def full_convolution_matrix(n: int, h) -> np.ndarray:
    """Note 002's Toeplitz matrix of the full 1-D convolution y = h * x: (n + m − 1) × n, T[i, j] = h[i − j].

    Column j is h shifted down by j (h_1 on the diagonal, h_m at the bottom of the band), so
    T @ x == np.convolve(h, x) ("full" mode) == cross-correlation with the reversed h and m − 1
    zeros padded on each side. Convolution commutes: full_convolution_matrix(m, x) @ h gives the same y.
    """
    h = np.asarray(h, dtype=np.float64)
    if h.ndim != 1 or h.size < 1:
        raise ValueError(f"h must be a non-empty 1-D kernel, got shape {h.shape}.")
    return conv_matrix_1d(n, h[::-1], padding=h.size - 1)


def circulant_matrix(n: int, w) -> np.ndarray:
    """The n×n circulant matrix of circular ("wrap") convolution with w: C[i, q] = w_pad[(i - q) mod n].

    Its first column is the kernel zero-padded to n, so C = F⁻¹ diag(F w_pad) F: its
    eigenvalues are the DFT of the zero-padded kernel (eigenvector k is exp(2πi·jk/n)), and
    C @ x == ifft(fft(w_pad) · fft(x)). This is a true (flipped) convolution: the cross-correlation
    torch computes with padding_mode="circular" uses the reversed kernel, with the same eigenvalues
    conjugated.
    """
    n = int(n)
    w = np.asarray(w, dtype=np.float64).ravel()
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}.")
    if w.size > n:
        raise ValueError(f"The kernel has {w.size} taps but the signal only {n}: it would wrap onto itself.")
    w_pad = zero_pad_kernel(n, w)
    rows, cols = np.indices((n, n))
    return w_pad[(rows - cols) % n]                                      # (n, n)


def zero_pad_kernel(n: int, w) -> np.ndarray:
    """w followed by zeros up to length n (the first column of the circulant)."""
    w = np.asarray(w, dtype=np.float64).ravel()
    out = np.zeros(int(n))
    out[: w.size] = w
    return out


def circular_convolve_fft(x, w) -> np.ndarray:
    """Circular convolution by the convolution theorem: ifft(fft(w_pad) · fft(x)), real part."""
    x = np.asarray(x, dtype=np.float64).ravel()
    return np.fft.ifft(np.fft.fft(zero_pad_kernel(x.size, w)) * np.fft.fft(x)).real


def im2col(x, kernel_size, stride=1, padding=0, dilation=1) -> np.ndarray:
    """The patch matrix: column (i, j) is the (zero-padded) window that output (i, j) reads.

    x (H, W) or (C, H, W) -> (C·kh·kw, H'·W'), rows ordered (c, a, b) like w.reshape(C_out, -1)
    and like torch's F.unfold. Then w.reshape(C_out, -1) @ im2col(x, ...) is the output
    (C_out, H'·W'): the whole convolution as one matrix product (GEMM).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2:
        x = x[None]                                                      # (1, H, W)
    elif x.ndim != 3:
        raise ValueError(f"x must be (H, W) or (C, H, W), got shape {x.shape}.")
    (kh, kw), (sh, sw) = as_pair(kernel_size, "kernel_size"), as_pair(stride, "stride")
    (ph, pw), (dh, dw) = as_pair(padding, "padding"), as_pair(dilation, "dilation")
    c = x.shape[0]
    ho, wo = output_shape(x.shape[1:], (kh, kw), (sh, sw), (ph, pw), (dh, dw))
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))                         # (C, H+2ph, W+2pw)
    cols = np.empty((c, kh, kw, ho, wo))
    for a in range(kh):
        for b in range(kw):
            cols[:, a, b] = xp[:, a * dh : a * dh + (ho - 1) * sh + 1 : sh,
                               b * dw : b * dw + (wo - 1) * sw + 1 : sw]      # (C, H', W')
    return cols.reshape(c * kh * kw, ho * wo)                            # (C·kh·kw, H'·W')


# --- Reading the matrix --------------------------------------------------------------------


def dependency_pattern(input_shape, kernel_shape, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Note 000's sparsity pattern: True where output row depends on input column (any kernel).

    Built with an all-ones kernel, so a weight that happens to be 0 still counts as a link.
    """
    return conv_matrix(input_shape, np.ones(kernel_shape), stride, padding, dilation) != 0


def tap_index(input_shape, kernel_shape, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Which kernel entry fills each cell of A: flat index into w (int), -1 where A is 0 by structure."""
    size = int(np.prod(kernel_shape))
    ids = np.arange(1, size + 1, dtype=np.float64).reshape(kernel_shape)
    return conv_matrix(input_shape, ids, stride, padding, dilation).astype(np.int64) - 1


def output_padding_for(input_shape, kernel_shape, stride=1, padding=0, dilation=1) -> tuple[int, int]:
    """The output_padding with which conv_transpose2d(y) has the input's (H, W): Aᵀ's shape."""
    (_, h, wd), w4, _ = _shapes(input_shape, np.zeros(kernel_shape))
    s, p, d = as_pair(stride), as_pair(padding), as_pair(dilation)
    return (output_padding_to_invert(h, w4.shape[2], s[0], p[0], d[0]),
            output_padding_to_invert(wd, w4.shape[3], s[1], p[1], d[1]))


def transpose_apply(y, w, input_shape, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Aᵀ y by conv_transpose2d (convviz.transposed), shaped like the input: (H, W) or (C, H, W).

    The conv weight (C_out, C, kh, kw) is already in torch's transposed layout (C_in', C_out'):
    the same numbers, with the roles of the channel axes swapped.
    """
    shape, w4, _ = _shapes(input_shape, w)
    a = output_padding_for(input_shape, w4.shape, stride, padding, dilation)
    c_out = w4.shape[0]
    ho, wo = output_shape(shape[1:], w4.shape[2:], stride, padding, dilation)
    y = np.asarray(y, dtype=np.float64).reshape(c_out, ho, wo)            # (C_out, H', W')
    x = conv_transpose2d(y, w4, stride=stride, padding=padding, output_padding=a, dilation=dilation)  # (C, H, W)
    return x.reshape(tuple(int(v) for v in input_shape))


@dataclass(frozen=True)
class Sparsity:
    """How empty A is, and what storing it costs (float64 values, int32 indices as in scipy CSR)."""
    rows: int
    cols: int
    nnz: int                 # non-zeros by structure (a weight equal to 0 still counts)
    kernel_size: int         # number of weights in w

    @property
    def entries(self) -> int:
        return self.rows * self.cols

    @property
    def zero_fraction(self) -> float:
        return 1 - self.nnz / self.entries

    @property
    def dense_bytes(self) -> int:
        return 8 * self.entries

    @property
    def csr_bytes(self) -> int:
        """values (8 B) + column indices (4 B) per non-zero, plus rows + 1 row pointers (4 B)."""
        return 12 * self.nnz + 4 * (self.rows + 1)

    @property
    def kernel_bytes(self) -> int:
        return 8 * self.kernel_size


def sparsity(input_shape, kernel_shape, stride=1, padding=0, dilation=1) -> Sparsity:
    """Shape, structural non-zeros and storage of A, counted without building it."""
    (c, h, wd), w4, _ = _shapes(input_shape, np.zeros(kernel_shape))
    s, p, d = as_pair(stride), as_pair(padding), as_pair(dilation)
    c_out, _, kh, kw = w4.shape
    per_axis = []
    for n, k, si, pi, di in [(h, kh, s[0], p[0], d[0]), (wd, kw, s[1], p[1], d[1])]:
        o = output_shape((n, n), (k, k), si, pi, di)[0]
        taps = np.arange(o)[:, None] * si + np.arange(k)[None] * di - pi       # (o, k) input index per tap
        per_axis.append((o, int(((taps >= 0) & (taps < n)).sum())))        # taps inside the input
    (ho, nh), (wo, nw) = per_axis
    return Sparsity(rows=c_out * ho * wo, cols=c * h * wd, nnz=c_out * c * nh * nw, kernel_size=int(w4.size))


def human_bytes(n: int) -> str:
    """1234 -> '1.2 kB' (powers of 1000, as disks and networks count)."""
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def dft_diagonalisation_gap(n: int, w) -> float:
    """max |F C F⁻¹ - diag(fft(w_pad))|: how far the DFT is from diagonalising the circulant (≈ 1e-15)."""
    c = circulant_matrix(n, w)
    f = np.fft.fft(np.eye(n), axis=0)                                    # (n, n) DFT matrix: F @ x == fft(x)
    d = f @ c @ np.linalg.inv(f)
    return float(np.abs(d - np.diag(np.fft.fft(zero_pad_kernel(n, w)))).max())


def circular_cross_correlation_matrix(n: int, w, left: int) -> np.ndarray:
    """The n×n matrix of torch's circular cross-correlation: F.conv1d(F.pad(x, (left, k − 1 − left),
    mode="circular"), w), i.e. M[i, (i − left + t) mod n] += w[t].

    left = k − 1 with w reversed gives circulant_matrix(n, w) exactly; left = 0 with w as stored gives
    its transpose. Every other alignment is a circular shift of one of those outputs.
    """
    w = np.asarray(w, dtype=np.float64).ravel()
    if not 0 <= left <= w.size - 1:
        raise ValueError(f"The left padding must be 0 … {w.size - 1} (kernel of {w.size} taps), got {left}.")
    if w.size > n:
        raise ValueError(f"The kernel has {w.size} taps but the signal only {n}: it would wrap onto itself.")
    m = np.zeros((n, n))
    for i in range(n):
        for t, value in enumerate(w):
            m[i, (i - left + t) % n] += value
    return m


def eigenvalue_set_distance(a, b) -> float:
    """The largest distance after pairing each eigenvalue of a with its nearest unpaired one of b (greedy;
    0 up to rounding when the two matrices have the same set of eigenvalues)."""
    left = list(np.linalg.eigvals(np.asarray(b, dtype=np.float64)))
    gap = 0.0
    for lam in np.linalg.eigvals(np.asarray(a, dtype=np.float64)):
        k = min(range(len(left)), key=lambda t: abs(left[t] - lam))
        gap = max(gap, abs(left.pop(k) - lam))
    return float(gap)


def matched_eigenvalues(n: int, w) -> tuple[np.ndarray, np.ndarray, float]:
    """(eigvals of the circulant by numpy, DFT of the zero-padded kernel, largest distance after
    pairing each eigenvalue with its nearest DFT value)."""
    computed = np.linalg.eigvals(circulant_matrix(n, w))
    dft = np.fft.fft(zero_pad_kernel(n, w))
    left = list(range(n))
    gap = 0.0
    for lam in computed:                                                 # greedy nearest pairing, n ≤ 64
        k = min(left, key=lambda t: abs(dft[t] - lam))
        gap = max(gap, abs(dft[k] - lam))
        left.remove(k)
    return computed, dft, float(gap)


def block_layout(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """Which kernel row fills each block of the doubly block Toeplitz matrix: (o, n) ints, -1 = zero block.

    Block (i, r) of A (output row i, input row r) is the 1-D matrix of kernel row a, where
    r = i·s + a·d - p. With s = 1 the layout is constant along diagonals: Toeplitz in the blocks.
    """
    o = output_shape((n, n), (k, k), stride, padding, dilation)[0]
    layout = np.full((o, n), -1, dtype=np.int64)
    for i in range(o):
        for a in range(k):
            r = i * stride + a * dilation - padding
            if 0 <= r < n:
                layout[i, r] = a
    return layout


def is_toeplitz(m) -> bool:
    """Every diagonal constant: m[i, j] == m[i+1, j+1]."""
    m = np.asarray(m)
    return bool(np.array_equal(m[1:, 1:], m[:-1, :-1]))


# --- Structure of A (note 001, "CNNs") ----------------------------------------------------------


def _blocks(a, block) -> np.ndarray:
    """A (R·br, C·bc) as (R, C, br, bc) blocks; raises if the block size does not tile A."""
    a = np.asarray(a)
    br, bc = int(block[0]), int(block[1])
    if br < 1 or bc < 1 or a.shape[0] % br or a.shape[1] % bc:
        raise ValueError(f"Blocks of {br}×{bc} do not tile a {a.shape[0]}×{a.shape[1]} matrix.")
    return a.reshape(a.shape[0] // br, br, a.shape[1] // bc, bc).transpose(0, 2, 1, 3)


def is_doubly_block_toeplitz(a, block, outer=None) -> bool:
    """Block Toeplitz with Toeplitz blocks: every block (W'×W) is Toeplitz and block (i, r) == block (i+1, r+1).

    outer = (rows, cols) of a channel block (H'W' × HW): then each of the C_out × C channel blocks
    is checked on its own (a CNN layer's A is a grid of doubly block Toeplitz matrices, note 001).
    """
    for channel_block in _blocks(a, outer or np.shape(a)).reshape(-1, *(outer or np.shape(a))):
        b = _blocks(channel_block, block)                                 # (H', H, W', W)
        if not np.array_equal(b[1:, 1:], b[:-1, :-1]):                    # constant along block diagonals
            return False
        if not all(is_toeplitz(t) for t in b.reshape(-1, *b.shape[2:])):
            return False
    return True


def is_block_diagonal(a, block) -> bool:
    """Every block (i, r) with i ≠ r is zero (block = (rows, cols) of one block)."""
    b = _blocks(a, block)                                                 # (R, C, br, bc)
    off = ~np.eye(b.shape[0], b.shape[1], dtype=bool)
    return not bool(np.any(b[off]))


# --- Note 004's conv layer: output size by padding, parameter count -------------------------------


def same_full_valid_sizes(n: int, k: int) -> dict[str, int]:
    """Output length of a stride-1 convolution of n cells with a k-tap kernel, by padding scheme.

    valid (p = 0): n − k + 1; same (torch padding="same"): n; full (p = k − 1): n + k − 1.
    Only "same" keeps H × W, the map R^{C_in×H×W} → R^{C_out×H×W} of note 004's eq. (3).
    """
    out = {"valid": n - k + 1, "same": n, "full": n + k - 1}
    if out["valid"] < 1:
        del out["valid"]
    return out


def conv_layer_parameters(in_channels: int, out_channels: int, kh: int, kw: int) -> int:
    """(1 + C_in·kh·kw)·C_out: the weights plus one bias per output channel (note 004; nn.Conv2d's count)."""
    return (1 + in_channels * kh * kw) * out_channels


def per_position_bias_parameters(in_channels: int, out_channels: int, kh: int, kw: int, ho: int, wo: int) -> int:
    """C_in·kh·kw·C_out + C_out·H'·W': the count if the bias were b_{f,i,j}, one per output cell (note 004's eq. (2))."""
    return in_channels * kh * kw * out_channels + out_channels * ho * wo


def free_entries(input_shape, kernel_shape, stride=1, padding=0, dilation=1) -> int:
    """How many different weights fill A: the distinct kernel entries that appear in it (C_out·C·kh·kw when
    every tap reaches the input). All other entries of A are copies of these or structural zeros."""
    idx = tap_index(input_shape, kernel_shape, stride, padding, dilation)
    return int(np.unique(idx[idx >= 0]).size)


# --- Note 002's formulas, summed exactly as printed -------------------------------------------------


def convolution_sum(image, kernel) -> np.ndarray:
    """s(i, j) = Σ_m Σ_n I(m, n) K(i − m, j − n) (note 002, true convolution), everywhere it can be non-zero:
    (H + kh − 1) × (W + kw − 1), i.e. "full"."""
    img, ker = np.asarray(image, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    out = np.zeros((img.shape[0] + ker.shape[0] - 1, img.shape[1] + ker.shape[1] - 1))
    for i, j in np.ndindex(out.shape):
        for m, n in np.ndindex(img.shape):
            if 0 <= i - m < ker.shape[0] and 0 <= j - n < ker.shape[1]:
                out[i, j] += img[m, n] * ker[i - m, j - n]
    return out


def convolution_sum_commuted(image, kernel) -> np.ndarray:
    """s(i, j) = Σ_m Σ_n I(i − m, j − n) K(m, n) (note 002, "Commutative property"), full size."""
    img, ker = np.asarray(image, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    out = np.zeros((img.shape[0] + ker.shape[0] - 1, img.shape[1] + ker.shape[1] - 1))
    for i, j in np.ndindex(out.shape):
        for m, n in np.ndindex(ker.shape):
            if 0 <= i - m < img.shape[0] and 0 <= j - n < img.shape[1]:
                out[i, j] += img[i - m, j - n] * ker[m, n]
    return out


def cross_correlation_sum(image, kernel) -> np.ndarray:
    """s(i, j) = Σ_m Σ_n I(i + m, j + n) K(m, n) (note 002, "cross correlation"), where the kernel fits:
    (H − kh + 1) × (W − kw + 1), what F.conv2d computes."""
    img, ker = np.asarray(image, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    out = np.zeros((img.shape[0] - ker.shape[0] + 1, img.shape[1] - ker.shape[1] + 1))
    for i, j in np.ndindex(out.shape):
        for m, n in np.ndindex(ker.shape):
            out[i, j] += img[i + m, j + n] * ker[m, n]
    return out


NOTE002_IMAGE = np.array([[2, 3, 6, 9, 3], [0, 1, 0, 1, 5], [6, 0, 4, 1, 2], [0, 4, 2, 1, 1], [1, 3, 1, 0, 0]],
                         dtype=np.float64)   # note 002, "Multi-dimension convolution", the worked example
NOTE002_KERNEL = np.array([[0, 1], [1, 0]], dtype=np.float64)


def valid_part(full, kernel_shape) -> np.ndarray:
    """The cells of a full convolution where the kernel lies wholly inside the image."""
    kh, kw = kernel_shape
    return np.asarray(full)[kh - 1 : full.shape[0] - kh + 1, kw - 1 : full.shape[1] - kw + 1]


