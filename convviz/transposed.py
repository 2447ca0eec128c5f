"""Transposed convolution three ways: scatter, zero insertion + direct convolution, adjoint.

Note 000 ("Transposed convolution"): each input cell multiplies the kernel and adds
(accumulates) the product into the output; with padding p the output is then cropped by p
on each side, and output_padding adds rows/columns at the bottom/right only:

    y_full[o, i·s + a·d, j·s + b·d] += x[c, i, j] · w[c, o, a, b]      y = y_full[p : p + H', p : p + W']

Dumoulin & Visin (sec. 4): the same numbers come from inserting s-1 zeros between the inputs,
padding by d(k-1) - p (plus a = output_padding at the bottom/right) and cross-correlating with
the kernel flipped by 180°. It is the adjoint (transpose) of the strided convolution.
Weights use torch's transposed layout (C_in, C_out, kh, kw). Equal to F.conv_transpose2d in
float64 to 1e-10 (tests/compute/test_transposed.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz.arithmetic import transposed_output_size
from convviz.conv import as_pair, cross_correlate2d, flip_kernel, standardize


def transposed_output_shape(input_hw, kernel_hw, stride=1, padding=0, output_padding=0, dilation=1) -> tuple[int, int]:
    """(H', W') by transposed_output_size on each axis."""
    s, p, a, d = (as_pair(v, n) for v, n in [(stride, "stride"), (padding, "padding"),
                                              (output_padding, "output_padding"), (dilation, "dilation")])
    return tuple(transposed_output_size(input_hw[i], kernel_hw[i], s[i], p[i], a[i], d[i]) for i in range(2))


def conv_transpose2d(x, w, bias=None, stride=1, padding=0, output_padding=0, dilation=1) -> np.ndarray:
    """What F.conv_transpose2d computes, by scattering: every input cell stamps a scaled kernel.

    x: (H, W) with w (kh, kw) -> (H', W'); or x (C_in, H, W) with w (C_in, C_out, kh, kw) ->
    (C_out, H', W'). H' = (H-1)s - 2p + d(k-1) + output_padding + 1.
    """
    x, w, b, squeeze = standardize(x, w, bias, transposed=True)
    (sh, sw), (ph, pw), (dh, dw) = as_pair(stride, "stride"), as_pair(padding, "padding"), as_pair(dilation, "dilation")
    c_in, c_out, kh, kw = w.shape
    h, wd = x.shape[1:]
    ho, wo = transposed_output_shape((h, wd), (kh, kw), stride, padding, output_padding, dilation)
    full = np.zeros((c_out, max((h - 1) * sh + (kh - 1) * dh + 1, ph + ho),
                     max((wd - 1) * sw + (kw - 1) * dw + 1, pw + wo)))        # uncropped output
    for a in range(kh):
        for bb in range(kw):
            r0, c0 = a * dh, bb * dw
            full[:, r0 : r0 + (h - 1) * sh + 1 : sh, c0 : c0 + (wd - 1) * sw + 1 : sw] += \
                np.einsum("co,chw->ohw", w[:, :, a, bb], x)                  # (C_out, H, W)
    y = full[:, ph : ph + ho, pw : pw + wo] + b[:, None, None]           # (C_out, H', W')
    return y[0] if squeeze else y


def scatter_geometry(x, w, stride=1, padding=0, output_padding=0, dilation=1):
    """x (H, W) and w (kh, kw) as float64, stride, padding and dilation as (rows, columns) pairs,
    and the output shape (H', W'): what every scatter view starts from."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    out = transposed_output_shape(x.shape, w.shape, stride, padding, output_padding, dilation)
    return x, w, as_pair(stride), as_pair(padding), as_pair(dilation), out


