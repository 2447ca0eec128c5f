"""Transposed convolution against F.conv_transpose2d in float64: scatter, direct equivalent,
output sizes (and what torch refuses), overlap counts, the adjoint identity, note 000's example."""

import ast
import contextlib
import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.arithmetic import conv_output_size, output_padding_to_invert, transposed_output_size
from convviz.matrix import conv_matrix_1d
from convviz.transposed import (adjoint_check, conv_inputs_for_output, conv_transpose2d, direct_equivalent,
                                insert_zeros, overlap_counts, overlap_counts_2d, scatter_steps, transposed_size_latex,
                                note_003_latex)
from convviz.torch_ref.transposed import conv_transpose2d_torch, strided_conv_input_gradient
from convviz.figures.transposed_convolution import scatter_figure
from convviz.lessons.snippets.transposed_convolution import conv_transpose2d_snippet
from tests.strategies import tconv_cases


def torch_tconv(x, w, b=None, stride=1, padding=0, output_padding=0, dilation=1):
    return F.conv_transpose2d(torch.from_numpy(x)[None], torch.from_numpy(w), None if b is None else torch.from_numpy(b),
                              stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)[0].numpy()


@settings(max_examples=150, deadline=None)
@given(tconv_cases())
def test_scatter_and_direct_equal_torch(case):
    x, w, b, s, p, a, d = case
    expected = torch_tconv(x, w, b, s, p, a, d)
    y = conv_transpose2d(x, w, b, s, p, a, d)
    assert y.dtype == np.float64 and y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-10)
    np.testing.assert_allclose(direct_equivalent(x, w, b, s, p, a, d).output, expected, rtol=0, atol=1e-10)
    np.testing.assert_allclose(conv_transpose2d_torch(x, w, b, s, p, a, d), expected, rtol=0, atol=0)


@settings(max_examples=60, deadline=None)
@given(tconv_cases())
def test_single_map_form_and_scatter_steps(case):
    x, w, _, s, p, a, d = case
    x2, w2 = x[0], w[0, 0]
    expected = torch_tconv(x2[None], w2[None, None], None, s, p, a, d)[0]
    np.testing.assert_allclose(conv_transpose2d(x2, w2, None, s, p, a, d), expected, rtol=0, atol=1e-10)
    stamps, running = scatter_steps(x2, w2, s, p, a, d)
    assert stamps.shape[0] == x2.size
    ho, wo = expected.shape
    np.testing.assert_allclose(running[-1][p[0]:p[0] + ho, p[1]:p[1] + wo], expected, rtol=0, atol=1e-10)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 9), st.integers(1, 6), st.integers(1, 4), st.integers(0, 6), st.integers(0, 4), st.integers(1, 3))
def test_output_size_and_errors_agree_with_torch(n, k, s, p, a, d):
    x, w = torch.zeros(1, 1, n, dtype=torch.float64), torch.zeros(1, 1, k, dtype=torch.float64)
    try:
        expected = F.conv_transpose1d(x, w, stride=s, padding=p, output_padding=a, dilation=d).shape[-1]
    except RuntimeError:
        expected = None
    if expected is None or expected < 1:
        with pytest.raises(ValueError):
            transposed_output_size(n, k, s, p, a, d)
    else:
        assert transposed_output_size(n, k, s, p, a, d) == expected


@pytest.mark.parametrize("kwargs, words", [
    (dict(n=3, k=3, stride=2, output_padding=2), "output_padding must be smaller than the stride or the dilation"),
    (dict(n=1, k=1, padding=1), "The output would have -1 cells"),
    (dict(n=3, k=3, padding=-1), "padding cannot be negative"),
    (dict(n=3, k=3, stride=0), "stride must be at least 1"),
    (dict(n=3, k=3, output_padding=-1), "output_padding cannot be negative"),
    (dict(n=0, k=3), "input size must be at least 1"),
])
def test_output_size_errors_say_why(kwargs, words):
    with pytest.raises(ValueError, match=words):
        transposed_output_size(**kwargs)


def test_note_003_formula():
    """Note 003 (Week 3, "Transposed Convolution"): H_out = s(H_in - 1) + k - 2p."""
    for n, k, s, p in [(3, 3, 2, 1), (4, 4, 2, 1), (7, 5, 3, 2)]:
        assert transposed_output_size(n, k, s, p) == s * (n - 1) + k - 2 * p


@pytest.mark.parametrize("i, k, s, p", [
    pytest.param(5, 3, 2, 1, id="padding_strides"),          # conv_arithmetic gif names
    pytest.param(6, 3, 2, 1, id="padding_strides_odd"),
    pytest.param(5, 4, 1, 2, id="arbitrary_padding"),
])
def test_output_padding_inverts_the_conv_size(i, k, s, p):
    o, a = conv_output_size(i, k, s, p), output_padding_to_invert(i, k, s, p)
    assert transposed_output_size(o, k, s, p, a) == i
    assert i in conv_inputs_for_output(o, k, s, p)


def test_which_inputs_tie():
    assert conv_inputs_for_output(3, 3, 2, 1) == [5, 6]
    assert conv_inputs_for_output(4, 3, 1, 0) == [6]


