"""convviz.zoo against torch in float64: costs vs nn.Conv2d, grouped/depthwise vs F.conv2d(groups=...),
pooling gradients vs autograd, the locally connected layer vs an F.unfold reference."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convviz import zoo
from convviz.conv import cross_correlate2d
from convviz.lessons.snippets.convolution_zoo import cost_snippet
from convviz.pooling import avg_pool2d, gaussian_pool_weights, max_pool2d
from convviz.torch_ref import zoo as zoo_torch


def t64(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float64))


# --- conv_cost ------------------------------------------------------------------------------

@st.composite
def conv_settings(draw):
    groups = draw(st.integers(1, 4))
    c_in, c_out = groups * draw(st.integers(1, 4)), groups * draw(st.integers(1, 4))
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    s, p, d = draw(st.integers(1, 3)), draw(st.integers(0, 2)), draw(st.integers(1, 2))
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    assume(h + 2 * p >= d * (kh - 1) + 1 and w + 2 * p >= d * (kw - 1) + 1)
    return dict(in_channels=c_in, out_channels=c_out, kernel_size=(kh, kw), input_size=(h, w), stride=s,
                padding=p, dilation=d, groups=groups, bias=draw(st.booleans()))


@settings(max_examples=30, deadline=None)
@given(conv_settings())
def test_conv_cost_matches_nn_conv2d(a):
    cost = zoo.conv_cost(**a)
    layer = torch.nn.Conv2d(a["in_channels"], a["out_channels"], a["kernel_size"], a["stride"], a["padding"],
                            a["dilation"], a["groups"], a["bias"], device="meta")
    assert cost["params"] == sum(p.numel() for p in layer.parameters())
    y = layer(torch.empty(1, a["in_channels"], *a["input_size"], device="meta"))
    assert cost["output_size"] == tuple(y.shape[-2:])
    kh, kw = a["kernel_size"]
    ho, wo = cost["output_size"]
    assert cost["macs"] == ho * wo * a["out_channels"] * (a["in_channels"] // a["groups"]) * kh * kw


def test_conv_cost_macs_by_hand():
    """VGG's first layer: 3 -> 64, 3×3, 224×224 'same': 224²·64·3·9 = 86,704,128 MACs, 1,792 parameters."""
    cost = zoo.conv_cost(3, 64, 3, 224, padding=1)
    assert cost == {"params": 1792, "macs": 86_704_128, "output_size": (224, 224)}


@pytest.mark.parametrize("c_in, c_out, groups", [(8, 6, 3), (6, 8, 3), (4, 4, 0)])
def test_conv_cost_refuses_bad_groups_like_torch(c_in, c_out, groups):
    with pytest.raises(ValueError, match="divisible|at least 1"):
        zoo.conv_cost(c_in, c_out, 3, 8, groups=groups)
    with pytest.raises(ValueError):
        torch.nn.Conv2d(c_in, c_out, 3, groups=groups)