def scatter_steps(x, w, stride=1, padding=0, output_padding=0, dilation=1):
    """Note 000's accumulation, one input cell at a time (single channel, x (H, W), w (kh, kw)).

    Returns (stamps, running): stamps[t] is x[i, j]·w placed where input cell t (reading order)
    lands in the *uncropped* output; running[t] is the sum of stamps 0..t. Both (H·W, Hf, Wf),
    Hf = (H-1)s + d(k-1) + 1 (+ rows that output_padding adds past the padding). Cropping p
    from each side of running[-1] gives conv_transpose2d.
    """
    x, w, (sh, sw), (ph, pw), (dh, dw), (ho, wo) = scatter_geometry(x, w, stride, padding, output_padding, dilation)
    (h, wd), (kh, kw) = x.shape, w.shape
    hf = max((h - 1) * sh + (kh - 1) * dh + 1, ph + ho)
    wf = max((wd - 1) * sw + (kw - 1) * dw + 1, pw + wo)
    stamps = np.zeros((h * wd, hf, wf))
    for t, (i, j) in enumerate(np.ndindex(h, wd)):
        stamps[t, i * sh : i * sh + (kh - 1) * dh + 1 : dh, j * sw : j * sw + (kw - 1) * dw + 1 : dw] = x[i, j] * w
    return stamps, np.cumsum(stamps, axis=0)


def insert_zeros(x, stride) -> np.ndarray:
    """s-1 zeros between neighbouring cells of the last two axes: (…, H, W) -> (…, (H-1)s+1, (W-1)s+1)."""
    x = np.asarray(x, dtype=np.float64)
    sh, sw = as_pair(stride, "stride")
    h, wd = x.shape[-2:]
    out = np.zeros(x.shape[:-2] + ((h - 1) * sh + 1, (wd - 1) * sw + 1))
    out[..., ::sh, ::sw] = x
    return out


@dataclass(frozen=True)
class DirectEquivalent:
    """Dumoulin & Visin's view: a plain (stride-1) convolution over a stretched, padded input."""
    stretched: np.ndarray     # (C_in, (H-1)s+1, (W-1)s+1): s-1 zeros inserted between inputs
    padded: np.ndarray        # (C_in, Hp, Wp): border d(k-1)-p, plus output_padding bottom/right
    border: tuple             # (top, left) = d(k-1) - p per axis (negative: crop instead)
    kernel: np.ndarray        # (C_out, C_in, kh, kw): flipped 180°, in/out channels swapped
    output: np.ndarray        # (C_out, H', W')


def direct_equivalent(x, w, bias=None, stride=1, padding=0, output_padding=0, dilation=1) -> DirectEquivalent:
    """The zero-insertion "equivalent direct convolution" of conv_transpose2d (same arguments).

    stretched = insert_zeros(x, s); pad by d(k-1) - p on top/left and d(k-1) - p + output_padding
    on bottom/right (crop where negative); cross-correlate, stride 1, dilation d, with the flipped
    kernel. Dumoulin & Visin's extra-row parameter a is output_padding.
    """
    xs, ws, b, squeeze = standardize(x, w, bias, transposed=True)
    (sh, sw), (ph, pw), (ah, aw), (dh, dw) = (as_pair(v) for v in (stride, padding, output_padding, dilation))
    kh, kw = ws.shape[2:]
    transposed_output_shape(xs.shape[1:], (kh, kw), stride, padding, output_padding, dilation)   # validates
    stretched = insert_zeros(xs, (sh, sw))                                                      # (C_in, Hs, Ws)
    top, left = dh * (kh - 1) - ph, dw * (kw - 1) - pw
    padded = _pad_or_crop(stretched, (top, top + ah), (left, left + aw))                        # (C_in, Hp, Wp)
    kernel = np.swapaxes(flip_kernel(ws), 0, 1)                                                 # (C_out, C_in, kh, kw)
    out = cross_correlate2d(padded, kernel, b, stride=1, padding=0, dilation=(dh, dw))          # (C_out, H', W')
    return DirectEquivalent(stretched[0] if squeeze else stretched, padded[0] if squeeze else padded,
                            (top, left), kernel[0, 0] if squeeze else kernel, out[0] if squeeze else out)


def _pad_or_crop(x, rows, cols) -> np.ndarray:
    """Zero-pad the last two axes by (before, after) amounts; a negative amount crops."""
    pad = [(0, 0)] * (x.ndim - 2) + [tuple(max(0, v) for v in rows), tuple(max(0, v) for v in cols)]
    x = np.pad(x, pad)
    r0, r1 = max(0, -rows[0]), x.shape[-2] - max(0, -rows[1])
    c0, c1 = max(0, -cols[0]), x.shape[-1] - max(0, -cols[1])
    return x[..., r0:r1, c0:c1]