def test_note_000_example():
    """Note 000, "Transposed convolution": input [[0,1],[2,3]], kernel [[0,1],[2,3]], stride 2,
    output printed row by row as 0001 0023 0203 4669."""
    y = conv_transpose2d([[0, 1], [2, 3]], [[0, 1], [2, 3]], stride=2)
    assert y.tolist() == [[0, 0, 0, 1], [0, 0, 2, 3], [0, 2, 0, 3], [4, 6, 6, 9]]


def test_direct_equivalent_pieces():
    x = np.arange(1.0, 5.0).reshape(2, 2)
    eq = direct_equivalent(x, np.arange(9.0).reshape(3, 3), stride=2, padding=1, output_padding=1)
    assert eq.stretched.tolist() == [[1, 0, 2], [0, 0, 0], [3, 0, 4]]
    assert eq.border == (1, 1)                                   # d(k-1) - p = 2 - 1
    assert eq.padded.shape == (3 + 1 + 2, 3 + 1 + 2)             # border 1 on top/left, 1 + a on bottom/right
    assert eq.kernel[0, 0] == 8
    assert insert_zeros(np.ones((2, 3)), (3, 1)).shape == (4, 3)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 9), st.integers(1, 6), st.integers(1, 4), st.integers(0, 3), st.integers(1, 3))
def test_overlap_counts_are_a_transposed_conv_of_ones(n, k, s, p, d):
    try:
        expected = F.conv_transpose1d(torch.ones(1, 1, n, dtype=torch.float64), torch.ones(1, 1, k, dtype=torch.float64),
                                      stride=s, padding=p, dilation=d)[0, 0].numpy()
    except RuntimeError:
        return
    if expected.size == 0:
        return
    counts = overlap_counts(n, k, s, p, d)
    assert counts.dtype.kind == "i"
    np.testing.assert_array_equal(counts, expected)


def test_overlap_counts_2d_and_the_checkerboard():
    assert overlap_counts(4, 3, 2).tolist() == [1, 1, 2, 1, 2, 1, 2, 1, 1]     # s does not divide k
    assert overlap_counts(4, 4, 2).tolist() == [1, 1, 2, 2, 2, 2, 2, 2, 1, 1]  # s divides k: flat inside
    c2 = overlap_counts_2d((3, 4), (3, 2), (2, 2), padding=(1, 0), dilation=(1, 1))
    np.testing.assert_array_equal(c2, np.outer(overlap_counts(3, 3, 2, 1), overlap_counts(4, 2, 2)))
    np.testing.assert_array_equal(c2, conv_transpose2d(np.ones((3, 4)), np.ones((3, 2)), stride=2, padding=(1, 0)))


@pytest.mark.parametrize("n, k, s", [(4, 3, 2), (3, 4, 2), (3, 5, 3)])
def test_strided_conv_gradient_is_the_overlap_count(n, k, s):
    np.testing.assert_array_equal(strided_conv_input_gradient((n - 1) * s + k, k, s), overlap_counts_2d((n, n), (k, k), (s, s)))


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2), st.integers(1, 2),
       st.integers(0, 2**32 - 1))
def test_adjoint_identity(h, w, k, s, p, d, seed):
    """<conv(x), y> = <x, conv_transpose(y)> (note 000, "Transpose (adjoint) of a linear operator")."""
    if h + 2 * p < d * (k - 1) + 1 or w + 2 * p < d * (k - 1) + 1:
        return
    rng = np.random.default_rng(seed)
    x, kernel = rng.standard_normal((h, w)), rng.standard_normal((k, k))
    y = rng.standard_normal((conv_output_size(h, k, s, p, d), conv_output_size(w, k, s, p, d)))
    left, right = adjoint_check(x, y, kernel, s, p, d)
    assert abs(left - right) <= 1e-10 * max(1.0, abs(left))


def test_conv_matrix_is_the_conv_and_its_transpose_the_transposed_conv():
    """Note 000's 1-D A: (Ax)_j = sum_i w_i x_{j+i-1}; A^T y is the transposed convolution."""
    rng = np.random.default_rng(0)
    w, x = rng.standard_normal(3), rng.standard_normal(7)
    for s in (1, 2):
        a = conv_matrix_1d(7, w, stride=s)
        conv = F.conv1d(torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None], stride=s)[0, 0].numpy()
        np.testing.assert_allclose(a @ x, conv, atol=1e-12)
        y = rng.standard_normal(a.shape[0])
        back = conv_transpose2d(y[None], w[None], stride=(1, s), output_padding=(0, output_padding_to_invert(7, 3, s)))[0]
        np.testing.assert_allclose(a.T @ y, back, atol=1e-12)
    assert conv_matrix_1d(6, [1, 2, 3])[0].tolist() == [1, 2, 3, 0, 0, 0]


@pytest.mark.parametrize("settings_", [dict(stride=1, padding=0, output_padding=0, dilation=1),
                                       dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2), dilation=(1, 2))])
