"""The blind denoiser's noise-level estimate (convviz.restoration.noise_level) on pure noise, on texture and
on clipped images, against the known sigma."""
import numpy as np
import pytest
from scipy.stats import chi2
from skimage import data

from convviz.restoration import noise_level
from convviz.restore import estimate_noise_sigma


def noise(shape, sigma, seed):
    return np.random.default_rng(seed).standard_normal(shape) * sigma / 255


def test_the_flat_block_quantile_is_the_chi_percentile_of_a_noise_block():
    n = noise_level.BLOCK ** 2
    rms = np.sqrt(np.mean(np.random.default_rng(0).standard_normal((20000, n)) ** 2, axis=1))
    assert np.percentile(rms, noise_level.PERCENTILE) == pytest.approx(noise_level.FLAT_BLOCK_QUANTILE, abs=2e-3)
    assert noise_level.FLAT_BLOCK_QUANTILE == pytest.approx(np.sqrt(chi2.ppf(0.2, 256) / 256))


@pytest.mark.parametrize("sigma", [5, 15, 25, 50])
def test_pure_noise_reads_its_sigma(sigma):
    estimates = [255 * noise_level.blockwise_sigma(0.5 + noise((200, 300), sigma, seed)) for seed in range(10)]
    assert np.mean(estimates) == pytest.approx(sigma, rel=0.02)
    mad = [255 * noise_level.wavelet_mad_sigma(0.5 + noise((200, 300), sigma, seed)) for seed in range(10)]
    assert np.mean(mad) == pytest.approx(sigma, rel=0.02)


@pytest.mark.parametrize("sigma", [10, 15, 25])
def test_texture_leaks_in_less_than_into_the_whole_band_median(sigma):
    clean = data.camera() / 255.0                                # 512x512, grass and a coat: texture
    noisy = clean + noise(clean.shape, sigma, 1)
    blockwise, mad = 255 * noise_level.blockwise_sigma(noisy), 255 * noise_level.wavelet_mad_sigma(noisy)
    assert abs(blockwise - sigma) < abs(mad - sigma)
    assert blockwise == pytest.approx(sigma, abs=1.0)


def test_clipped_blocks_are_left_out():
    clean = np.full((256, 256), 0.5)
    clean[:, :160] = 0.0                                         # a black background, most of the image
    noisy = np.clip(clean + noise(clean.shape, 25, 2), 0, 1)     # clipping halves the noise there
    assert 255 * noise_level.blockwise_sigma(noisy) == pytest.approx(25, rel=0.05)
    assert estimate_noise_sigma(noisy) == pytest.approx(25, rel=0.05)


def test_a_small_image_falls_back_to_the_whole_band_median():
    small = 0.5 + noise((40, 40), 25, 3)                          # HH is 18x18: one block only
    assert noise_level.blockwise_sigma(small) == noise_level.wavelet_mad_sigma(small)
    assert noise_level.wavelet_mad_sigma(np.zeros((3, 3))) == 0.0
    assert noise_level.blockwise_sigma(np.full((64, 64), 0.3)) == pytest.approx(0, abs=1e-12)   # noise-free


def test_colour_is_the_mean_over_the_opponent_channels():
    """A colour image's σ is the mean of the block estimate over the orthonormal opponent channels (issue 32:
    each holds white noise of exactly σ when R, G and B do)."""
    from convviz.restoration.colour import OPPONENT

    planes = [0.5 + noise((128, 128), s, 4 + i) for i, s in enumerate((10, 20, 30))]
    rgb = np.stack(planes, axis=-1)
    opponent = np.tensordot(OPPONENT, rgb, axes=([1], [2]))
    expected = np.mean([255 * noise_level.blockwise_sigma(p) for p in opponent])
    assert estimate_noise_sigma(rgb) == pytest.approx(expected)
    same = np.stack([0.5 + noise((128, 128), 20, 10 + i) for i in range(3)], axis=-1)
    assert estimate_noise_sigma(same) == pytest.approx(20, abs=1.5)       # white noise of one σ: that σ
