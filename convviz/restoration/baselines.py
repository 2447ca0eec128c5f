"""Classical baselines for the restoration pages, and the scores they are judged by.

Denoising (scikit-image), each tuned by the noise level sigma (0-255 scale) and nothing else:

    gaussian   skimage.filters.gaussian, blur sigma = 0.5 + sigma/30 pixels
    median     skimage.filters.median, 3x3 square (5x5 above sigma 30), per channel
    tv         skimage.restoration.denoise_tv_chambolle, weight = 0.9 sigma/255
    nl_means   skimage.restoration.denoise_nl_means, 5x5 patches, search distance 6,
               h = 0.8 sigma/255, sigma given (fast mode, as in skimage's own example)

Scores: `denoise_scores` is PSNR (imaging.psnr, data range 1) and SSIM (skimage.metrics, data_range=1, 7x7
window, colour with channel_axis) on the image as shown. Super-resolution follows the protocol
of convviz/evaluate.py: LR = PIL bicubic downscale of the uint8 image cropped to a multiple of s,
PSNR and SSIM on Y (BT.601, convviz.restoration.imaging) with s border pixels shaved.
Checked in tests/restoration/test_baselines.py.
"""

from __future__ import annotations

import numpy as np
from skimage.filters import gaussian, median
from skimage.metrics import structural_similarity
from skimage.restoration import denoise_nl_means, denoise_tv_chambolle

from convviz.restoration import imaging

DENOISERS = {
    "gaussian": "Gaussian blur",
    "median": "Median filter",
    "tv": "Total variation (Chambolle)",
    "nl_means": "Non-local means",
}


def _channel_axis(image: np.ndarray):
    return -1 if image.ndim == 3 else None


def classical_denoise(image: np.ndarray, method: str, sigma: float) -> np.ndarray:
    """Denoise `image` (float, (H, W) or (H, W, 3)) with one classical `method` for noise level `sigma`."""
    image = np.clip(np.asarray(image, dtype=np.float64), 0.0, 1.0)
    s = max(float(sigma), 0.0) / 255.0
    axis = _channel_axis(image)
    if method == "gaussian":
        out = gaussian(image, sigma=0.5 + sigma / 30.0, channel_axis=axis, preserve_range=True)
    elif method == "median":
        size = 3 if sigma <= 30 else 5
        footprint = np.ones((size, size) + ((1,) if image.ndim == 3 else ()), dtype=bool)
        out = median(image, footprint=footprint)
    elif method == "tv":
        out = denoise_tv_chambolle(image, weight=0.9 * s, channel_axis=axis) if s > 0 else image.copy()
    elif method == "nl_means":
        out = (denoise_nl_means(image, patch_size=5, patch_distance=6, h=0.8 * s, sigma=s, fast_mode=True,
                                channel_axis=axis) if s > 0 else image.copy())
    else:
        raise ValueError(f"method must be one of {', '.join(DENOISERS)}, got {method!r}")
    return np.clip(out, 0.0, 1.0)


def denoise_scores(clean: np.ndarray, estimate: np.ndarray) -> tuple[float, float]:
    """(PSNR dB, SSIM) of `estimate` against `clean`, data range 1, both float in [0, 1]."""
    clean = np.asarray(clean, dtype=np.float64)
    estimate = np.asarray(estimate, dtype=np.float64)
    if clean.shape != estimate.shape:
        raise ValueError(f"shapes differ: clean {clean.shape}, estimate {estimate.shape}")
    psnr = imaging.psnr(clean, estimate)
    ssim = float(structural_similarity(clean, estimate, data_range=1.0, channel_axis=_channel_axis(clean)))
    return psnr, ssim


def add_noise(clean: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    """clean + N(0, (sigma/255)^2), from numpy's default_rng(seed); not clipped (as in training)."""
    rng = np.random.default_rng(seed)
    return np.asarray(clean, dtype=np.float64) + rng.standard_normal(np.shape(clean)) * sigma / 255.0


# --- Super-resolution -----------------------------------------------------------------------------

def downscale(hr: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """(hr cropped to a multiple of scale, lr = PIL bicubic downscale of its uint8), both float [0, 1]."""
    hr8 = imaging.crop_to_multiple(imaging.to_uint8(hr), scale)
    lr8 = imaging.pil_bicubic(hr8, (hr8.shape[0] // scale, hr8.shape[1] // scale))
    return imaging.to_float(hr8), imaging.to_float(lr8)


def nearest_upscale(image: np.ndarray, scale: int) -> np.ndarray:
    """Each pixel repeated scale x scale times: (H, W[, 3]) -> (sH, sW[, 3])."""
    return np.repeat(np.repeat(np.asarray(image, dtype=np.float64), scale, axis=0), scale, axis=1)


def bicubic_upscale(image: np.ndarray, scale: int) -> np.ndarray:
    """PIL bicubic upscale of the uint8 image (the benchmark's baseline), float [0, 1]."""
    lr8 = imaging.to_uint8(image)
    return imaging.to_float(imaging.pil_bicubic(lr8, (scale * lr8.shape[0], scale * lr8.shape[1])))


def luminance(image: np.ndarray) -> np.ndarray:
    """Y/255 (BT.601): rgb_to_y for colour, (16 + 219 g)/255 for gray."""
    image = np.asarray(image, dtype=np.float64)
    return imaging.rgb_to_y(image) if image.ndim == 3 else imaging.gray_to_y(image)


def sr_scores(hr: np.ndarray, sr: np.ndarray, scale: int) -> tuple[float, float]:
    """(PSNR dB, SSIM) on Y with `scale` border pixels shaved, as in convviz/evaluate.py."""
    hr_y, sr_y = luminance(hr), luminance(sr)
    if hr_y.shape != sr_y.shape:
        raise ValueError(f"shapes differ: ground truth {hr_y.shape}, upscaled {sr_y.shape}")
    s = scale
    a, b = hr_y[s:-s, s:-s], sr_y[s:-s, s:-s]
    ssim = float(structural_similarity(a, b, data_range=1.0)) if min(a.shape) >= 7 else float("nan")
    return imaging.psnr(hr_y, sr_y, shave=s), ssim
