"""convviz.restore and convviz.restoration.tiling: weights round trip, tiling, and the shipped models' quality.

Tests marked `shipped` need assets/models/*.safetensors (committed with the repo) and are skipped,
with the reason, only when a file is absent. None of them reads ../shared.
"""
import numpy as np
import pytest
import torch
from skimage import data

from convviz import restore

from convviz.restoration import imaging
from convviz.restoration.models import FFDNet, SubPixelSR, SRCNN
from convviz.restoration.tiling import tiled_apply
from convviz.train import save_weights

torch.set_num_threads(1)   # the CI box has 2 cores; more threads only spin against each other


def shipped(*names):
    missing = [n for n in names if not restore.weights_path(n).exists()]
    return pytest.mark.skipif(bool(missing), reason=f"shipped weights missing: {missing}")


def randomised(model):
    torch.manual_seed(0)
    for p in model.parameters():
        p.data.normal_(0, 0.05)
    return model.eval()


def camera_crop() -> np.ndarray:
    """128x128 float crop of skimage's camera (public domain, ships with scikit-image)."""
    return data.camera()[100:228, 200:328] / 255.0


def seeded_noisy(clean: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    noise = torch.randn(clean.shape, generator=torch.Generator().manual_seed(seed)).double().numpy()
    return clean + noise * sigma / 255


def test_safetensors_round_trip(tmp_path):
    model = randomised(FFDNet(depth=4, width=8))
    path = tmp_path / "tiny.safetensors"
    save_weights(model, path, {"arch": "ffdnet", "config": '{"depth": 4, "width": 8}', "step": 7})
    loaded = restore.load_weights(path)
    x = torch.rand(1, 1, 12, 10)
    assert isinstance(loaded, FFDNet) and not loaded.training
    assert torch.equal(loaded(x, 20), model(x, 20))
    assert restore.read_metadata(path)["step"] == "7"


def test_missing_weights_say_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.*convviz.train"):
        restore.load_weights(tmp_path / "absent.safetensors")


@pytest.mark.parametrize("H, W", [(50, 70), (51, 69)])
def test_tiled_denoiser_equals_untiled(H, W):
    """Receptive field 2*(2*4+1) = 18 pixels, so a margin of 10 >= 9 makes the tiles exact."""
    model = randomised(FFDNet(depth=4, width=8))
    x = torch.rand(1, 1, H, W)
    with torch.no_grad():
        whole = model(x, 25)
        tiled = tiled_apply(lambda t: model(t, 25), x, tile=16, overlap=10, align=2)
    torch.testing.assert_close(tiled, whole, atol=1e-4, rtol=0)


@pytest.mark.parametrize("model, scale, overlap", [(SubPixelSR(scale=3, width=8, depth=2), 3, 8),
                                                    (SRCNN(n1=8, n2=4), 1, 8)])
def test_tiled_sr_equals_untiled(model, scale, overlap):
    model = randomised(model)
    x = torch.rand(1, 1, 37, 29)
    with torch.no_grad():
        torch.testing.assert_close(tiled_apply(model, x, tile=10, overlap=overlap, scale=scale), model(x),
                                   atol=1e-4, rtol=0)


def test_tiling_rejects_misaligned_tiles():
    with pytest.raises(ValueError, match="multiples of align"):
        tiled_apply(lambda t: t, torch.zeros(1, 1, 8, 8), tile=5, overlap=2, align=2)


@shipped(restore.DENOISER)
def test_denoise_gains_5_db_on_camera():
    """sigma = 25 on a camera crop: the noisy input is at about 20.2 dB."""
    clean = camera_crop()
    noisy = seeded_noisy(clean, 25)
    before = imaging.psnr(clean, np.clip(noisy, 0, 1))
    assert imaging.psnr(clean, restore.denoise(noisy, 25)) >= before + 5
    assert imaging.psnr(clean, restore.denoise(noisy)) >= before + 5       # blind: sigma estimated


@shipped(restore.DENOISER)
def test_denoise_tiled_equals_untiled():
    noisy = seeded_noisy(camera_crop()[:, :100], 25)[:, :99]               # odd width
    torch.testing.assert_close(restore.denoise(noisy, 25, tile=32), restore.denoise(noisy, 25), atol=1e-4, rtol=0)


@shipped(restore.DENOISER)
def test_denoise_shapes_dtypes_and_inputs():
    rgb = data.astronaut()[:40, :48] / 255.0
    noisy = seeded_noisy(rgb, 15)
    copy = noisy.copy()
    out = restore.denoise(noisy, 15)
    assert out.shape == rgb.shape and out.dtype == np.float64 and out.min() >= 0 and out.max() <= 1
    np.testing.assert_array_equal(noisy, copy)                              # caller's array untouched
    # colour_space="rgb": the gray model on each of R, G, B with the same sigma
    np.testing.assert_allclose(restore.denoise(noisy, 15, colour_space="rgb")[..., 1],
                               restore.denoise(noisy[..., 1], 15), atol=1e-6)
    assert restore.denoise(noisy, 15, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="colour_space"):
        restore.denoise(noisy, 15, colour_space="lab")
    assert restore.denoise((rgb * 255).astype(np.uint8), 15).shape == rgb.shape
    with pytest.raises(ValueError, match="shape"):
        restore.denoise(np.zeros((4, 4, 2)))
    with pytest.raises(ValueError, match="0-255"):
        restore.denoise(rgb, sigma=-1)



@shipped(restore.DENOISER)
@pytest.mark.parametrize("colour_space", ["opponent", "rgb"])
def test_denoise_reads_any_layout_in_place(colour_space):
    """The input is read tile by tile through a view (no full-size copy, issue 32): a read-only array, a flipped
    one, channels-first transposed, or uint8 give exactly what their contiguous float copy gives, tiled or not."""
    rgb = seeded_noisy(data.astronaut()[:70, :90] / 255.0, 25)
    expected = restore.denoise(np.ascontiguousarray(rgb), 25, tile=32, colour_space=colour_space)
    frozen = rgb.copy()
    frozen.flags.writeable = False
    planar = np.ascontiguousarray(rgb.transpose(2, 0, 1)).transpose(1, 2, 0)   # strides of a (3, H, W) array
    for view in (frozen, planar):
        np.testing.assert_array_equal(restore.denoise(view, 25, tile=32, colour_space=colour_space), expected)
    flipped = np.ascontiguousarray(rgb[::-1])[::-1]                             # negative row stride
    np.testing.assert_array_equal(restore.denoise(flipped, 25, tile=32, colour_space=colour_space), expected)
    as_uint8 = np.round(np.clip(rgb, 0, 1) * 255).astype(np.uint8)
    np.testing.assert_allclose(restore.denoise(as_uint8, 25, tile=32, colour_space=colour_space),
                               restore.denoise(as_uint8 / 255.0, 25, tile=32, colour_space=colour_space), atol=1e-6)


def lr_and_hr_y(scale: int):
    """Astronaut crop (public domain, ships with scikit-image) and its PIL bicubic LR."""
    hr = imaging.crop_to_multiple(data.astronaut()[:144, 100:244], scale)
    lr = imaging.pil_bicubic(hr, (hr.shape[0] // scale, hr.shape[1] // scale))
    return hr, lr, imaging.rgb_to_y(imaging.to_float(hr))


@pytest.mark.parametrize("model, scale", [(model, s) for model in ("subpixel", "srcnn") for s in (2, 3, 4)])
def test_upscale_beats_bicubic(model, scale):
    name = restore.SR_MODELS[model][scale]
    if not restore.weights_path(name).exists():
        pytest.skip(f"shipped weights missing: {name}")
    hr, lr, hr_y = lr_and_hr_y(scale)
    bicubic = imaging.pil_bicubic(lr, hr.shape[:2])
    ours = restore.upscale(imaging.to_float(lr), scale, model)
    assert ours.shape == hr.shape and ours.dtype == np.float64 and 0 <= ours.min() and ours.max() <= 1
    y_bicubic = imaging.psnr(hr_y, imaging.rgb_to_y(imaging.to_float(bicubic)), shave=scale)
    assert imaging.psnr(hr_y, imaging.rgb_to_y(ours), shave=scale) > y_bicubic


@shipped("subpixel_x2")
def test_upscale_gray_and_colour_agree():
    """A gray image given as RGB (R = G = B) has Cb = Cr = 128/255, so all three channels equal the gray result."""
    gray = data.camera()[:30, :40] / 255.0
    out_gray = restore.upscale(gray, 2)
    out_rgb = restore.upscale(np.repeat(gray[..., None], 3, axis=-1), 2)
    assert out_gray.shape == (60, 80) and out_rgb.shape == (60, 80, 3)
    np.testing.assert_allclose(out_rgb, np.repeat(out_gray[..., None], 3, axis=-1), atol=1e-6)
    torch.testing.assert_close(restore.upscale(gray, 2, tile=8), out_gray, atol=1e-4, rtol=0)
    with pytest.raises(ValueError, match="scale"):
        restore.upscale(gray, 5)
    with pytest.raises(ValueError, match="model must be one of"):
        restore.upscale(gray, 2, "vdsr")


@shipped(restore.DENOISER)
def test_model_info_and_feature_maps():
    info = restore.model_info()
    assert info["macs_vs_dncnn_s"] <= 0.25 and info["params"] > 0 and info["device"] in {"cpu", "cuda"}
    maps = restore.feature_maps(camera_crop()[:21, :30], layer=2, sigma=25)
    assert maps.shape == (info["config"]["width"], 11, 15)


def test_estimate_noise_sigma_finds_the_level():
    noisy = seeded_noisy(np.full((128, 128), 0.5), 25)
    assert restore.estimate_noise_sigma(noisy) == pytest.approx(25, rel=0.1)


def test_estimate_noise_sigma_of_colour_is_the_opponent_mean_plane_by_plane():
    """estimate_noise_sigma builds one opponent plane at a time (memory, issue 32); the value is
    colour.opponent_sigma's, the mean over the three planes."""
    from convviz.restoration import colour, noise_level
    noisy = seeded_noisy(data.astronaut()[100:300, 50:330] / 255.0, 20)
    expected = 255 * colour.opponent_sigma(noisy, noise_level.blockwise_sigma)
    assert restore.estimate_noise_sigma(noisy) == pytest.approx(expected, rel=1e-12)
    assert restore.estimate_noise_sigma(noisy) == pytest.approx(20, rel=0.15)
