"""max_pool2d / avg_pool2d against torch in float64."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convviz.pooling import avg_pool2d, max_pool2d


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 3), st.integers(1, 12), st.integers(1, 12), st.integers(1, 4), st.integers(1, 4),
       st.one_of(st.none(), st.integers(1, 3)), st.integers(0, 2), st.integers(0, 2**31))
def test_pools_equal_torch(c, h, w, kh, kw, stride, p, seed):
    assume(2 * p <= min(kh, kw) and h + 2 * p >= kh and w + 2 * p >= kw)
    x = np.random.default_rng(seed).standard_normal((c, h, w))
    t = torch.from_numpy(x)[None]
    np.testing.assert_allclose(max_pool2d(x, (kh, kw), stride, p), F.max_pool2d(t, (kh, kw), stride, p)[0].numpy(), atol=1e-12)
    np.testing.assert_allclose(avg_pool2d(x, (kh, kw), stride, p), F.avg_pool2d(t, (kh, kw), stride, p)[0].numpy(), atol=1e-12)


def test_two_dimensional_input_stays_two_dimensional():
    x = np.arange(16.0).reshape(4, 4)
    np.testing.assert_array_equal(max_pool2d(x, 2), [[5, 7], [13, 15]])
    np.testing.assert_array_equal(avg_pool2d(x, 2), [[2.5, 4.5], [10.5, 12.5]])


def test_padding_larger_than_half_the_kernel_is_refused():
    with pytest.raises(ValueError, match="half"):
        max_pool2d(np.zeros((4, 4)), 2, padding=2)


# --- Lp pooling (note 002's "L2 Norm") against F.lp_pool2d ----------------------------------

from convviz.pooling import gaussian_pool_weights, lp_pool2d, weighted_avg_pool2d  # noqa: E402

P_VALUES = [1, 2, 3, 1.5, 2.5, 4, 0.5, 7.25]


@st.composite
def lp_cases(draw):
    c, kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    h, w = draw(st.integers(kh, 10)), draw(st.integers(kw, 10))
    stride = draw(st.one_of(st.none(), st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    return (c, h, w), (kh, kw), stride, draw(st.sampled_from(P_VALUES)), draw(st.integers(0, 2**31))


def torch_lp(x, p, k, s):
    return F.lp_pool2d(torch.from_numpy(x)[None], p, k, s)[0].numpy()


@settings(max_examples=150, deadline=None)
@given(lp_cases())
def test_lp_pool_equals_torch_on_non_negative_inputs(case):
    shape, k, stride, p, seed = case
    x = np.abs(np.random.default_rng(seed).standard_normal(shape)) * 3
    x[np.random.default_rng(seed + 1).random(shape) < 0.2] = 0.0          # zeros: 0^p and an all-zero window
    y = lp_pool2d(x, p, k, stride)
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y, torch_lp(x, p, k, stride), rtol=1e-12, atol=1e-300)


@settings(max_examples=150, deadline=None)
@given(lp_cases())
def test_lp_pool_equals_torch_on_negative_inputs_nan_where_torch_is_nan(case):
    """Negative x: x^p is not real for a non-integer p (nan, as torch); for odd p >= 3 a window whose
    Σ x^p is negative is nan too; p = 1 is the plain (possibly negative) sum. Whole numbers keep Σ exact."""
    shape, k, stride, p, seed = case
    x = np.random.default_rng(seed).integers(-4, 5, size=shape).astype(np.float64)
    y, ref = lp_pool2d(x, p, k, stride), torch_lp(x, p, k, stride)
    np.testing.assert_array_equal(np.isnan(y), np.isnan(ref))
    np.testing.assert_allclose(y, ref, rtol=1e-12, atol=1e-12, equal_nan=True)
    if p == 1:
        assert not np.isnan(y).any()


def test_lp_pool_nan_cases_explicitly():
    x = np.array([[-2.0, 1.0]])
    assert lp_pool2d(x, 1, (1, 2))[0, 0] == -1.0 == torch_lp(x[None], 1, (1, 2), None)[0, 0, 0]
    assert lp_pool2d(x, 2, (1, 2))[0, 0] == pytest.approx(5 ** 0.5)
    assert np.isnan(lp_pool2d(x, 3, (1, 2))[0, 0]) and np.isnan(torch_lp(x[None], 3, (1, 2), None)).all()  # Σ = -7
    assert np.isnan(lp_pool2d(x, 1.5, (1, 2))[0, 0]) and np.isnan(torch_lp(x[None], 1.5, (1, 2), None)).all()


def test_lp_pool_infinity_is_max_of_abs_as_torch():
    x = np.random.default_rng(3).standard_normal((2, 6, 6))
    np.testing.assert_array_equal(lp_pool2d(x, np.inf, 2), torch_lp(x, float("inf"), 2, None))
    np.testing.assert_array_equal(lp_pool2d(x, np.inf, 2), max_pool2d(np.abs(x), 2))


def test_lp_pool_special_cases_the_page_states():
    """p = 1 is the window's sum (k² × average pooling on x >= 0); p = 2 the L2 norm; y falls towards the
    max as p grows."""
    x = np.random.default_rng(4).permutation(36).reshape(6, 6).astype(np.float64)
    np.testing.assert_allclose(lp_pool2d(x, 1, 3, 1), 9 * F.avg_pool2d(torch.from_numpy(x)[None], 3, 1)[0].numpy(),
                               rtol=1e-13)
    blocks = torch.from_numpy(x).unfold(0, 2, 2).unfold(1, 2, 2)             # (3, 3, 2, 2): the 2×2 windows
    np.testing.assert_allclose(lp_pool2d(x, 2, 2), blocks.norm(dim=(-2, -1)).numpy(), rtol=1e-14)
    ladder = [lp_pool2d(x, p, 3) for p in (1, 2, 4, 8, 32)] + [max_pool2d(x, 3)]
    assert all(np.all(a >= b) for a, b in zip(ladder, ladder[1:]))
    np.testing.assert_allclose(lp_pool2d(x, 100, 3), max_pool2d(x, 3), rtol=9 ** (1 / 100) - 1)   # ≤ 9^(1/p)·max


@pytest.mark.parametrize("p", [0, -1, float("nan")])
def test_lp_pool_refuses_non_positive_p(p):
    with pytest.raises(ValueError, match="positive"):
        lp_pool2d(np.ones((4, 4)), p, 2)


# --- Weighted-average pooling (note 002) against a depthwise F.conv2d -----------------------

@settings(max_examples=120, deadline=None)
@given(st.integers(1, 3), st.integers(1, 10), st.integers(1, 10), st.integers(1, 4), st.integers(1, 4),
       st.one_of(st.none(), st.integers(1, 3)), st.integers(0, 2), st.floats(0.1, 10), st.integers(0, 2**31))
def test_weighted_average_pool_equals_depthwise_conv2d(c, h, w, kh, kw, stride, p, sigma, seed):
    assume(2 * p <= min(kh, kw) and h + 2 * p >= kh and w + 2 * p >= kw)
    x = np.random.default_rng(seed).standard_normal((c, h, w))
    wts = gaussian_pool_weights((kh, kw), sigma)
    kernel = torch.from_numpy(wts)[None, None].repeat(c, 1, 1, 1)          # (C, 1, kh, kw): depthwise
    ref = F.conv2d(torch.from_numpy(x)[None], kernel, stride=(kh, kw) if stride is None else stride, padding=p,
                   groups=c)[0].numpy()
    np.testing.assert_allclose(weighted_avg_pool2d(x, wts, stride, p), ref, rtol=1e-12, atol=1e-12)


def test_gaussian_weights_sum_to_one_and_fall_off_with_distance():
    w = gaussian_pool_weights(3, 1.0)
    assert w.sum() == pytest.approx(1.0, abs=1e-15)
    assert w[1, 1] > w[0, 1] > w[0, 0]
    np.testing.assert_allclose(w[0, 1] / w[1, 1], np.exp(-0.5))             # d = 1, σ = 1
    np.testing.assert_allclose(w[0, 0] / w[1, 1], np.exp(-1.0))             # d = √2


def test_weighted_average_limits_the_page_states():
    """A large σ tends to average pooling; a small σ (odd k) to the central sample (striding)."""
    from convviz.pooling import central_sample_pool2d

    x = np.random.default_rng(5).standard_normal((7, 7))
    t = torch.from_numpy(x)[None, None]
    np.testing.assert_allclose(weighted_avg_pool2d(x, gaussian_pool_weights(3, 1e4), 2, 1),
                               F.avg_pool2d(t, 3, 2, 1)[0, 0].numpy(), atol=1e-8)
    np.testing.assert_allclose(weighted_avg_pool2d(x, gaussian_pool_weights(3, 0.05), 2, 1),
                               central_sample_pool2d(x, 3, 2, 1), atol=1e-12)


def test_weighted_average_refuses_weights_not_summing_to_one():
    with pytest.raises(ValueError, match="sum to 1"):
        weighted_avg_pool2d(np.ones((4, 4)), np.ones((2, 2)))
