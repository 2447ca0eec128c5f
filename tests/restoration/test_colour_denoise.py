"""Colour denoising (issue 32, item 3): the orthonormal opponent transform of convviz/restoration/colour.py and
`restore.denoise` of an RGB image, against the same grayscale network on R, G and B apart.

Done-when of the issue: on held-out colour photos with seeded noise, denoise(rgb, sigma) is at least 1.0 dB
better (mean PSNR) than colour_space="rgb" at sigma 25 and 50, and the blind call within 0.5 dB of it.
Checked on the shipped samples (always) and on centre crops of Set5 + Set14 (only when ../shared is there).
"""
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from convviz import restore
from convviz.restoration import colour, imaging
from convviz.restoration.image_input import sample_image

torch.set_num_threads(1)
shipped = pytest.mark.skipif(not restore.weights_path(restore.DENOISER).exists(), reason="shipped denoiser missing")
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def noisy_of(clean: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    return clean + np.random.default_rng(seed).standard_normal(clean.shape) * sigma / 255


def test_opponent_transform_is_orthonormal_and_inverts():
    np.testing.assert_allclose(colour.OPPONENT @ colour.OPPONENT.T, np.eye(3), atol=1e-15)
    rgb = np.random.default_rng(1).random((7, 9, 3))
    planes = colour.to_planes(rgb, np.float64)
    assert planes.shape == (3, 7, 9)
    np.testing.assert_allclose(planes[0], rgb.mean(axis=-1), atol=1e-15)                     # luminance: the mean
    np.testing.assert_allclose(planes[1], (rgb[..., 0] - rgb[..., 2]) / np.sqrt(2) + 0.5, atol=1e-15)
    np.testing.assert_allclose(planes[2], (rgb[..., 0] - 2 * rgb[..., 1] + rgb[..., 2]) / np.sqrt(6) + 0.5, atol=1e-15)
    np.testing.assert_allclose(colour.from_planes(planes), rgb, atol=1e-14)
    np.testing.assert_allclose(colour.to_planes((rgb * 255).astype(np.uint8), np.float64),
                               colour.to_planes((rgb * 255).astype(np.uint8) / 255.0, np.float64), atol=1e-12)


def test_white_noise_keeps_its_level_in_every_opponent_channel():
    noise = np.random.default_rng(2).standard_normal((400, 400, 3)) * 0.1
    o = np.tensordot(colour.OPPONENT, noise, axes=([1], [2]))
    np.testing.assert_allclose(o.reshape(3, -1).std(axis=1), 0.1, rtol=0.01)
    np.testing.assert_allclose(np.corrcoef(o.reshape(3, -1)), np.eye(3), atol=0.01)          # still independent
    planes = colour.to_planes(noise, np.float64) - colour.SHIFT[:, None, None]
    np.testing.assert_allclose(planes.reshape(3, -1).std(axis=1), np.array(colour.plane_sigmas(0.1)), rtol=0.01)
    assert colour.plane_sigmas(30) == pytest.approx((30 / np.sqrt(3), 30, 30))


def test_estimate_noise_sigma_of_a_colour_image():
    clean = sample_image("coffee")
    for sigma in (15, 25, 50):
        assert restore.estimate_noise_sigma(noisy_of(clean, sigma, 0)) == pytest.approx(sigma, rel=0.05)
    gray_rgb = np.repeat(noisy_of(np.full((96, 96), 0.5), 25, 0)[..., None], 3, axis=-1)    # gray stored as RGB
    assert restore.estimate_noise_sigma(gray_rgb) == pytest.approx(25, rel=0.1)


@shipped
def test_colour_denoise_is_the_network_on_the_opponent_planes():
    """The torch path in restore (per tile) against the numpy transform and the plain network, plane by plane."""
    clean = sample_image("astronaut")[:80, :96]
    noisy = noisy_of(clean, 25, 3)
    planes = colour.to_planes(noisy, np.float64)
    out = np.stack([restore._run_denoiser(planes[k:k + 1].copy(), s, restore.TILE)[0]
                    for k, s in enumerate(colour.plane_sigmas(25))])
    expected = np.clip(colour.from_planes(out), 0, 1)
    np.testing.assert_allclose(restore.denoise(noisy, 25), expected, atol=1e-5)
    torch.testing.assert_close(restore.denoise(noisy, 25, tile=32), restore.denoise(noisy, 25), atol=1e-4, rtol=0)
    gray = noisy[..., 1]
    np.testing.assert_allclose(restore.denoise(np.repeat(gray[..., None], 3, axis=-1), 25),
                               np.repeat(restore.denoise(gray, 25)[..., None], 3, axis=-1), atol=1e-12)
    done = []
    restore.denoise(noisy, 25, tile=32, progress=lambda d, n: done.append((d, n)))
    assert done == [(i, 9) for i in range(1, 10)]                              # 3 × 3 tiles of 32 on 80 × 96


def gains(images: list[np.ndarray], sigma: float) -> tuple[float, float, float]:
    """Mean PSNR of (opponent, R G B apart, blind opponent) over the images, seeded noise (seed = index)."""
    scores = []
    for i, clean in enumerate(images):
        noisy = noisy_of(clean, sigma, i)
        scores.append([imaging.psnr(clean, restore.denoise(noisy, sigma)),
                       imaging.psnr(clean, restore.denoise(noisy, sigma, colour_space="rgb")),
                       imaging.psnr(clean, restore.denoise(noisy))])
    return tuple(np.mean(scores, axis=0))


def assert_done_when(images, sigma):
    opponent, apart, blind = gains(images, sigma)
    assert opponent >= apart + 1.0, (opponent, apart)
    assert abs(blind - opponent) <= 0.5, (blind, opponent)


@shipped
@pytest.mark.parametrize("sigma", [25, 50])
def test_colour_beats_rgb_apart_on_the_samples(sigma):
    assert_done_when([sample_image(n, 256) for n in ("astronaut", "coffee", "chelsea")], sigma)


def centre_crop(a: np.ndarray, n: int = 160) -> np.ndarray:
    h, w = a.shape[:2]
    return a[(h - n) // 2:(h - n) // 2 + n, (w - n) // 2:(w - n) // 2 + n]


@shipped
@pytest.mark.skipif(not (SHARED / "Set5").is_dir() or not (SHARED / "Set14").is_dir(), reason="../shared/data absent")
@pytest.mark.parametrize("sigma", [25, 50])
def test_colour_beats_rgb_apart_on_set5_and_set14(sigma):
    files = sorted((SHARED / "Set5").glob("*.bmp")) + sorted((SHARED / "Set14").glob("*.bmp"))
    images = [np.asarray(Image.open(f)) for f in files]
    images = [centre_crop(a / 255.0) for a in images if a.ndim == 3]       # the colour ones (Set14 has 2 gray)
    assert len(images) >= 15
    assert_done_when(images, sigma)
