"""cross_correlate2d / convolve2d against F.conv2d in float64, over random shapes."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings

from convviz.arithmetic import conv_output_size
from convviz.conv import convolve2d, cross_correlate2d, flip_kernel
from tests.strategies import conv_cases

def torch_conv(x, w, b, stride, padding, dilation):
    return F.conv2d(torch.from_numpy(x)[None], torch.from_numpy(w), None if b is None else torch.from_numpy(b),
                    stride=stride, padding=padding, dilation=dilation)[0].numpy()


@settings(max_examples=150, deadline=None)
@given(conv_cases())
def test_cross_correlation_equals_torch(case):
    x, w, b, s, p, d = case
    y = cross_correlate2d(x, w, b, s, p, d)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, torch_conv(x, w, b, s, p, d), rtol=0, atol=1e-10)


@settings(max_examples=100, deadline=None)
@given(conv_cases())
def test_convolution_is_cross_correlation_with_flipped_kernel(case):
    x, w, b, s, p, d = case
    expected = torch_conv(x, torch.flip(torch.from_numpy(w), dims=(-2, -1)).numpy(), b, s, p, d)
    np.testing.assert_allclose(convolve2d(x, w, b, s, p, d), expected, rtol=0, atol=1e-10)


def test_true_convolution_by_its_definition():
    """(x * w)[i, j] = sum_ab x[i - a, j - b] w[a, b], written out with loops ('full' size)."""
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((5, 6)), rng.standard_normal((3, 2))
    full = np.zeros((7, 7))
    for i in range(7):
        for j in range(7):
            full[i, j] = sum(x[i - a, j - b] * w[a, b] for a in range(3) for b in range(2)
                             if 0 <= i - a < 5 and 0 <= j - b < 6)
    np.testing.assert_allclose(convolve2d(x, w, padding=(2, 1)), full, atol=1e-12)


def test_shapes_of_each_kernel_form():
    rng = np.random.default_rng(1)
    x2, x3 = rng.standard_normal((6, 7)), rng.standard_normal((2, 6, 7))
    assert cross_correlate2d(x2, rng.standard_normal((3, 3))).shape == (4, 5)
    assert cross_correlate2d(x3, rng.standard_normal((2, 3, 3))).shape == (4, 5)
    assert cross_correlate2d(x3, rng.standard_normal((4, 2, 3, 3)), bias=np.arange(4.0)).shape == (4, 4, 5)


def test_scalar_bias_and_per_channel_bias():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
    base = cross_correlate2d(x, w)
    np.testing.assert_allclose(cross_correlate2d(x, w, bias=1.5), base + 1.5)
    np.testing.assert_allclose(cross_correlate2d(x, w, bias=[1, 2, 3]), base + np.array([1, 2, 3])[:, None, None])


@pytest.mark.parametrize("x, w, bias, words", [
    (np.zeros((2, 4, 4)), np.zeros((3, 3)), None, "2-D input"),
    (np.zeros((2, 4, 4)), np.zeros((3, 3, 3)), None, "channels"),
    (np.zeros((4, 4)), np.zeros((5, 5)), None, "empty"),
    (np.zeros((4,)), np.zeros((1, 1)), None, "shape"),
    (np.zeros((2, 4, 4)), np.zeros((3, 2, 3, 3)), [1, 2], "bias"),
])
def test_bad_shapes_say_why(x, w, bias, words):
    with pytest.raises(ValueError, match=words):
        cross_correlate2d(x, w, bias)


def test_inputs_are_not_changed():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 5, 5)), rng.standard_normal((2, 3, 3))
    x0, w0 = x.copy(), w.copy()
    convolve2d(x, w, bias=1, stride=2, padding=1)
    assert np.array_equal(x, x0) and np.array_equal(w, w0)
    assert np.array_equal(flip_kernel(flip_kernel(w)), w)


def test_output_size_agrees_with_arithmetic():
    x = np.zeros((11, 9))
    y = cross_correlate2d(x, np.zeros((3, 4)), stride=(2, 3), padding=(1, 2), dilation=(2, 1))
    assert y.shape == (conv_output_size(11, 3, 2, 1, 2), conv_output_size(9, 4, 3, 2, 1))
