"""Note 003's backward pass: the three gradient formulas against torch autograd (float64)."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.backprop import conv_backward
from convviz.conv import cross_correlate2d, flip_kernel
from convviz.torch_ref.checks import conv_backward_torch

torch.set_num_threads(1)


def assert_same(ours, theirs):
    for key in ("grad_input", "grad_weight", "grad_bias"):
        np.testing.assert_allclose(ours[key], theirs[key], atol=1e-10, err_msg=key)


@settings(max_examples=60, deadline=None)
@given(c=st.integers(1, 3), c_out=st.integers(1, 2), h=st.integers(1, 9), wd=st.integers(1, 9),
       kh=st.integers(1, 4), kw=st.integers(1, 4), sh=st.integers(1, 3), sw=st.integers(1, 3),
       ph=st.integers(0, 2), pw=st.integers(0, 2), dh=st.integers(1, 2), dw=st.integers(1, 2),
       flip=st.booleans(), seed=st.integers(0, 2**16))
def test_the_three_formulas_equal_autograd(c, c_out, h, wd, kh, kw, sh, sw, ph, pw, dh, dw, flip, seed):
    if h + 2 * ph < dh * (kh - 1) + 1 or wd + 2 * pw < dw * (kw - 1) + 1:
        return                                                             # no output: nothing to differentiate
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(c, h, wd)), rng.normal(size=(c_out, c, kh, kw))
    y = cross_correlate2d(x, w, stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw))
    upstream = rng.normal(size=y.shape)
    args = dict(stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw), flip=flip)
    assert_same(conv_backward(x, w, upstream, **args), conv_backward_torch(x, w, upstream, **args))


@pytest.mark.parametrize("shape", [(5, 5), (2, 5, 5)])
def test_single_map_shapes_come_back_as_given(shape):
    rng = np.random.default_rng(1)
    x = rng.normal(size=shape)
    w = rng.normal(size=(3, 3) if len(shape) == 2 else (2, 3, 3))
    grads = conv_backward(x, w, np.ones((3, 3)))
    assert grads["grad_input"].shape == shape and grads["grad_weight"].shape == w.shape
    assert grads["grad_bias"] == 9.0                                       # ∂L/∂b = Σ δ
    assert_same(grads, conv_backward_torch(x, w, np.ones((3, 3))))


def test_note_003_true_convolution_forward():
    """Note 003's forward is z = w * x (a true convolution). Its item 1: δ^{l-1} = Σ δ[i+m, j+n] w[m, n],
    i.e. the 'full' cross-correlation of δ with w; item 2: ∂L/∂w[m, n] = Σ δ[i, j] x[i-m, j-n] = (δ ⋆ x)(m, n),
    which is rot180(x ⋆ δ): the note's 'cross-correlation of z with δ' needs z as the sliding kernel."""
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(6, 7)), rng.normal(size=(3, 2))
    delta = rng.normal(size=(4, 6))
    grads = conv_backward(x, w, delta, flip=True)
    # item 1, literally: pad δ by k-1 ("full") and cross-correlate with w as stored
    full = np.pad(delta, ((2, 2), (1, 1)))
    np.testing.assert_allclose(grads["grad_input"], cross_correlate2d(full, w), atol=1e-12)
    # item 2, literally (valid output, so x's index is offset by k-1): Σ δ[i, j] x[i-m, j-n], == rot180(x ⋆ δ)
    by_delta = np.array([[sum(delta[i, j] * x[i + 2 - m, j + 1 - n] for i in range(4) for j in range(6))
                          for n in range(2)] for m in range(3)])
    np.testing.assert_allclose(grads["grad_weight"], by_delta, atol=1e-12)
    np.testing.assert_allclose(grads["grad_weight"], flip_kernel(cross_correlate2d(x, delta)), atol=1e-12)
    xt, wt = torch.from_numpy(x)[None, None].requires_grad_(), torch.from_numpy(w)[None, None].requires_grad_()
    (F.conv2d(xt, wt.flip(-1, -2)) * torch.from_numpy(delta)).sum().backward()
    np.testing.assert_allclose(grads["grad_weight"], wt.grad[0, 0].numpy(), atol=1e-12)
