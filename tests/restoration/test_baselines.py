"""convviz.restoration.baselines: classical denoisers help, scores follow their definitions, SR follows evaluate's protocol."""

import numpy as np
import pytest
from skimage import data

from convviz import evaluate

from convviz.restoration import baselines

from convviz.restoration import imaging
from convviz.figures.restoration import crop, feature_mosaic, fitted_height, model_card_section, panel_figure, zoom_box


def camera_crop():
    """96x96 crop of scikit-image's camera (public domain, ships with the package)."""
    return data.camera()[120:216, 200:296] / 255.0


@pytest.mark.parametrize("method", list(baselines.DENOISERS))
@pytest.mark.parametrize("sigma", [15, 50])
def test_every_classical_denoiser_beats_the_noisy_input(method, sigma):
    clean = camera_crop()
    noisy = baselines.add_noise(clean, sigma, seed=0)
    before, _ = baselines.denoise_scores(clean, np.clip(noisy, 0, 1))
    out = baselines.classical_denoise(noisy, method, sigma)
    after, _ = baselines.denoise_scores(clean, out)
    assert out.shape == clean.shape and 0 <= out.min() and out.max() <= 1
    assert after > before + 1.0


@pytest.mark.parametrize("method", list(baselines.DENOISERS))
def test_colour_input_keeps_its_shape_and_caller_array(method):
    rng = np.random.default_rng(0)
    img = rng.random((20, 24, 3))
    before = img.copy()
    assert baselines.classical_denoise(img, method, 25).shape == (20, 24, 3)
    np.testing.assert_array_equal(img, before)


def test_unknown_method_names_the_choices():
    with pytest.raises(ValueError, match="nl_means"):
        baselines.classical_denoise(camera_crop(), "bm3d", 25)


def test_psnr_matches_its_definition_and_imaging():
    clean = camera_crop()
    est = np.clip(clean + 0.05, 0, 1)
    psnr, ssim = baselines.denoise_scores(clean, est)
    assert psnr == pytest.approx(10 * np.log10(1 / np.mean((clean - est) ** 2)), abs=1e-9)
    assert psnr == pytest.approx(imaging.psnr(clean, est), abs=1e-9)
    assert 0 < ssim < 1
    assert baselines.denoise_scores(clean, clean) == (float("inf"), 1.0)


def test_noise_is_seeded_and_has_the_right_spread():
    a = baselines.add_noise(np.zeros((200, 200)), 25, seed=3)
    assert np.array_equal(a, baselines.add_noise(np.zeros((200, 200)), 25, seed=3))
    assert not np.array_equal(a, baselines.add_noise(np.zeros((200, 200)), 25, seed=4))
    assert a.std() * 255 == pytest.approx(25, rel=0.02)


def test_downscale_matches_evaluate_protocol(tmp_path):
    """The pages' LR is evaluate.sr_pair's LR: PIL bicubic of the uint8 image cropped to a multiple of s."""
    from PIL import Image
    rgb = data.astronaut()[:101, :98]
    path = tmp_path / "a.png"
    Image.fromarray(rgb).save(path)
    hr8, lr8 = evaluate.sr_pair(path, 3)
    hr, lr = baselines.downscale(rgb / 255.0, 3)
    np.testing.assert_array_equal(hr, hr8 / 255.0)
    np.testing.assert_array_equal(lr, lr8 / 255.0)


def test_bicubic_psnr_on_y_matches_evaluate():
    rgb = data.astronaut()[:96, :96] / 255.0
    hr, lr = baselines.downscale(rgb, 2)
    up = baselines.bicubic_upscale(lr, 2)
    psnr, ssim = baselines.sr_scores(hr, up, 2)
    ref_psnr, ref_ssim = evaluate.y_scores(imaging.rgb_to_y(hr), evaluate.bicubic_y((lr * 255).round().astype(np.uint8), 2), 2)
    assert psnr == pytest.approx(ref_psnr, abs=1e-9) and ssim == pytest.approx(ref_ssim, abs=1e-9)


def test_nearest_upscale_repeats_pixels():
    img = np.arange(6.0).reshape(2, 3) / 10
    up = baselines.nearest_upscale(img, 3)
    assert up.shape == (6, 9)
    np.testing.assert_array_equal(up[::3, ::3], img)
    np.testing.assert_array_equal(up[2, 8], img[0, 2])


def test_gray_luminance_convention():
    g = np.array([[0.0, 1.0]])
    np.testing.assert_allclose(baselines.luminance(g), [[16 / 255, 235 / 255]])


# --- figures helpers ------------------------------------------------------------------------------

@pytest.mark.parametrize("cx, cy, side, expected", [
    (50, 50, 20, (40, 20, 20, 20)),       # centred
    (0, 0, 20, (0, 0, 20, 20)),           # pushed inside at the top left
    (100, 100, 20, (80, 40, 20, 20)),     # and at the bottom right
    (50, 50, 500, (0, 0, 100, 60)),       # larger than the image: the whole image
])
def test_zoom_box_stays_inside(cx, cy, side, expected):
    assert zoom_box(100, 60, cx, cy, side) == expected


@pytest.mark.parametrize("shape, columns, layout_px, expected", [
    ((100, 100), 4, 1000, 50 + 230),      # a square image: the column's width (1000 / 4 - 20) plus the title
    ((100, 100), 4, 1400, 50 + 330),      # on a projector's wider layout: taller, so the image fills its column
    ((50, 100), 2, 1000, 50 + 240),       # half as tall as wide
    ((1000, 100), 1, 1000, 600),          # a tall strip: at most 600 px
    ((10, 1000), 5, 1000, 140),           # a thin band: at least 140 px
])
def test_fitted_height_fills_the_column(shape, columns, layout_px, expected):
    assert fitted_height(shape, columns, layout_px) == expected
    assert panel_figure(np.zeros(shape), "t", None, columns, layout_px).layout.height == expected


def test_crop_takes_the_box():
    img = np.arange(100.0).reshape(10, 10)
    np.testing.assert_array_equal(crop(img, (2, 3, 4, 2)), img[3:5, 2:6])


def test_feature_mosaic_counts_dead_channels():
    maps = np.random.default_rng(0).random((10, 8, 8))
    maps[3] = 0
    mosaic, dead = feature_mosaic(maps, columns=4, tile=8, gap=1)
    assert dead == 1 and mosaic.shape == (3 * 9 - 1, 4 * 9 - 1)
    assert mosaic.max() == 1.0


def test_model_card_section(tmp_path):
    card = tmp_path / "m.md"
    card.write_text("# m\n\nsummary\n\n## Measured quality\n\n| a |\n|---|\n\n## Next\n\nother\n")
    assert model_card_section(card, "Measured quality") == "| a |\n|---|"
    assert model_card_section(card, "Missing") == ""
    assert model_card_section(tmp_path / "absent.md", "Measured quality") == ""