def overlap_counts(n_in: int, k: int, stride: int, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """How many kernel taps land on each output position of a 1-D transposed convolution (ints).

    The output of a constant input 1 with a constant kernel 1; uneven counts are the checkerboard.
    """
    out = transposed_output_size(n_in, k, stride, padding, 0, dilation)
    full = np.zeros(max((n_in - 1) * stride + (k - 1) * dilation + 1, padding + out), dtype=np.int64)
    for t in range(k):
        full[t * dilation : t * dilation + (n_in - 1) * stride + 1 : stride] += 1
    return full[padding : padding + out]


def overlap_counts_2d(size, kernel_size, stride, padding=(0, 0), dilation=(1, 1)) -> np.ndarray:
    """The 2-D counts: the outer product of the 1-D counts of each axis, (H', W') ints."""
    (h, w), (kh, kw) = as_pair(size), as_pair(kernel_size)
    (sh, sw), (ph, pw), (dh, dw) = as_pair(stride), as_pair(padding), as_pair(dilation)
    return np.outer(overlap_counts(h, kh, sh, ph, dh), overlap_counts(w, kw, sw, pw, dw))


def adjoint_check(x, y, w, stride=1, padding=0, dilation=1) -> tuple[float, float]:
    """(⟨conv(x), y⟩, ⟨x, conv_transpose(y)⟩) for x (H, W), y (H', W') and w (kh, kw).

    conv_transpose uses the output_padding that gives back x's shape, so both sides exist.
    """
    from convviz.arithmetic import output_padding_to_invert

    x, y, w = (np.asarray(v, dtype=np.float64) for v in (x, y, w))
    s, p, d = as_pair(stride), as_pair(padding), as_pair(dilation)
    a = tuple(output_padding_to_invert(x.shape[i], w.shape[i], s[i], p[i], d[i]) for i in range(2))
    conv = cross_correlate2d(x, w, stride=s, padding=p, dilation=d)
    if conv.shape != y.shape:
        raise ValueError(f"conv(x) is {conv.shape[0]}×{conv.shape[1]} but y is {y.shape[0]}×{y.shape[1]}; "
                         "give y the convolution's output shape.")
    left = float(np.sum(conv * y))
    right = float(np.sum(x * conv_transpose2d(y, w, stride=s, padding=p, output_padding=a, dilation=d)))
    return left, right


def conv_inputs_for_output(o: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> list[int]:
    """Every input size n that a convolution (k, s, p, d) maps to o: the sizes a transposed
    convolution of an o-sized input could mean. output_padding picks one of them."""
    from convviz.arithmetic import conv_output_size, effective_kernel_size

    span = effective_kernel_size(k, dilation)
    found = []
    for n in range(max(1, span - 2 * padding), o * stride + span + 1):
        if conv_output_size(n, k, stride, padding, dilation) == o:
            found.append(n)
    return found


def transposed_size_latex(axis: str, n: int, k: int, s: int, p: int, a: int, d: int) -> str:
    """H' = (H-1)s - 2p + d(k-1) + a + 1 with the user's numbers (raises ValueError like torch)."""
    out = transposed_output_size(n, k, s, p, a, d)
    text = (rf"{axis}' = ({axis}-1)s - 2p + d(k-1) + \text{{output\_padding}} + 1"
            rf" = ({n}-1)\cdot{s} - 2\cdot{p} + {d}\cdot({k}-1) + {a} + 1 = {out}")
    return text


def note_003_latex(axis: str, n: int, k: int, s: int, p: int) -> str:
    """Note 003's form, H_out = s(H_in - 1) + k - 2p (dilation 1, no output_padding)."""
    return rf"{axis}_{{out}} = s({axis}_{{in}}-1) + k - 2p = {s}\cdot({n}-1) + {k} - 2\cdot{p} = {s * (n - 1) + k - 2 * p}"


