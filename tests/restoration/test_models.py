"""Architecture checks for convviz.restoration.models: shapes on odd sizes, residual learning, MACs formulas.

The MACs formulas in the docstrings are compared with a count made by forward hooks on every
Conv2d: out.numel() * (in_channels / groups) * kH * kW, divided by the output pixels.
"""
import pytest
import torch
import torch.nn.functional as F

from convviz.restoration.models import FFDNet, SRCNN, SubPixelSR, build, dncnn_s_macs_per_pixel

torch.set_num_threads(1)   # the CI box has 2 cores; more threads only spin against each other


def hook_macs(model: torch.nn.Module, *inputs) -> int:
    """Multiply-accumulates of every Conv2d in one forward pass, counted from the real tensors."""
    total = []

    def count(module, _inputs, out):
        kh, kw = module.kernel_size
        total.append(out.numel() * module.in_channels // module.groups * kh * kw)
    handles = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    with torch.no_grad():
        model(*inputs)
    for h in handles:
        h.remove()
    return sum(total)


def randomised(model: torch.nn.Module) -> torch.nn.Module:
    """Give the zero-initialised last layers random weights so that outputs are not trivial."""
    torch.manual_seed(0)
    for p in model.parameters():
        p.data.normal_(0, 0.05)
    return model.eval()


@pytest.mark.parametrize("H, W", [(31, 45), (32, 32), (17, 2), (1, 1)])
def test_ffdnet_keeps_odd_sizes(H, W):
    model = randomised(FFDNet(depth=4, width=8))
    assert model(torch.rand(2, 1, H, W), 25).shape == (2, 1, H, W)


def test_ffdnet_is_residual():
    """x_hat = y - n_hat (DnCNN's residual learning); untrained (zero last layer) it is the identity."""
    y = torch.rand(1, 1, 20, 22)
    assert torch.equal(FFDNet(depth=3, width=8)(y, 30), y)
    model = randomised(FFDNet(depth=3, width=8))
    torch.testing.assert_close(model(y, 30), y - model.noise(y, 30))


def test_ffdnet_sigma_per_image():
    """A (B,) sigma tensor gives each image its own noise-level map."""
    model = randomised(FFDNet(depth=3, width=8))
    y = torch.rand(2, 1, 16, 16)
    both = model(y, torch.tensor([10.0, 40.0]))
    torch.testing.assert_close(both[1:], model(y[1:], 40.0))


def test_pixel_unshuffle_is_polyphase():
    """FFDNet's 4 input channels are the sub-images y[0::2, 0::2], y[0::2, 1::2], y[1::2, 0::2], y[1::2, 1::2]."""
    y = torch.arange(36.0).reshape(1, 1, 6, 6)
    u = F.pixel_unshuffle(y, 2)
    expected = torch.stack([y[0, 0, i::2, j::2] for i in (0, 1) for j in (0, 1)])[None]
    assert torch.equal(u, expected)


def test_ffdnet_feature_maps_shape():
    model = randomised(FFDNet(depth=4, width=8))
    assert model.feature_maps(torch.rand(1, 1, 9, 12), 25, layer=3).shape == (1, 8, 5, 6)
    with pytest.raises(ValueError, match="layer"):
        model.feature_maps(torch.rand(1, 1, 8, 8), 25, layer=4)


@pytest.mark.parametrize("scale", [2, 3, 4])
@pytest.mark.parametrize("H, W", [(13, 17), (8, 8), (5, 3)])
def test_subpixel_output_size(scale, H, W):
    model = randomised(SubPixelSR(scale=scale, width=8, depth=2))
    assert model(torch.rand(1, 1, H, W)).shape == (1, 1, scale * H, scale * W)


def test_subpixel_untrained_is_bicubic():
    low = torch.rand(1, 1, 10, 12)
    expected = F.interpolate(low, scale_factor=3, mode="bicubic", align_corners=False)
    assert torch.equal(SubPixelSR(scale=3, width=8, depth=1)(low), expected)


@pytest.mark.parametrize("H, W", [(33, 33), (20, 31)])
def test_srcnn_same_size(H, W):
    assert SRCNN()(torch.rand(1, 1, H, W)).shape == (1, 1, H, W)


@pytest.mark.parametrize("model, inputs, out_pixels", [
    pytest.param(FFDNet(depth=12, width=64), (torch.rand(1, 1, 32, 48), 25), 32 * 48, id="ffdnet-12-64"),
    pytest.param(FFDNet(depth=5, width=16), (torch.rand(1, 1, 10, 14), 25), 10 * 14, id="ffdnet-5-16"),
    pytest.param(SRCNN(), (torch.rand(1, 1, 12, 10),), 12 * 10, id="srcnn-9-1-5"),
    pytest.param(SubPixelSR(scale=2), (torch.rand(1, 1, 8, 6),), 16 * 12, id="subpixel-x2"),
    pytest.param(SubPixelSR(scale=3), (torch.rand(1, 1, 8, 6),), 24 * 18, id="subpixel-x3"),
    pytest.param(SubPixelSR(scale=4, width=16, depth=2), (torch.rand(1, 1, 5, 7),), 20 * 28, id="subpixel-x4"),
])
def test_macs_formula_matches_hook_count(model, inputs, out_pixels):
    assert model.macs_per_pixel() * out_pixels == hook_macs(model, *inputs)


def test_dncnn_s_macs():
    """DnCNN-S: 17 conv3x3 layers, 64 channels: 554112 MACs per pixel (hook count on a replica)."""
    layers = [torch.nn.Conv2d(1, 64, 3, padding=1)] + [torch.nn.Conv2d(64, 64, 3, padding=1) for _ in range(15)]
    net = torch.nn.Sequential(*layers, torch.nn.Conv2d(64, 1, 3, padding=1))
    assert dncnn_s_macs_per_pixel() == 554112 == hook_macs(net, torch.rand(1, 1, 6, 5)) / 30


def test_shipped_denoiser_is_under_a_quarter_of_dncnn_s():
    assert FFDNet().macs_per_pixel() <= dncnn_s_macs_per_pixel() / 4


def test_build_rejects_unknown_names():
    assert isinstance(build("srcnn", scale=3), SRCNN)
    with pytest.raises(ValueError, match="unknown architecture"):
        build("vdsr")
