"""Checkerboard artifacts (issue 34): the numpy decoders and input gradients against their torch twins, torch's
default initialisation, the spectrum measure against an independent torch.fft one, and the issue's numbers."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz import checkerboard as cb
from convviz.restoration.image_input import sample_image
from convviz.torch_ref.checkerboard import decoder_output_torch, input_gradient_torch

SEEDS = range(20)


def torch_period2_share(image: np.ndarray) -> float:
    """Independent of convviz: torch.fft.fft2 of the image minus its mean; the Nyquist row and column over all."""
    y = torch.from_numpy(image) - image.mean()
    power = torch.fft.fft2(y).abs() ** 2
    h, w = power.shape
    on_lines = power[h // 2, :].sum() + power[:, w // 2].sum() - power[h // 2, w // 2]
    return float(on_lines / power.sum())


def photo(side: int = 128) -> np.ndarray:
    """The cameraman (scikit-image's bundled photo), side×side grayscale in [0, 1]."""
    return np.asarray(sample_image("camera", side=side), dtype=np.float64)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(cb.KINDS), st.integers(0, 2**32 - 1), st.integers(1, 10), st.integers(1, 3))
def test_decoder_output_equals_torch(kind, seed, size, layers):
    y = cb.decoder_output(kind, seed, size, layers)
    assert y.shape == (size * 2**layers,) * 2
    np.testing.assert_allclose(y, decoder_output_torch(kind, seed, size, layers), rtol=0, atol=1e-10)


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(cb.GRADIENT_KINDS), st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(1, 5))
def test_input_gradient_equals_autograd(kind, seed, h8, w8):
    image = np.random.default_rng(seed).random((8 * h8, 8 * w8))
    g = cb.input_gradient(kind, image, seed)
    assert g.shape == image.shape
    np.testing.assert_allclose(g, input_gradient_torch(kind, image, seed), rtol=0, atol=1e-10)


def test_same_seed_same_image_other_seed_other_image():
    for kind in cb.KINDS:
        np.testing.assert_array_equal(cb.decoder_output(kind, 3), cb.decoder_output(kind, 3))
        assert not np.allclose(cb.decoder_output(kind, 3), cb.decoder_output(kind, 4))


@pytest.mark.parametrize("kind", cb.KINDS)
def test_weights_follow_torchs_default_bounds(kind):
    """Every weight and bias lies in torch's ±1/√fan_in with fan_in from torch's own rule, and fills it."""
    _, params = cb.decoder_weights(kind, seed=1, layers=3)
    for w, b in params:
        module = (torch.nn.ConvTranspose2d(w.shape[0], w.shape[1], w.shape[2]) if kind.startswith("transposed")
                  else torch.nn.Conv2d(w.shape[1], w.shape[0], w.shape[2]))
        assert tuple(module.weight.shape) == w.shape
        fan_in, _ = torch.nn.init._calculate_fan_in_and_fan_out(module.weight)
        if kind == "pixel_shuffle_icnr":
            fan_in = w.shape[1] * 9                      # the one filter repeated: the same fan_in
        bound = 1 / np.sqrt(fan_in)
        assert np.abs(module.weight.detach().numpy()).max() <= bound and np.abs(w).max() <= bound
        assert np.abs(w).max() > 0.9 * bound and np.abs(b).max() <= bound


def test_icnr_layer_is_nearest_upsampling_of_one_conv():
    z, params = cb.decoder_weights("pixel_shuffle_icnr", seed=5, layers=1)
    w, b = params[0]
    y = cb.upsampling_layer("pixel_shuffle_icnr", z, w, b)
    np.testing.assert_array_equal(y[:, 0::2, 0::2], y[:, 1::2, 1::2])
    np.testing.assert_array_equal(y[:, 0::2, 0::2], y[:, 0::2, 1::2])


def test_measure_equals_the_independent_torch_spectrum_and_counts_lines():
    rng = np.random.default_rng(0)
    for shape in [(8, 8), (16, 12), (64, 64)]:
        image = rng.standard_normal(shape)
        assert cb.periodic_power_share(image) == pytest.approx(torch_period2_share(image), rel=1e-12)
    checker = np.indices((16, 16)).sum(0) % 2 * 1.0               # a pure checkerboard: all power at (8, 8)
    assert cb.periodic_power_share(checker) == pytest.approx(1.0)
    stripes = np.tile([1.0, 0.0, -1.0, 0.0], (16, 4))              # a cosine of period 4 across: not on the period-2 lines
    assert cb.periodic_power_share(stripes, 2) == pytest.approx(0.0, abs=1e-12)
    assert cb.periodic_power_share(stripes, 4) == pytest.approx(1.0)
    pulses = np.tile([1.0, 0.0, 0.0, 0.0], (16, 4))                # pulses every 4: harmonics N/4, N/2, 3N/4 equally
    assert cb.periodic_power_share(pulses, 2) == pytest.approx(1 / 3)
    assert cb.periodic_power_share(np.ones((8, 8))) == 0.0
    assert cb.periodic_mask((8, 8), 4).sum() == 2 * 3 * 8 - 9
    with pytest.raises(ValueError, match="not a multiple"):
        cb.periodic_power_share(np.random.default_rng(1).random((6, 8)), 4)


