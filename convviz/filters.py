"""The classic image filters of note 004 (Example 1.1), applied as cross-correlations.

Each kernel is applied with "same" zero padding (p = k // 2), so the output has the input's
size. Sobel x is note 004's "Horizontal" kernel (it responds to left-right changes, i.e. to
vertical edges); Sobel y is its "Vertical" kernel.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from convviz.conv import cross_correlate2d

_GAUSS_5 = np.array([[1, 4, 7, 4, 1], [4, 16, 26, 16, 4], [7, 26, 41, 26, 7],
                     [4, 16, 26, 16, 4], [1, 4, 7, 4, 1]], dtype=np.float64)

CLASSIC_FILTERS: dict[str, tuple[str, np.ndarray, str]] = {
    "box3": ("Box blur 3×3", np.full((3, 3), 1 / 9), "Average of the 3×3 neighbourhood: entries sum to 1, brightness is kept."),
    "mean5": ("Mean blur 5×5 (note 004)", np.full((5, 5), 1 / 25), "Note 004's 'Mean' kernel, 1/25 everywhere: a stronger blur."),
    "gaussian5": ("Gaussian 5×5 (note 004)", _GAUSS_5 / 273, "Note 004's 1/273 kernel: a blur that weighs near pixels more."),
    "sharpen": ("Sharpen", np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float64),
                "5× the centre minus its 4 neighbours (5c − Σn): the pixel plus 4c − Σn, the negative Laplacian, "
                "so edges get stronger."),
    "sobel_x": ("Sobel x (note 004 'Horizontal')", np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64),
                "Right minus left: bright where intensity rises to the right (vertical edges)."),
    "sobel_y": ("Sobel y (note 004 'Vertical')", np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float64),
                "Below minus above: bright where intensity rises downwards (horizontal edges)."),
    "laplacian": ("Laplacian", np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float64),
                  "Sum of the 4 neighbours minus 4× the centre: a discrete second derivative, zero on flat areas."),
    "centre5": ("Identity 5×5 (1 in the centre)", np.pad(np.ones((1, 1)), 2),
                "A single 1 in the centre: each output is the pixel itself, so the image comes back unchanged. "
                "This is the kernel behind note 004's 'Original' picture."),
    "original5": ("Note 004's 'Original' as printed (I₅)", np.eye(5),
                  "Note 004 prints the 5×5 identity *matrix* as the 'Original' kernel. As a kernel it adds five pixels "
                  "along a diagonal: a diagonal smear, 5× brighter (mostly white once clipped to the display range). "
                  "The kernel that leaves the image unchanged is *Identity 5×5 (1 in the centre)*."),
}


# Blur kernels are written as integers over a denominator (note 004 writes 1/25 and 1/273).
DENOMINATORS = {"box3": 9, "mean5": 25, "gaussian5": 273}


def kernel_as_written(name: str) -> tuple[np.ndarray, str]:
    """The kernel as the note writes it: integer entries and the title 'kernel × 1/den'."""
    kernel = CLASSIC_FILTERS[name][1]
    den = DENOMINATORS.get(name, 1)
    return np.round(kernel * den, 12), ("kernel" if den == 1 else f"kernel × 1/{den}")


def apply_filter(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Cross-correlate a 2-D image with the kernel, zero padding k // 2: same size out."""
    kh, kw = kernel.shape
    return cross_correlate2d(image, kernel, padding=(kh // 2, kw // 2))


@lru_cache(maxsize=1)
def sample_photo(size: int = 256) -> np.ndarray:
    """scikit-image's 'camera' photo (free to redistribute), as float in [0, 1], size×size."""
    from skimage import data, transform

    img = data.camera().astype(np.float64) / 255.0                      # (512, 512)
    if size != img.shape[0]:
        img = transform.resize(img, (size, size), anti_aliasing=True)
    img.setflags(write=False)
    return img


def constant_image_check(kernel: np.ndarray, level: float = 0.5, size: int = 12) -> dict:
    """What a kernel does to a constant image (note 004, Ex. 1.1: entries summing to 1 keep the brightness).

    A size × size image of `level` filtered by apply_filter: where the window lies inside the image
    every output is level · Σ kernel, so it equals `level` exactly when the entries sum to 1; at the
    border the zero padding changes it. Returns sum, interior (min, max), border (min, max), unchanged.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    kh, kw = kernel.shape
    out = apply_filter(np.full((size, size), float(level)), kernel)            # (size, size)
    inner = np.zeros(out.shape, dtype=bool)
    inner[kh // 2 : size - (kh - 1 - kh // 2), kw // 2 : size - (kw - 1 - kw // 2)] = True
    return {"sum": float(kernel.sum()), "level": float(level),
            "interior": (float(out[inner].min()), float(out[inner].max())),
            "border": (float(out[~inner].min()), float(out[~inner].max())),
            "unchanged": bool(np.allclose(out[inner], level, rtol=0, atol=1e-12))}


def display_range(filtered: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Map a filter response to [0, 1] for display.

    Kernels that sum to ~1 (blurs, sharpen) keep brightness: shown as is, clipped.
    Kernels that sum to 0 (edges, Laplacian) give signed responses: shown as 0.5 + y / (2 max|y|).
    """
    if abs(kernel.sum()) > 0.5:
        return np.clip(filtered, 0, 1)
    scale = np.abs(filtered).max() or 1.0
    return 0.5 + filtered / (2 * scale)
