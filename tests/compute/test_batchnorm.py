"""convviz.batchnorm against torch.nn.BatchNorm2d in float64 (to 1e-10), over random shapes.

Train output and batch statistics, running statistics over several steps with momentum, eval
output, and folding BN into the conv before it (vs Conv2d + BatchNorm2d in eval). No function
may change its inputs (STYLE.md I).
"""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.batchnorm import batch_norm_eval, batch_norm_train, fold_into_conv, update_running_stats
from convviz.conv import cross_correlate2d

ATOL = 1e-10


@st.composite
def bn_cases(draw):
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    if n * h * w < 2:
        n = 2
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([0.01, 1.0, 30.0]))
    x = rng.normal(rng.normal(0, 3, c)[None, :, None, None], scale, (n, c, h, w))
    gamma, beta = rng.normal(1, 0.5, c), rng.normal(0, 1, c)
    eps = draw(st.sampled_from([1e-5, 1e-3, 0.1]))
    momentum = draw(st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]))
    return x, gamma, beta, eps, momentum


def torch_bn(c, gamma, beta, eps, momentum):
    bn = torch.nn.BatchNorm2d(c, eps=eps, momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        bn.weight.copy_(torch.from_numpy(gamma))
        bn.bias.copy_(torch.from_numpy(beta))
    return bn


def frozen(*arrays):
    return [a.copy() for a in arrays]


@settings(max_examples=80, deadline=None)
@given(bn_cases())
def test_train_output_and_batch_stats_equal_torch(case):
    x, gamma, beta, eps, _ = case
    before = frozen(x, gamma, beta)
    y, mean, var = batch_norm_train(x, gamma, beta, eps=eps)
    bn = torch_bn(x.shape[1], gamma, beta, eps, 1.0).train()   # momentum 1: running = this batch
    with torch.no_grad():
        expected = bn(torch.from_numpy(x)).numpy()
    m = x.shape[0] * x.shape[2] * x.shape[3]
    assert y.dtype == np.float64 and y.shape == x.shape
    np.testing.assert_allclose(y, expected, rtol=0, atol=ATOL)
    np.testing.assert_allclose(mean, bn.running_mean.numpy(), rtol=0, atol=ATOL)
    np.testing.assert_allclose(var * m / (m - 1), bn.running_var.numpy(), rtol=1e-12, atol=ATOL)
    np.testing.assert_allclose(var, torch.from_numpy(x).var(dim=(0, 2, 3), unbiased=False).numpy(), rtol=1e-12, atol=ATOL)
    for a, b in zip(before, (x, gamma, beta)):
        assert np.array_equal(a, b)


@settings(max_examples=40, deadline=None)
@given(bn_cases(), st.integers(1, 6))
def test_running_stats_over_steps_and_eval_output_equal_torch(case, steps):
    x, gamma, beta, eps, momentum = case
    c = x.shape[1]
    m = x.shape[0] * x.shape[2] * x.shape[3]
    bn = torch_bn(c, gamma, beta, eps, momentum).train()
    running_mean, running_var = np.zeros(c), np.ones(c)               # torch's initial values
    rng = np.random.default_rng(steps)
    for step in range(steps):
        batch = x + rng.normal(0, 1 + step, x.shape)                  # a new batch each step
        with torch.no_grad():
            y_torch = bn(torch.from_numpy(batch)).numpy()
        y, mean, var = batch_norm_train(batch, gamma, beta, eps=eps)
        before = frozen(running_mean, running_var, mean, var)
        running_mean, running_var = update_running_stats(running_mean, running_var, mean, var, m, momentum=momentum)
        for a, b in zip(before[2:], (mean, var)):
            assert np.array_equal(a, b)
        np.testing.assert_allclose(y, y_torch, rtol=0, atol=ATOL)
        np.testing.assert_allclose(running_mean, bn.running_mean.numpy(), rtol=0, atol=ATOL)
        np.testing.assert_allclose(running_var, bn.running_var.numpy(), rtol=1e-12, atol=ATOL)
    bn.eval()
    before = frozen(x, running_mean, running_var)
    with torch.no_grad():
        expected = bn(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(batch_norm_eval(x, gamma, beta, running_mean, running_var, eps=eps),
                               expected, rtol=0, atol=ATOL)
    for a, b in zip(before, (x, running_mean, running_var)):
        assert np.array_equal(a, b)


@st.composite
def fold_cases(draw):
    c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    h, w = draw(st.integers(kh, 7)), draw(st.integers(kw, 7))
    n, pad, has_bias = draw(st.integers(1, 3)), draw(st.integers(0, 2)), draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return (rng.standard_normal((n, c_in, h, w)), rng.standard_normal((c_out, c_in, kh, kw)),
            rng.standard_normal(c_out) if has_bias else None, rng.normal(1, 0.5, c_out), rng.standard_normal(c_out),
            rng.standard_normal(c_out), rng.uniform(0.1, 4, c_out), pad, draw(st.sampled_from([1e-5, 0.01])))


@settings(max_examples=40, deadline=None)
@given(fold_cases())
def test_folded_conv_equals_conv_then_bn_in_eval(case):
    x, w, b, gamma, beta, rm, rv, pad, eps = case
    before = frozen(w, gamma, beta, rm, rv) + ([] if b is None else [b.copy()])
    w_f, b_f = fold_into_conv(w, b, gamma, beta, rm, rv, eps=eps)
    assert w_f.shape == w.shape and b_f.shape == (w.shape[0],)
    conv = torch.nn.Conv2d(w.shape[1], w.shape[0], w.shape[2:], padding=pad, bias=b is not None, dtype=torch.float64)
    bn = torch.nn.BatchNorm2d(w.shape[0], eps=eps, dtype=torch.float64).eval()
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(w))
        if b is not None:
            conv.bias.copy_(torch.from_numpy(b))
        bn.weight.copy_(torch.from_numpy(gamma))
        bn.bias.copy_(torch.from_numpy(beta))
        bn.running_mean.copy_(torch.from_numpy(rm))
        bn.running_var.copy_(torch.from_numpy(rv))
        expected = bn(conv(torch.from_numpy(x))).numpy()
        folded = F.conv2d(torch.from_numpy(x), torch.from_numpy(w_f), torch.from_numpy(b_f), padding=pad).numpy()
    np.testing.assert_allclose(folded, expected, rtol=0, atol=ATOL)
    # the same through convviz's own conv and BN, sample by sample
    for i in range(x.shape[0]):
        ours = cross_correlate2d(x[i], w, b, padding=pad)[None]
        np.testing.assert_allclose(batch_norm_eval(ours, gamma, beta, rm, rv, eps=eps)[0],
                                   cross_correlate2d(x[i], w_f, b_f, padding=pad), rtol=0, atol=ATOL)
    after = [w, gamma, beta, rm, rv] + ([] if b is None else [b])
    for a, c in zip(before, after):
        assert np.array_equal(a, c)


def test_unbiased_correction_by_hand():
    """Note 002: Var[x] = m/(m−1) E_B[σ²_B]. Values 0..7 in one channel: σ² = 42/8, stored 42/7 · 0.1 + 0.9."""
    x = np.arange(8.0).reshape(2, 1, 2, 2)
    _, mean, var = batch_norm_train(x, 1.0, 0.0)
    assert mean[0] == 3.5 and var[0] == 5.25
    rm, rv = update_running_stats(np.zeros(1), np.ones(1), mean, var, m=8, momentum=0.1)
    assert rm[0] == pytest.approx(0.35) and rv[0] == pytest.approx(0.9 + 0.1 * 6.0)


def test_momentum_extremes():
    mean, var = np.array([2.0]), np.array([3.0])
    rm, rv = update_running_stats([5.0], [7.0], mean, var, 4, momentum=0.0)
    assert rm[0] == 5.0 and rv[0] == 7.0
    rm, rv = update_running_stats([5.0], [7.0], mean, var, 4, momentum=1.0)
    assert rm[0] == 2.0 and rv[0] == 4.0


@pytest.mark.parametrize("call, message", [
    (lambda: batch_norm_train(np.zeros((1, 2, 1, 1)), 1, 0), "single value"),
    (lambda: batch_norm_train(np.zeros((2, 3)), 1, 0), "(N, C, H, W)"),
    (lambda: batch_norm_train(np.zeros((2, 3, 2, 2)), [1, 2], 0), "one entry per channel"),
    (lambda: update_running_stats([0.0], [1.0], [0.0], [1.0], 4, momentum=1.5), "momentum must be in [0, 1]"),
    (lambda: update_running_stats([0.0], [1.0], [0.0], [1.0], 4, momentum=-0.1), "momentum must be in [0, 1]"),
    (lambda: update_running_stats([0.0], [1.0], [0.0], [1.0], 1), "at least 2"),
    (lambda: batch_norm_eval(np.zeros((1, 1, 2, 2)), 1, 0, [0.0], [-1.0]), "positive"),
    (lambda: fold_into_conv(np.zeros((2, 3)), None, 1, 0, 0, 1), "(Cout, Cin, kh, kw)"),
])
def test_errors_say_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


# --- The lesson's data, figures and training demo ------------------------------------------------

from convviz.figures import batch_normalization as bf                       # noqa: E402
from convviz.lessons import batch_normalization as lesson                   # noqa: E402
from convviz.lessons.batch_normalization import BatchSettings, RunningSettings  # noqa: E402
from convviz.lessons.shared.bn_training_demo import SmallCNN, compare, gratings  # noqa: E402


@pytest.mark.parametrize("kind, count", [("batch", 3 * 2 * 5), ("layer", 4 * 2 * 5), ("instance", 2 * 5),
                                         ("group", 2 * 2 * 5)])
def test_norm_masks_cover_the_right_axes(kind, count):
    mask = bf.norm_mask(kind, (3, 4, 2, 5), sample=1, channel=3, groups=2)
    assert mask.sum() == count and mask[1, 3].all()
    if kind == "batch":
        assert mask[:, 3].all() and not mask[:, :3].any()
    if kind == "group":                                          # channels 2 and 3 of sample 1
        assert mask[1, 2:].all() and not mask[0].any() and not mask[1, :2].any()
    with pytest.raises(ValueError, match="must divide"):
        bf.norm_mask("group", (3, 4, 2, 5), 0, 0, groups=3)


def test_running_history_matches_torch_and_figures_read_top_down():
    ours, theirs = lesson.histories(RunningSettings(BatchSettings(2, 3, 2, 3, seed=5, gamma=1.5, beta=-0.5),
                                                    momentum=0.3, steps=4))
    np.testing.assert_allclose(ours["running_mean"][-1], theirs["running_mean"], atol=ATOL)
    np.testing.assert_allclose(ours["running_var"][-1], theirs["running_var"], atol=ATOL)
    np.testing.assert_allclose(ours["y_train"], theirs["y_train"], atol=ATOL)
    np.testing.assert_allclose(ours["y_eval"], theirs["y_eval"], atol=ATOL)
    x = lesson.draw_batch(2, 3, 2, 3, 5)
    fig = bf.tensor_figure(x, channel=1)
    assert fig.layout.yaxis.autorange == "reversed"
    z = np.array(fig.data[0].z, dtype=float)                     # blocks: 2·(2+1)−1 rows, 3·(3+1)−1 columns
    assert z.shape == (5, 11) and np.nansum(z) == 2 * 2 * 3
    assert bf.norm_contrast_figure(x.shape, 1, 3).layout.yaxis4.autorange == "reversed"
    y, _, _ = batch_norm_train(x, -1.0, 2.0)
    assert len(bf.histogram_figure(x, y, -1.0, 2.0).data) == 6


def test_fold_example_agrees_three_ways():
    ex = lesson.fold_example(BatchSettings(seed=3, gamma=0.7, beta=0.2))
    np.testing.assert_allclose(ex["folded"], ex["conv_then_bn"], atol=ATOL)
    np.testing.assert_allclose(ex["folded"], ex["torch"], atol=ATOL)


def test_training_demo_on_a_tiny_setting():
    x, labels = gratings(16, seed=0)
    assert x.shape == (16, 1, 12, 12) and set(labels.tolist()) <= {0, 1, 2, 3}
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in SmallCNN(True).modules())
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in SmallCNN(False).modules())
    threads = torch.get_num_threads()
    first = compare((0.01, 0.1), steps=3, batch_size=8, seed=1)
    assert torch.get_num_threads() == threads                    # restored after the one-thread run
    again = compare((0.01, 0.1), steps=3, batch_size=8, seed=1)
    assert [(r.batch_norm, r.lr) for r in first["runs"]] == [(False, 0.01), (True, 0.01), (False, 0.1), (True, 0.1)]
    for a, b in zip(first["runs"], again["runs"]):
        assert len(a.losses) == 3 and np.all(np.isfinite(a.losses)) and a.losses == b.losses   # seeded
    assert 0 <= first["runs"][0].test_accuracy <= 1
    with pytest.raises(ValueError, match="batch_size"):
        compare((0.01, 0.1), steps=3, batch_size=1)
