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