# --- depthwise separable --------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(st.integers(1, 64), st.integers(1, 64), st.integers(1, 7), st.integers(7, 40), st.booleans())
def test_depthwise_separable_cost(c_in, c_out, k, n, bias):
    cost = zoo.depthwise_separable_cost(c_in, c_out, k, n, padding=k // 2, bias=bias)
    block = torch.nn.Sequential(torch.nn.Conv2d(c_in, c_in, k, padding=k // 2, groups=c_in, bias=bias, device="meta"),
                                torch.nn.Conv2d(c_in, c_out, 1, bias=bias, device="meta"))
    assert cost["params"] == sum(p.numel() for p in block.parameters())
    assert cost["macs"] == cost["depthwise"]["macs"] + cost["pointwise"]["macs"]
    assert cost["ratio"] == pytest.approx(1 / c_out + 1 / k**2, rel=1e-12)          # exact for MACs
    if not bias:
        assert cost["params_ratio"] == pytest.approx(1 / c_out + 1 / k**2, rel=1e-12)


@pytest.mark.parametrize("args", [(32, 64, 3, 112, 1, 1), (3, 5, 5, 9, 2, 0), (1024, 1024, 11, 1024, 4, 5)])
def test_cost_snippet_prints_the_calculators_numbers(args, capsys):
    exec(cost_snippet(*args), {})
    printed = [int(v) for v in capsys.readouterr().out.split()]
    cost = zoo.depthwise_separable_cost(*args)
    assert printed == [cost["standard"]["params"], cost["standard"]["macs"], cost["params"], cost["macs"]]


def test_mobilenet_ratio_is_about_one_ninth():
    """MobileNet (Howard et al. 2017, sec. 3.1): 3×3 depthwise separable convs cost 8 to 9 times less."""
    r = zoo.depthwise_separable_cost(512, 512, 3, 14, padding=1)["ratio"]
    assert 1 / 9 < r < 1 / 8


@pytest.mark.parametrize("c_in, c_out, k, n, s, p", [(32, 64, 3, 112, 1, 1), (32, 32, 3, 20, 2, 0),
                                                      (8, 512, 3, 14, 1, 1), (3, 72, 3, 9, 1, 1), (3, 71, 3, 9, 1, 1),
                                                      (16, 5, 5, 11, 3, 2)])
def test_separable_savings_is_the_torch_mac_ratio(c_in, c_out, k, n, s, p, capsys):
    """The page's "1/(1/C_out + 1/k²) times fewer MACs": torch's MACs (forward hooks, cost_snippet) divided."""
    exec(cost_snippet(c_in, c_out, k, n, s, p), {})
    _, std_macs, _, sep_macs = (int(v) for v in capsys.readouterr().out.split())
    assert zoo.separable_savings(c_out, k) == pytest.approx(std_macs / sep_macs, rel=1e-14)
    assert zoo.separable_savings(c_out, k) < k * k


def test_separable_savings_numbers_the_page_states():
    """7.89× for the default 64 output channels (not "8 to 9"); MobileNet's 8 to 9 times needs C_out >= 72."""
    assert f"{zoo.separable_savings(64, 3):.2f}" == "7.89"
    assert zoo.separable_out_channels_for(8, 3) == 72
    assert zoo.separable_savings(72, 3) >= 8 > zoo.separable_savings(71, 3)
    assert zoo.separable_out_channels_for(9, 3) is None                    # k² itself is never reached
    for k, target in [(3, 7.5), (5, 20), (7, 48.9)]:
        c = zoo.separable_out_channels_for(target, k)
        assert zoo.separable_savings(c, k) >= target > zoo.separable_savings(c - 1, k)


def test_grouped_conv_divides_weights_and_macs_by_g_but_not_biases():
    """The page: "The weights and the MACs drop by the factor g (the C_out biases stay)"; torch's counts."""
    for c_in, c_out, g, k in [(8, 8, 2, 3), (16, 32, 4, 5), (6, 9, 3, 1)]:
        grouped, full = zoo.conv_cost(c_in, c_out, k, 12, groups=g), zoo.conv_cost(c_in, c_out, k, 12)
        assert full["macs"] == g * grouped["macs"]
        weights = lambda groups: zoo_torch.conv_params_torch(c_in, c_out, k, groups=groups, bias=False)  # noqa: E731
        assert weights(1) == g * weights(g)
        assert zoo_torch.conv_params_torch(c_in, c_out, k, groups=g) - weights(g) == c_out


def test_locally_connected_has_h_w_times_the_convolutions_parameters():
    """The page: "H'·W' times as many weights" (a bias per output value, so parameters too)."""
    for c_in, c_out, k, n in [(1, 1, 3, 6), (3, 4, 2, 7)]:
        lc, conv = zoo.locally_connected_cost(c_in, c_out, k, n), zoo.conv_cost(c_in, c_out, k, n)
        ho, wo = lc["output_size"]
        assert lc["params"] == ho * wo * conv["params"] == ho * wo * zoo_torch.conv_params_torch(c_in, c_out, k)
        assert lc["macs"] == conv["macs"]


def test_depthwise_separable_numerics_match_torch():
    ex = zoo_torch.depthwise_separable_example(5, 7, 3, stride=2, padding=1, size=9, seed=3)
    assert ex["y"].shape == (7, 5, 5) and ex["torch_gap"] < 1e-12


# --- spatially separable --------------------------------------------------------------------

def test_sobel_splits_exactly():
    sobel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float64)
    col, row, residual = zoo.spatially_separable(sobel)
    assert col.tolist() == [1, 2, 1] and row.tolist() == [1, 0, -1]
    assert np.all(residual == 0)
    assert np.array_equal(np.outer(col, row), sobel)


def test_random_kernel_is_not_separable():
    w = np.random.default_rng(0).standard_normal((3, 3))
    col, row, residual = zoo.spatially_separable(w)
    s = np.linalg.svd(w, compute_uv=False)
    assert np.abs(residual).max() > 0.1
    # The SVD split is the best rank 1: what is left has norm sqrt(σ2² + σ3²) (Eckart–Young).
    assert np.linalg.norm(residual) == pytest.approx(np.sqrt((s[1:] ** 2).sum()), rel=1e-10)
    np.testing.assert_allclose(np.outer(col, row) + residual, w, atol=1e-14)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_any_outer_product_splits_with_tiny_residual(kh, kw, seed):
    rng = np.random.default_rng(seed)
    w = np.outer(rng.standard_normal(kh), rng.standard_normal(kw))
    col, row, residual = zoo.spatially_separable(w)
    assert np.abs(residual).max() < 1e-12 * max(1.0, np.abs(w).max())


def test_column_then_row_equals_the_2d_kernel_in_torch():
    img = np.random.default_rng(1).standard_normal((9, 8))
    col, row = np.array([1.0, 2, 1]), np.array([1.0, 0, -1])
    ref = F.conv2d(t64(img)[None, None], t64(np.outer(col, row))[None, None], padding=1)[0, 0].numpy()
    np.testing.assert_allclose(zoo.separable_conv2d(img, col, row, padding=1), ref, atol=1e-12)


def test_separable_example_gaps():
    assert zoo_torch.separable_example("sobel")["kernel_gap"] < 1e-12
    lap = zoo_torch.separable_example("laplacian")
    assert lap["rank1_gap"] < 1e-12 and lap["kernel_gap"] > 0.1


# --- grouped, depthwise, 1×1 ----------------------------------------------------------------

@st.composite
def grouped_cases(draw):
    g = draw(st.integers(1, 4))
    c_in, c_out = g * draw(st.integers(1, 3)), g * draw(st.integers(1, 3))
    k, s, p, d = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(0, 2)), draw(st.integers(1, 2))
    n = draw(st.integers(1, 10))
    assume(n + 2 * p >= d * (k - 1) + 1)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return (rng.standard_normal((c_in, n, n)), rng.standard_normal((c_out, c_in // g, k, k)),
            rng.standard_normal(c_out), s, p, d, g)


@settings(max_examples=30, deadline=None)
@given(grouped_cases())
def test_grouped_conv_equals_torch_groups(case):
    x, w, b, s, p, d, g = case
    ref = F.conv2d(t64(x)[None], t64(w), t64(b), stride=s, padding=p, dilation=d, groups=g)[0].numpy()
    np.testing.assert_allclose(zoo.grouped_conv2d(x, w, b, s, p, d, groups=g), ref, rtol=0, atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(grouped_cases())
def test_depthwise_conv_equals_torch_groups_c(case):
    x, _, _, s, p, d, _ = case
    rng = np.random.default_rng(0)
    w, b = rng.standard_normal((x.shape[0], 3, 2)), rng.standard_normal(x.shape[0])
    assume(x.shape[1] + 2 * p >= d * 2 + 1)
    ref = F.conv2d(t64(x)[None], t64(w)[:, None], t64(b), stride=s, padding=p, dilation=d, groups=x.shape[0])[0]
    np.testing.assert_allclose(zoo.depthwise_conv2d(x, w, b, s, p, d), ref.numpy(), rtol=0, atol=1e-10)


def test_pointwise_is_a_matrix_at_every_pixel():
    ex = zoo_torch.pointwise_example(3, 2, seed=4)
    x, w, y = ex["x"], ex["w"], ex["y"]
    for i, j in [(0, 0), (2, 3)]:
        np.testing.assert_array_equal(y[:, i, j], w @ x[:, i, j])
    assert ex["torch_gap"] < 1e-12


def test_group_connections_block_diagonal():
    m = zoo.group_connections(4, 6, 2)
    assert m.shape == (6, 4)
    assert (m[:3, :2] == 0).all() and (m[3:, 2:] == 1).all() and (m[:3, 2:] == -1).all() and (m[3:, :2] == -1).all()


def test_grouped_example_matches_torch():
    assert zoo_torch.grouped_example(6, 9, 3, 3, seed=2)["torch_gap"] < 1e-12


# --- dilation -------------------------------------------------------------------------------

@pytest.mark.parametrize("k, dilations, strides, expected", [
    pytest.param(3, [1, 1], [2, 2], [3, 7], id="note002-two-3x3-s2"),        # seed 002: r1 = 3, r2 = 7
    pytest.param(3, [1, 2, 4, 8], None, [3, 7, 15, 31], id="wavenet-doubling"),
    pytest.param(3, [2, 2, 2], None, [5, 9, 13], id="constant-d2"),
])
def test_receptive_field_formula_and_autograd(k, dilations, strides, expected):
    assert zoo.receptive_field_sizes(k, dilations, strides) == expected
    assert zoo_torch.receptive_field_torch(k, dilations, strides) == expected[-1]


def test_dilated_taps_footprint():
    taps = zoo.dilated_taps(3, 2)
    assert taps.shape == (5, 5) and taps.sum() == 9 and taps[::2, ::2].all()


# --- pooling backward -----------------------------------------------------------------------

@st.composite
def pool_cases(draw):
    k, s = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    p = draw(st.integers(0, k // 2))
    h, w = draw(st.integers(k, 10)), draw(st.integers(k, 10))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((h, w))
    return x, k, s, p


@settings(max_examples=40, deadline=None)
@given(pool_cases(), st.sampled_from(["max", "avg"]))
def test_pool_backward_equals_autograd(case, op):
    x, k, s, p = case
    pool, backward = (max_pool2d, zoo.max_pool2d_backward) if op == "max" else (avg_pool2d, zoo.avg_pool2d_backward)
    g = np.random.default_rng(1).standard_normal(pool(x, k, s, p).shape)
    xt = t64(x)[None, None].requires_grad_(True)
    torch_pool = F.max_pool2d if op == "max" else F.avg_pool2d
    torch_pool(xt, k, stride=s, padding=p).backward(t64(g)[None, None])
    np.testing.assert_allclose(backward(x, g, k, s, p), xt.grad[0, 0].numpy(), rtol=0, atol=1e-12)


def test_max_pool_gradient_goes_to_the_winner_only():
    x = np.array([[1.0, 5, 2, 0], [3, 4, 8, 1], [0, 2, 1, 1], [6, 1, 0, 9]])
    grad = zoo.max_pool2d_backward(x, np.ones((2, 2)), 2)
    np.testing.assert_array_equal(grad, [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [1, 0, 0, 1]])
    # average pooling spreads 1/4 to every cell
    np.testing.assert_array_equal(zoo.avg_pool2d_backward(x, np.ones((2, 2)), 2), np.full((4, 4), 0.25))


def test_pooling_example_overlapping_windows_add_up():
    ex = zoo_torch.pooling_example("max", 3, 1, 0, 6, seed=0)
    assert ex["torch_gap"] == 0 and ex["grad"].sum() == ex["y"].size and ex["grad"].max() > 1
    with pytest.raises(ValueError, match="at most half"):
        zoo_torch.pooling_example("avg", 2, 2, 2, 6)


# --- Lp and weighted-average pooling, backward and the page's example -----------------------

@settings(max_examples=60, deadline=None)
@given(pool_cases(), st.sampled_from([1.0, 1.5, 2.0, 3.0, 4.5]), st.booleans())
def test_lp_pool_backward_equals_autograd(case, p, zeros):
    """∂y/∂x = x^(p−1)·y^(1−p) per window (0 where Σ x^p = 0), summed over windows, on x >= 0."""
    x, k, s, _ = case
    x = np.abs(x)
    if zeros:
        x[: k, : k] = 0.0                                                  # an all-zero window: torch gives 0
    g = np.random.default_rng(2).standard_normal(zoo.lp_pool2d(x, p, k, s).shape)
    y_ref, ref = zoo_torch.lp_pool2d_torch(x, p, k, s, grad_output=g)
    np.testing.assert_allclose(zoo.lp_pool2d(x, p, k, s), y_ref, rtol=1e-12)
    np.testing.assert_allclose(zoo.lp_pool2d_backward(x, g, p, k, s), ref, rtol=1e-10, atol=1e-12)


def test_lp_pool_backward_p1_gives_one_to_every_cell():
    """The page: p = 1 (the sum) hands 1 to every cell of a window."""
    x = np.arange(1.0, 17.0).reshape(4, 4)
    np.testing.assert_array_equal(zoo.lp_pool2d_backward(x, np.ones((2, 2)), 1.0, 2), np.ones((4, 4)))
    with pytest.raises(ValueError, match="x ≥ 0"):
        zoo.lp_pool2d_backward(-x, np.ones((2, 2)), 2.0, 2)


@settings(max_examples=60, deadline=None)
@given(pool_cases(), st.floats(0.2, 5.0))
def test_weighted_average_pool_backward_equals_autograd(case, sigma):
    x, k, s, p = case
    w = gaussian_pool_weights(k, sigma)
    g = np.random.default_rng(3).standard_normal(zoo.weighted_avg_pool2d(x, w, s, p).shape)
    y_ref, ref = zoo_torch.weighted_avg_pool2d_torch(x, w, s, p, grad_output=g)
    np.testing.assert_allclose(zoo.weighted_avg_pool2d(x, w, s, p), y_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(zoo.weighted_avg_pool2d_backward(x, g, w, s, p), ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("op, k, s, p, size, kw", [
    ("lp", 2, 2, 0, 6, dict(p_norm=2.0)), ("lp", 3, 1, 0, 7, dict(p_norm=3.5)), ("lp", 1, 1, 0, 3, dict(p_norm=1.0)),
    ("wavg", 3, 1, 1, 6, dict(sigma=1.0)), ("wavg", 5, 2, 2, 9, dict(sigma=0.3)), ("wavg", 2, 2, 0, 5, {}),
    ("max", 2, 2, 0, 6, {}), ("avg", 3, 1, 1, 6, {}), ("stride", 3, 2, 1, 7, {})])
def test_pooling_example_forward_and_backward_checks(op, k, s, p, size, kw):
    ex = zoo_torch.pooling_example(op, k, s, p, size, seed=1, **kw)
    assert ex["forward_gap"] < 1e-12 and ex["torch_gap"] < 1e-12
    assert (ex["weights"] is not None) == (op == "wavg")
    window = zoo.first_pool_window(ex["x"], k, p)                         # the page's worked y[0, 0]
    if op == "lp":
        q = kw["p_norm"]
        assert ex["y"][0, 0] == pytest.approx(np.sum(window ** q) ** (1 / q), rel=1e-14)
        norms = zoo.lp_window_norms(window, (1.0, 2.0, q, np.inf))
        assert norms[np.inf] == window.max() and norms[1.0] == window.sum()
        assert norms[q] == pytest.approx(F.lp_pool2d(t64(window)[None, None], q, k).item(), rel=1e-14)
        ladder = [norms[key] for key in sorted(norms)]                    # falls towards the max as p grows
        assert all(a >= b for a, b in zip(ladder, ladder[1:]))
    elif op == "wavg":
        assert ex["y"][0, 0] == pytest.approx(np.sum(ex["weights"] * window), rel=1e-14)


def test_pooling_example_refuses_padding_for_lp_and_unknown_ops():
    with pytest.raises(ValueError, match="no padding"):
        zoo_torch.pooling_example("lp", 3, 1, 1, 6)
    with pytest.raises(ValueError, match="Unknown pooling"):
        zoo_torch.pooling_example("min", 2, 2, 0, 6)


# --- locally connected ----------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2),
       st.integers(1, 9), st.integers(0, 2**32 - 1))
def test_locally_connected_equals_unfold_reference(c_in, c_out, k, s, p, n, seed):
    assume(n + 2 * p >= k)
    rng = np.random.default_rng(seed)
    ho = (n + 2 * p - k) // s + 1
    x, w = rng.standard_normal((c_in, n, n)), rng.standard_normal((ho, ho, c_out, c_in, k, k))
    b = rng.standard_normal((c_out, ho, ho))
    # torch reference written out here with F.unfold: one (C_out, C·k·k) matrix per position
    cols = F.unfold(t64(x)[None], k, stride=s, padding=p)[0]                        # (C·k·k, L)
    ref = torch.einsum("lok,kl->ol", t64(w).reshape(ho * ho, c_out, -1), cols).reshape(c_out, ho, ho) + t64(b)
    np.testing.assert_allclose(zoo.locally_connected2d(x, w, b, s, p), ref.numpy(), rtol=0, atol=1e-10)


def test_locally_connected_with_shared_weights_is_a_convolution():
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((2, 7, 6)), rng.standard_normal((3, 2, 3, 3))
    np.testing.assert_allclose(zoo.locally_connected2d(x, zoo.shared_weights(w, (5, 4))), cross_correlate2d(x, w),
                               atol=1e-12)


def test_locally_connected_parameter_count():
    """6×6 input, 3×3 kernel, 1 -> 1 channel: 16 positions × (9 weights + 1 bias) = 160; conv: 10."""
    assert zoo.locally_connected_cost(1, 1, 3, 6)["params"] == 160
    assert zoo.conv_cost(1, 1, 3, 6)["params"] == 10
    assert zoo.fully_connected_cost(1, 1, 6, (4, 4))["params"] == 36 * 16 + 16
    ex = zoo_torch.locally_connected_example(2, 3, 3, 6, seed=1)
    assert ex["w_lc"].size + ex["y"].size == zoo.locally_connected_cost(2, 3, 3, 6)["params"]
    assert ex["torch_gap"] < 1e-12 and ex["shared_gap"] < 1e-12


def test_functions_do_not_change_their_inputs():
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal((4, 6, 6)), rng.standard_normal((4, 3, 3))
    x0, w0 = x.copy(), w.copy()
    zoo.depthwise_conv2d(x, w, padding=1)
    zoo.grouped_conv2d(x, w[:, None], groups=4)
    zoo.max_pool2d_backward(x[0], np.ones((3, 3)), 2)
    zoo.spatially_separable(w[0])
    assert np.array_equal(x, x0) and np.array_equal(w, w0)


@pytest.mark.parametrize("c_in, c_out, k, n, stride", [(32, 64, 3, 112, 1), (3, 16, 5, 30, 2), (1, 1, 1, 1, 1)])
def test_note_002_cost_expressions_carry_one_factor_c_too_many(c_in, c_out, k, n, stride):
    """Note 002's depthwise slide as printed is C × the true MAC counts; the ratio 1/O + 1/K² survives."""
    true = zoo.depthwise_separable_cost(c_in, c_out, k, n, stride, padding=k // 2)
    note = zoo.note_002_cost_expressions(c_in, c_out, k, true["output_size"])
    assert note["standard"] == c_in * true["standard"]["macs"]
    assert note["separable"] == c_in * true["macs"]
    assert note["ratio"] == pytest.approx(true["ratio"], rel=1e-12)
    if (c_in, c_out, k, n) == (32, 64, 3, 112):
        assert (note["standard"], note["separable"]) == (7_398_752_256, 937_689_088)
        assert (true["standard"]["macs"], true["macs"]) == (231_211_008, 29_302_784)


def test_note_004_footnote_dense_layer_on_a_photo():
    """Note 004: 3×1024×1024 -> 1000 outputs is ~3 billion parameters, ~12 GB of float32 (nn.Linear agrees)."""
    fc = zoo.fully_connected_cost(3, 1000, 1024, 1)
    layer = torch.nn.Linear(3 * 1024 * 1024, 1000, device="meta")
    assert fc["params"] == sum(p.numel() for p in layer.parameters()) == 3_145_729_000
    assert round(fc["params"] * 4 / 1e9, 1) == 12.6


@pytest.mark.parametrize("c_in, c_out, k, size", [(1, 1, 3, 6), (2, 3, 2, 5), (1, 2, 1, 4)])
def test_convolution_is_shift_equivariant_and_locally_connected_is_not(c_in, c_out, k, size):
    """Note 002: conv(shift x) = shift conv(x) away from the border; weight sharing is what buys it."""
    ex = zoo_torch.locally_connected_example(c_in, c_out, k, size, seed=3)
    assert ex["conv_shift_gap"] < 1e-12
    assert ex["lc_shift_gap"] > 1e-3
    assert zoo_torch.locally_connected_example(1, 1, 3, 3)["conv_shift_gap"] is None      # a 1-wide output: nothing to compare


@settings(max_examples=40, deadline=None)
@given(size=st.integers(1, 9), k=st.integers(1, 4), s=st.integers(1, 4), p=st.integers(0, 2), seed=st.integers(0, 999))
def test_striding_is_a_one_hot_strided_convolution(size, k, s, p, seed):
    """Note 001's 'striding' pooling: the central sample of each window; forward and backward equal torch."""
    from convviz.pooling import central_sample_pool2d

    assume(2 * p <= k and size + 2 * p >= k)
    ex = zoo_torch.pooling_example("stride", k, s, p, size, seed)
    one_hot = torch.zeros(1, 1, k, k, dtype=torch.float64)
    one_hot[0, 0, (k - 1) // 2, (k - 1) // 2] = 1.0
    y = F.conv2d(torch.from_numpy(ex["x"])[None, None], one_hot, stride=s, padding=p)[0, 0].numpy()
    np.testing.assert_array_equal(central_sample_pool2d(ex["x"], k, s, p), y)
    np.testing.assert_array_equal(ex["y"], y)
    assert ex["torch_gap"] == 0.0
    assert set(np.unique(ex["grad"])) <= {0.0, 1.0}                        # distinct windows, distinct centres