@pytest.fixture(scope="module")
def medians():
    return {kind: float(np.median([torch_period2_share(cb.decoder_output(kind, s)) for s in SEEDS])) for kind in cb.KINDS}


def test_done_when_period2_shares_over_20_seeds(medians):
    """Issue 34: median over 20 seeds >= 0.1 for transposed k3 s2 and pixel shuffle, <= 0.01 for the remedies."""
    assert medians["transposed_k3s2"] >= 0.1 and medians["pixel_shuffle"] >= 0.1
    assert medians["resize_conv"] <= 0.01 and medians["pixel_shuffle_icnr"] <= 0.01
    assert medians["transposed_k4s2"] >= 0.1


def test_icnr_output_has_no_power_on_the_nyquist_lines():
    for seed in range(3):
        assert torch_period2_share(cb.decoder_output("pixel_shuffle_icnr", seed)) < 1e-25


def test_done_when_strided_gradient_shows_10x_the_pooled_one():
    image = photo()
    strided = np.median([torch_period2_share(input_gradient_torch("strided", image, s)) for s in SEEDS])
    pooled = np.median([torch_period2_share(input_gradient_torch("pooled", image, s)) for s in SEEDS])
    assert strided >= 10 * pooled
    assert cb.periodic_power_share(cb.input_gradient("strided", image, 0)) == pytest.approx(
        torch_period2_share(input_gradient_torch("strided", image, 0)), rel=1e-9)


def test_stack_1d_counts_compound_and_a_stride_1_layer_damps_them():
    two = [(3, 2), (3, 2)]
    outputs = cb.stack_1d(8, two)
    np.testing.assert_array_equal(outputs[0], [1, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1])
    inner = cb.interior(outputs[1], cb.stack_border(two))
    np.testing.assert_array_equal(inner[:8], [3, 1, 3, 2, 3, 1, 3, 2])      # period 2 (the 3s) and period 4 at once
    shares = cb.stack_shares(outputs[1], cb.stack_border(two))
    assert shares[2] > 0.1 and shares[4] > shares[2] and cb.interior_ratio(outputs[1], cb.stack_border(two)) == 3.0
    damped_layers = two + [(2, 1)]
    damped = cb.stack_1d(8, damped_layers)[-1]
    assert cb.stack_shares(damped, cb.stack_border(damped_layers))[2] == pytest.approx(0.0, abs=1e-20)
    assert cb.interior_ratio(damped, cb.stack_border(damped_layers)) == 1.25     # 4, 5, 5, 4: milder, not gone
    torch_out = torch.nn.functional.conv_transpose1d(torch.ones(1, 1, 8, dtype=torch.float64),
                                                     torch.ones(1, 1, 3, dtype=torch.float64), stride=2)
    np.testing.assert_array_equal(outputs[0], torch_out[0, 0].numpy())


@pytest.mark.parametrize("call, message", [
    (lambda: cb.decoder_output("deconv"), "Unknown decoder"),
    (lambda: cb.decoder_output("resize_conv", size=0), "input size"),
    (lambda: cb.decoder_output("resize_conv", layers=9), "number of layers"),
    (lambda: cb.input_gradient("strided", np.ones((12, 16))), "multiples of 8"),
    (lambda: cb.input_gradient("maxpool", np.ones((16, 16))), "Unknown network"),
    (lambda: cb.periodic_power_share(np.ones((8, 8)), 1), "at least 2"),
    (lambda: cb.stack_1d(4, [(9, 2)]), "kernel size"),
])
def test_bad_settings_say_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("arch", sorted(cb.TRAINED))
def test_trained_upsample_in_numpy_equals_the_torch_model(arch):
    from convviz.restoration.models import build

    torch.manual_seed(3)
    model = build(arch, scale=2).double().eval()
    low = np.random.default_rng(0).random((9, 11))
    with torch.no_grad():
        expected = model(torch.from_numpy(low)[None, None])[0, 0].numpy()
    weights = {k: v.numpy() for k, v in model.state_dict().items()}
    np.testing.assert_allclose(cb.trained_upsample(arch, weights, low), expected, rtol=0, atol=1e-12)
    if arch == "checker_icnr":                                      # ICNR at initialisation: the 4 filters equal
        w = weights["up.weight"]
        assert all(np.array_equal(w[0], w[i]) for i in range(4))
