"""Colour conversion, PIL bicubic resizing and PSNR, shared by training, the app and evaluation.

Luminance follows ITU-R BT.601 exactly as MATLAB's rgb2ycbcr (the convention of the SR papers):
for R, G, B in [0, 1],

    Y  =  16 +  65.481 R + 128.553 G +  24.966 B      (range 16..235)
    Cb = 128 -  37.797 R -  74.203 G + 112.000 B
    Cr = 128 + 112.000 R -  93.786 G -  18.214 B

and we divide by 255 so that Y lies in [16/255, 235/255]. A gray pixel g has Y = (16 + 219 g) / 255.
PSNR = 10 log10(data_range^2 / MSE), computed in float64. Checked in tests/restoration/test_evaluate.py.
"""
import numpy as np
from PIL import Image

_RGB_TO_YCBCR = np.array([[65.481, 128.553, 24.966],
                          [-37.797, -74.203, 112.0],
                          [112.0, -93.786, -18.214]]) / 255.0
_OFFSET = np.array([16.0, 128.0, 128.0]) / 255.0


def rgb_to_ycbcr(rgb: np.ndarray) -> np.ndarray:
    """(H, W, 3) RGB in [0, 1] -> (H, W, 3) YCbCr divided by 255 (MATLAB rgb2ycbcr / 255)."""
    return np.asarray(rgb, dtype=np.float64) @ _RGB_TO_YCBCR.T + _OFFSET


def ycbcr_to_rgb(ycbcr: np.ndarray) -> np.ndarray:
    """Inverse of `rgb_to_ycbcr` (not clipped)."""
    return (np.asarray(ycbcr, dtype=np.float64) - _OFFSET) @ np.linalg.inv(_RGB_TO_YCBCR).T


def rgb_to_y(rgb: np.ndarray) -> np.ndarray:
    """(H, W, 3) RGB in [0, 1] -> (H, W) luminance Y/255 in [16/255, 235/255]."""
    return rgb_to_ycbcr(rgb)[..., 0]


def gray_to_y(gray: np.ndarray) -> np.ndarray:
    """Y of a gray pixel (R = G = B = g): (16 + 219 g) / 255."""
    return (16.0 + 219.0 * np.asarray(gray, dtype=np.float64)) / 255.0


def y_to_gray(y: np.ndarray) -> np.ndarray:
    """Inverse of `gray_to_y`."""
    return (np.asarray(y, dtype=np.float64) * 255.0 - 16.0) / 219.0


def psnr(reference: np.ndarray, estimate: np.ndarray, *, data_range: float = 1.0, shave: int = 0) -> float:
    """10 log10(data_range^2 / mean((reference - estimate)^2)), float64, `shave` border pixels dropped."""
    a = np.asarray(reference, dtype=np.float64)
    b = np.asarray(estimate, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: reference {a.shape}, estimate {b.shape}")
    if shave:
        a, b = a[shave:-shave, shave:-shave], b[shave:-shave, shave:-shave]
    mse = np.mean((a - b) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(data_range ** 2 / mse))


def crop_to_multiple(image: np.ndarray, scale: int) -> np.ndarray:
    """Crop the bottom/right so that height and width are multiples of `scale` (the HR used in SR tests)."""
    H, W = image.shape[:2]
    return image[: H - H % scale, : W - W % scale]


def pil_bicubic(image: np.ndarray, size: tuple) -> np.ndarray:
    """Resize with PIL's Image.BICUBIC to size=(height, width).

    uint8 (H, W) or (H, W, 3) stays uint8 (PIL rounds and clips, as in the benchmark protocol);
    a float (H, W) array is resized in PIL's 32-bit float mode 'F' (no rounding, no clipping).
    """
    height, width = size
    if image.dtype == np.uint8:
        return np.asarray(Image.fromarray(image).resize((width, height), Image.BICUBIC))
    if image.ndim == 3:
        return np.stack([pil_bicubic(image[..., c], size) for c in range(image.shape[2])], axis=-1)
    out = Image.fromarray(np.asarray(image, dtype=np.float32), mode="F").resize((width, height), Image.BICUBIC)
    return np.asarray(out, dtype=np.float64)


def to_float(image_uint8: np.ndarray) -> np.ndarray:
    """uint8 -> float64 in [0, 1]."""
    return np.asarray(image_uint8).astype(np.float64) / 255.0


def to_uint8(image: np.ndarray) -> np.ndarray:
    """Float [0, 1] -> uint8, rounded (values outside are clipped)."""
    return np.round(np.clip(np.asarray(image, dtype=np.float64), 0.0, 1.0) * 255).astype(np.uint8)
