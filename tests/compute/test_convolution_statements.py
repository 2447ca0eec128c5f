"""The convolution page's statements, each evaluated as written and compared with torch (float64).

Backward pass (note 003): stated_gradients and the sentences it evaluates; note 003's item 2 read as
z sliding over δ (right) and as δ sliding over z (rot180, the caption's old reading). The identity
check against torch.flip, and note 004's sum-to-1 statement on a constant image.
"""
import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convviz.backprop import delta_slides_over_z, note_003_weight_gradient, stated_gradients, stated_sentences
from convviz.conv import convolve2d, cross_correlate2d, flip_kernel, output_shape
from convviz.filters import CLASSIC_FILTERS, apply_filter, constant_image_check
from convviz.torch_ref.checks import conv2d_torch, conv_backward_torch, convolve2d_torch, filter_torch

torch.set_num_threads(1)
NAMES = {"input": "grad_input", "weight": "grad_weight", "bias": "grad_bias"}


@st.composite
def layers(draw):
    """A random layer: x (C, H, W), w (C_out, C, kh, kw), δ (C_out, H', W'), stride/padding/dilation as int or pair."""
    c, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    s = draw(st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    p = draw(st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2))))
    d = draw(st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    h, wd = draw(st.integers(1, 11)), draw(st.integers(1, 11))
    (ph, pw), (dh, dw) = (p, p) if isinstance(p, int) else p, (d, d) if isinstance(d, int) else d
    assume(h + 2 * ph >= dh * (kh - 1) + 1 and wd + 2 * pw >= dw * (kw - 1) + 1)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    ho, wo = output_shape((h, wd), (kh, kw), s, p, d)
    return (rng.normal(size=(c, h, wd)), rng.normal(size=(c_out, c, kh, kw)), rng.normal(size=(c_out, ho, wo)), s, p, d)


@settings(max_examples=120, deadline=None)
@given(layers(), st.booleans())
def test_stated_gradients_equal_autograd(layer, flip):
    x, w, delta, s, p, d = layer
    ours = stated_gradients(x, w, delta, s, p, d, flip=flip)
    autograd = conv_backward_torch(x, w, delta, s, p, d, flip=flip)
    for key, name in NAMES.items():
        assert ours[key].shape == np.shape(autograd[name])
        np.testing.assert_allclose(ours[key], autograd[name], rtol=0, atol=1e-9, err_msg=key)


def test_unread_trailing_cells_get_zero_gradient():
    """H − span = 7 − 3 = 4 is not a multiple of s = 3: windows start at 0 and 3 and read rows 0–5; row 6 gets 0."""
    rng = np.random.default_rng(7)
    x, w = rng.normal(size=(1, 7, 7)), rng.normal(size=(1, 1, 3, 3))
    delta = rng.normal(size=(1, 2, 2))                                   # H' = (7 − 3) // 3 + 1 = 2
    ours = stated_gradients(x, w, delta, stride=3)
    assert np.all(ours["input"][0, 6] == 0) and np.all(ours["input"][0, :, 6] == 0)
    assert np.abs(ours["input"][0, 5]).max() > 0.1
    np.testing.assert_allclose(ours["input"], conv_backward_torch(x, w, delta, stride=3)["grad_input"], atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(layers())
def test_note_003_item_2_is_z_sliding_over_delta(layer):
    """Note 003 (forward z = w * x): ∂L/∂w[m, n] = Σ δ[i, j] z[i − m, j − n], z sliding over δ, equals autograd."""
    x, w, delta, s, p, d = layer
    ours = note_003_weight_gradient(x, delta, w.shape[-2:], s, p, d)
    np.testing.assert_allclose(ours, conv_backward_torch(x, w, delta, s, p, d, flip=True)["grad_weight"], rtol=0, atol=1e-9)


def test_delta_sliding_over_z_is_the_rotated_gradient_not_the_gradient():
    """The caption's old reading, δ sliding over z, gives rot180(∂L/∂w) for note 003's forward: wrong in general."""
    rng = np.random.default_rng(0)
    x, w, delta = rng.normal(size=(1, 6, 7)), rng.normal(size=(1, 1, 3, 3)), rng.normal(size=(1, 4, 5))
    autograd = conv_backward_torch(x, w, delta, flip=True)["grad_weight"]
    other = delta_slides_over_z(x, delta, (3, 3))
    assert np.abs(other - autograd).max() > 1.0                          # not ∂L/∂w ...
    np.testing.assert_allclose(other, flip_kernel(autograd), atol=1e-12)  # ... but its 180° rotation
    np.testing.assert_allclose(note_003_weight_gradient(x, delta, (3, 3)), autograd, atol=1e-12)


@pytest.mark.parametrize("flip", [False, True])
def test_the_sentences_name_the_operation_and_hold_literally(flip):
    """Stride 1: ∂L/∂x = δ padded by k − 1, then convolved with w (xcorr forward) or cross-correlated with w (conv forward)."""
    said = stated_sentences(flip)
    assert ("true convolution" in said["forward"]) == flip and ("cross-correlation" in said["forward"]) != flip
    assert ("**convolved with w**" in said["input"]) != flip
    assert ("**cross-correlated with w as stored**" in said["input"]) == flip
    assert ("**rot180**" in said["weight"]) == flip
    rng = np.random.default_rng(1)
    x, w, delta = rng.normal(size=(6, 7)), rng.normal(size=(3, 2)), rng.normal(size=(4, 6))
    literal = (cross_correlate2d if flip else convolve2d)(delta, w, padding=(2, 1))
    wrong = (convolve2d if flip else cross_correlate2d)(delta, w, padding=(2, 1))   # the other operation
    autograd = conv_backward_torch(x, w, delta, flip=flip)
    np.testing.assert_allclose(literal, autograd["grad_input"], atol=1e-12)
    assert np.abs(wrong - autograd["grad_input"]).max() > 0.1
    by_weight = cross_correlate2d(x, delta)                              # δ sliding over x
    np.testing.assert_allclose(flip_kernel(by_weight) if flip else by_weight, autograd["grad_weight"], atol=1e-12)
    assert stated_gradients(x[None], w[None, None], delta[None], flip=flip)["bias"][0] == pytest.approx(delta.sum())


@settings(max_examples=40, deadline=None)
@given(layers())
def test_identity_check_against_torch_flip(layer):
    """convolve2d against F.conv2d with torch.flip(w): equal; against plain F.conv2d it differs (the check can fail)."""
    x, w, _, s, p, d = layer
    np.testing.assert_allclose(convolve2d(x, w, None, s, p, d), convolve2d_torch(x, w, None, s, p, d), rtol=0, atol=1e-10)


def test_identity_check_can_fail():
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=(5, 5)), rng.normal(size=(3, 3))
    assert np.abs(convolve2d_torch(x, w) - conv2d_torch(x, w)).max() > 0.1
    assert np.abs(convolve2d(x, w) - conv2d_torch(x, w)).max() > 0.1


@pytest.mark.parametrize("name", list(CLASSIC_FILTERS))
def test_constant_image_statement(name):
    """Note 004 Ex. 1.1: a kernel summing to 1 maps a constant image to itself away from the border."""
    kernel = CLASSIC_FILTERS[name][1]
    check = constant_image_check(kernel, level=0.5, size=12)
    by_torch = filter_torch(np.full((12, 12), 0.5), kernel)
    k = kernel.shape[0] // 2
    inner = by_torch[k : 12 - k, k : 12 - k]
    assert check["sum"] == pytest.approx(kernel.sum(), abs=1e-12)
    assert check["interior"] == pytest.approx((inner.min(), inner.max()), abs=1e-12)
    assert check["interior"][0] == pytest.approx(0.5 * kernel.sum(), abs=1e-12)
    assert check["unchanged"] == (abs(kernel.sum() - 1) < 1e-12)
    np.testing.assert_allclose(apply_filter(np.full((12, 12), 0.5), kernel), by_torch, atol=1e-12)


def test_constant_image_values_by_filter():
    assert constant_image_check(CLASSIC_FILTERS["sobel_x"][1])["interior"] == (0.0, 0.0)
    assert constant_image_check(CLASSIC_FILTERS["original5"][1])["interior"] == (2.5, 2.5)   # I₅ sums to 5
    box = constant_image_check(CLASSIC_FILTERS["box3"][1])
    assert box["unchanged"] and box["border"][0] == pytest.approx(0.5 * 4 / 9)             # corner: 4 of 9 cells inside


def test_sharpen_is_five_times_centre_minus_neighbours():
    """Sharpen = 5c − Σn (centre 5, the 4 neighbours −1), checked on a random image with torch."""
    rng = np.random.default_rng(3)
    img = rng.normal(size=(8, 9))
    padded = np.pad(img, 1)
    neighbours = padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:]
    np.testing.assert_allclose(filter_torch(img, CLASSIC_FILTERS["sharpen"][1]), 5 * img - neighbours, atol=1e-12)
    assert "5c − Σn" in CLASSIC_FILTERS["sharpen"][2]
