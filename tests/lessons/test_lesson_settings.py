"""The lessons' settings objects (ConvLayer, TransposedLayer): checked once, hashable, and their builders agree with torch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convviz.lessons.convolution import ConvLayer, LayerError, backward_pass, convolution_result
from convviz.lessons.shared.examples import input_values, kernel_values
from convviz.lessons.transposed_convolution import TransposedLayer, channel_example, transposed_result


# --- ConvLayer ---------------------------------------------------------------------------------
def test_conv_layer_defaults_are_the_page_defaults_and_hashable():
    layer = ConvLayer()
    assert (layer.c, layer.h, layer.w, layer.kh, layer.kw) == (1, 5, 5, 3, 3)
    assert layer == ConvLayer(stride=[1, 1], padding=(0, 0), dilation=(1, 1), bias=0)     # lists become tuples
    assert hash(layer) == hash(ConvLayer(stride=[1, 1]))
    assert len({layer, ConvLayer(), ConvLayer(seed=1)}) == 2
    with pytest.raises(AttributeError):
        layer.h = 6                                                                        # frozen


@pytest.mark.parametrize("settings, where, words", [
    (dict(h=2, kh=5), "H", "no window fits"),
    (dict(w=3, kw=3, dilation=(1, 2)), "W", "no window fits"),
    (dict(stride=(0, 1)), "H", "The stride must be at least 1 (got 0)."),
    (dict(padding=(0, -1)), "W", "The padding cannot be negative (got -1)."),
    (dict(kernel="sobel_x", kh=5), "kernel", "set the kernel size to 3×3"),
    (dict(op="sideways"), "kernel", "Unknown operation 'sideways'"),
    (dict(c=0), "kernel", "channels must be at least 1"),
])
def test_conv_layer_refuses_impossible_settings_with_the_pages_message(settings, where, words):
    with pytest.raises(LayerError) as caught:
        ConvLayer(**settings)
    assert isinstance(caught.value, ValueError)
    assert words in caught.value.problems[where]
    assert words in str(caught.value)


def test_conv_layer_names_both_axes_and_the_kernel_at_once():
    with pytest.raises(LayerError) as caught:
        ConvLayer(h=2, w=2, kh=5, kw=5, kernel="laplacian")
    assert set(caught.value.problems) == {"H", "W", "kernel"}
    assert str(caught.value).startswith("Height: ") and "Width: " in str(caught.value)


def test_a_preset_fixes_the_sizes():
    layer = ConvLayer.from_preset("ex71", h=1, kh=9, stride=(6, 6))         # the controls' values are overridden
    assert (layer.c, layer.h, layer.w, layer.kh, layer.padding, layer.bias) == (3, 4, 4, 3, (1, 1), 2.0)
    assert layer.output_shape == (4, 4)


@pytest.mark.parametrize("settings", [
    dict(),
    dict(c=3, h=9, w=8, kh=2, kw=4, stride=(3, 2), padding=(1, 0), dilation=(2, 1), bias=-1.5, seed=4),
    dict(c=2, h=7, w=6, kh=3, kw=3, op="conv", kernel="sobel_x", pattern="edge", padding=(1, 1)),
])
def test_convolution_result_agrees_with_torch(settings):
    layer = ConvLayer(**settings)
    result = convolution_result(layer)
    x = input_values(layer.pattern, layer.c, layer.h, layer.w, layer.seed)
    w = kernel_values(layer.kernel, layer.c, layer.kh, layer.kw, layer.seed)
    xt, wt, b = torch.from_numpy(x)[None], torch.from_numpy(w)[None], torch.tensor([layer.bias], dtype=torch.float64)
    args = dict(stride=layer.stride, padding=layer.padding, dilation=layer.dilation)
    xcorr = F.conv2d(xt, wt, b, **args)[0, 0].numpy()
    conv = F.conv2d(xt, torch.flip(wt, dims=(-2, -1)), b, **args)[0, 0].numpy()
    np.testing.assert_allclose(result.xcorr, xcorr, atol=1e-12)
    np.testing.assert_allclose(result.conv, conv, atol=1e-12)
    np.testing.assert_array_equal(result.y, conv if layer.op == "conv" else xcorr)
    assert result.y.shape == layer.output_shape
    assert result.torch_gap < 1e-12 and result.identity_gap < 1e-12
    assert result.differing_cells == int(np.sum(~np.isclose(xcorr, conv)))


@pytest.mark.parametrize("op", ["xcorr", "conv"])
def test_backward_pass_agrees_with_autograd(op):
    layer = ConvLayer(c=2, h=6, w=7, kh=3, kw=2, stride=(2, 1), padding=(1, 0), op=op, seed=3)
    back = backward_pass(layer, "random")
    assert back["gap"] < 1e-10
    assert ("note003_gap" in back) == (op == "conv")


# --- TransposedLayer -----------------------------------------------------------------------------
def test_transposed_layer_defaults_are_the_page_defaults_and_hashable():
    layer = TransposedLayer()
    assert (layer.h, layer.w, layer.k, layer.s, layer.p, layer.output_padding, layer.d) == (3, 3, 3, 2, 0, 0, 1)
    spelled_out = TransposedLayer(d=1, output_padding=0, p=0, s=2, k=3, w=3, h=3, preset="none")   # defaults, written out
    assert layer == spelled_out and hash(layer) == hash(spelled_out)
    assert len({layer, TransposedLayer(), TransposedLayer(s=3)}) == 2
    assert layer.output_shape == (7, 7)
    with pytest.raises(AttributeError):
        layer.s = 1


@pytest.mark.parametrize("settings, where, words", [
    (dict(output_padding=2, s=2), "H", "output_padding must be smaller than the stride or the dilation"),
    (dict(h=1, w=1, k=1, p=4), "W", "The output would have"),
    (dict(kernel="sobel_x", k=5), "kernel", "set the kernel size to 3×3"),
    (dict(s=0), "H", "The stride must be at least 1 (got 0)."),
])
def test_transposed_layer_refuses_impossible_settings_with_the_pages_message(settings, where, words):
    with pytest.raises(ValueError) as caught:
        TransposedLayer(**settings)
    assert words in caught.value.problems[where] and words in str(caught.value)


def test_output_padding_allowed_by_dilation_and_the_note_000_preset():
    assert TransposedLayer(output_padding=2, s=1, d=3, p=2).output_shape == (7, 7)      # (3−1)·1 − 4 + 3·2 + 2 + 1
    layer = TransposedLayer.from_preset("note000", h=8, k=7, s=4)
    assert (layer.h, layer.w, layer.k, layer.s) == (2, 2, 2, 2)
    assert transposed_result(layer).y.tolist() == [[0, 0, 0, 1], [0, 0, 2, 3], [0, 2, 0, 3], [4, 6, 6, 9]]


@pytest.mark.parametrize("settings", [
    dict(),
    dict(h=4, w=2, k=2, s=3, p=1, output_padding=1, d=2, seed=7),
    dict(h=5, w=3, k=3, s=1, p=2, output_padding=2, d=3, pattern="ramp", kernel="sobel_x"),
])
def test_transposed_result_agrees_with_torch(settings):
    layer = TransposedLayer(**settings)
    result = transposed_result(layer)
    x = input_values(layer.pattern, 1, layer.h, layer.w, layer.seed)[0]
    w = kernel_values(layer.kernel, 1, layer.k, layer.k, layer.seed)[0]
    ref = F.conv_transpose2d(torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None], stride=layer.s,
                             padding=layer.p, output_padding=layer.output_padding, dilation=layer.d)[0, 0].numpy()
    np.testing.assert_allclose(result.y, ref, atol=1e-12)
    assert result.y.shape == layer.output_shape
    assert result.torch_gap < 1e-12 and result.direct_gap < 1e-12
    left, right = result.adjoint
    assert abs(left - right) < 1e-9
    assert result.adjoint_output_padding == (layer.output_padding if layer.output_padding < layer.s else 0)


def test_channel_example_agrees_with_torch():
    ex = channel_example(3, 2, 4, 2, 3, 7)
    ref = F.conv_transpose2d(torch.from_numpy(ex["y"])[None], torch.from_numpy(ex["w"]), torch.from_numpy(ex["b"]))[0]
    np.testing.assert_allclose(ex["x"], ref.numpy(), atol=1e-12)
    assert ex["x"].shape == (2, 6, 4) and ex["note_gap"] == 0.0