def test_snippet_prints_the_page_numbers(settings_):
    rng = np.random.default_rng(4)
    x, w = rng.integers(0, 5, (3, 4)).astype(float), rng.integers(-2, 3, (3, 2)).astype(float)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(conv_transpose2d_snippet(x, w, **settings_), {})
    printed = np.array(ast.literal_eval(out.getvalue().strip()))
    np.testing.assert_allclose(printed, conv_transpose2d(x, w, **settings_), atol=1e-10)


def test_scatter_figure_frames():
    x, w = np.array([[0.0, 1.0], [2.0, 3.0]]), np.array([[0.0, 1.0], [2.0, 3.0]])
    spec = scatter_figure(x, w, stride=2, active=3).to_dict()
    assert [f["name"] for f in spec["frames"]] == ["0", "1", "2", "3"]
    assert spec["layout"]["sliders"][0]["active"] == 3
    assert spec["frames"][-1]["data"][1]["z"] == conv_transpose2d(x, w, stride=2).astype(int).tolist()
    assert all(f["data"] and all(s["args"][1]["frame"]["redraw"] for s in spec["layout"]["sliders"][0]["steps"])
               for f in spec["frames"])
    grids = [ax for key, ax in spec["layout"].items() if key.startswith("yaxis")]
    assert len(grids) == 4 and all(ax.get("autorange") == "reversed" for ax in grids)


def test_latex_uses_the_numbers():
    assert transposed_size_latex("H", 3, 3, 2, 1, 0, 1).endswith("= 5")
    assert note_003_latex("H", 3, 3, 2, 1).endswith("= 5")


def test_bad_shapes_and_unchanged_inputs():
    with pytest.raises(ValueError, match="input channels"):
        conv_transpose2d(np.zeros((2, 3, 3)), np.zeros((3, 1, 2, 2)))
    with pytest.raises(ValueError, match="2-D input"):
        conv_transpose2d(np.zeros((2, 3, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="smaller than the stride"):
        conv_transpose2d(np.zeros((3, 3)), np.zeros((2, 2)), stride=2, output_padding=2)
    x, w = np.ones((2, 3, 3)), np.ones((2, 1, 2, 2))
    x0, w0 = x.copy(), w.copy()
    conv_transpose2d(x, w, bias=1, stride=2, padding=1, output_padding=1)
    direct_equivalent(x, w, bias=1, stride=2, padding=1, output_padding=1)
    assert np.array_equal(x, x0) and np.array_equal(w, w0)


def test_other_figures_draw_row_zero_on_top():
    from convviz.figures.transposed_convolution import (direct_figure, matrix_figure, overlap_figures, panels_figure,
                                                        pixel_shuffle_figure)
    from convviz.upsample import checkerboard_remedies, pixel_shuffle

    x = np.arange(6.0).reshape(2, 3)
    figs = [direct_figure(direct_equivalent(x, np.ones((3, 3)), stride=2, padding=1, output_padding=1), x.shape, 2),
            overlap_figures(overlap_counts(4, 3, 2), overlap_counts_2d((4, 4), (3, 3), (2, 2)))[1],
            panels_figure(checkerboard_remedies("constant", 4, 3, 2)),
            pixel_shuffle_figure(np.arange(16.0).reshape(4, 2, 2), 2, pixel_shuffle(np.arange(16.0).reshape(4, 2, 2), 2)),
            matrix_figure(conv_matrix_1d(6, [1, 2, 3]), "A")]
    for fig in figs:
        spec = fig.to_dict()
        axes = [ax for key, ax in spec["layout"].items() if key.startswith("yaxis")]
        assert axes and all(ax.get("autorange") == "reversed" for ax in axes)
    # The shuffled grid's cell (0, 1) came from channel 1: its colour index is 1 and its label is x[1, 0, 0].
    shuffled = figs[3].data[-1]
    assert shuffled.z[0][1] == 1 and shuffled.text[0][1] == "4"


@settings(max_examples=25, deadline=None)
@given(c_in=st.integers(1, 3), c_out=st.integers(1, 3), m=st.integers(1, 5), n=st.integers(1, 5),
       f1=st.integers(1, 4), f2=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_note_000_trans_conv_loop_equals_ours_and_torch(c_in, c_out, m, n, f1, f2, seed):
    """Note 000's formal definition: its printed loop, conv_transpose2d and F.conv_transpose2d agree,
    output (C_out, m+f1-1, n+f2-1)."""
    from convviz.torch_ref.transposed import trans_conv_note_000

    rng = np.random.default_rng(seed)
    y, w, b = rng.normal(size=(c_in, m, n)), rng.normal(size=(c_in, c_out, f1, f2)), rng.normal(size=c_out)
    note = trans_conv_note_000(y, w, b)
    assert note.shape == (c_out, m + f1 - 1, n + f2 - 1)
    np.testing.assert_allclose(conv_transpose2d(y, w, b), note, atol=1e-12)
    torch_x = F.conv_transpose2d(torch.from_numpy(y)[None], torch.from_numpy(w), torch.from_numpy(b))[0].numpy()
    np.testing.assert_allclose(note, torch_x, atol=1e-12)
