"""The home page's picture per lesson: a small RGB thumbnail (uint8, about 150×100) drawn with numpy from the
lessons' own compute, so each one shows a true case (issue 24). No plotly, no streamlit, no files.
"""

from __future__ import annotations

import numpy as np

from convviz.conv import cross_correlate2d
from convviz.matrix import dependency_pattern
from convviz.receptive import Layer, field_sizes
from convviz.restoration.baselines import add_noise, nearest_upscale
from convviz.restoration.image_input import sample_image
from convviz.transposed import overlap_counts_2d
from convviz.zoo import group_connections

ACCENT = np.array([220, 40, 120], np.uint8)     # the window / highlight (magenta, as in the lessons)
BLUE = np.array([40, 110, 200], np.uint8)


def cells(values: np.ndarray, cell: int = 12, gap: int = 1) -> np.ndarray:
    """A grid of grey cells (values in [0, 1]: white to dark blue) with white gaps, as RGB."""
    v = np.clip(np.asarray(values, dtype=np.float64), 0, 1)
    rows, cols = v.shape
    out = np.full((rows * cell + gap, cols * cell + gap, 3), 255, np.uint8)
    white = np.array([240, 244, 250])
    for (r, c), x in np.ndenumerate(v):
        out[r * cell + gap:(r + 1) * cell, c * cell + gap:(c + 1) * cell] = (white + x * (BLUE - white)).astype(np.uint8)
    return out


def outline(img: np.ndarray, r: int, c: int, h: int, w: int, cell: int = 12, color=ACCENT, width: int = 2) -> np.ndarray:
    """Draw a box around cells (r, c) … (r + h - 1, c + w - 1) of a `cells` grid, in place; returns img."""
    y0, x0, y1, x1 = r * cell, c * cell, (r + h) * cell + 1, (c + w) * cell + 1
    img[y0:y0 + width, x0:x1] = img[y1 - width:y1, x0:x1] = color
    img[y0:y1, x0:x0 + width] = img[y0:y1, x1 - width:x1] = color
    return img


def beside(*images: np.ndarray, gap: int = 10) -> np.ndarray:
    """Images side by side on white, centred vertically."""
    height = max(i.shape[0] for i in images)
    parts = []
    for i in images:
        top = (height - i.shape[0]) // 2
        pad = np.full((height, i.shape[1], 3), 255, np.uint8)
        pad[top:top + i.shape[0]] = i
        parts += [pad, np.full((height, gap, 3), 255, np.uint8)]
    return np.concatenate(parts[:-1], axis=1)


def _photo(name: str, top: int, left: int, side: int) -> np.ndarray:
    img = sample_image(name)[top:top + side, left:left + side]
    return img if img.ndim == 3 else np.repeat(img[..., None], 3, axis=2)


def _rgb(img: np.ndarray, k: int = 1) -> np.ndarray:
    return np.repeat(np.repeat(np.round(np.clip(img, 0, 1) * 255).astype(np.uint8), k, 0), k, 1)


def thumbnails() -> dict[str, np.ndarray]:
    """{lesson page file: thumbnail} for every lesson of the home page's map."""
    x = np.random.default_rng(0).random((6, 6))
    y = cross_correlate2d(x, np.ones((3, 3)) / 9)                                       # (4, 4)
    conv = beside(outline(cells(x), 1, 2, 3, 3), outline(cells(y / y.max()), 1, 2, 1, 1))
    field = cells(np.zeros((9, 9)))
    for size, shade in zip(field_sizes([Layer("conv", 3)] * 3)[::-1], (60, 110, 160)):       # 7, 5, 3 around the centre
        start = (9 - size) // 2
        outline(field, start, start, size, size, color=np.array([shade, 40, 200 - shade], np.uint8))
    counts = overlap_counts_2d((3, 3), (3, 3), (2, 2))                                 # the checkerboard
    noisy_side = _photo("camera", 70, 220, 64)                                      # in [0, 1]
    clean = noisy_side
    sr = _photo("astronaut", 40, 180, 64)
    return {
        "convolution.py": conv,
        "receptive_fields.py": field,
        "your_network.py": beside(*(cells(np.full((n, n), shade), cell=c) for n, shade, c in ((8, 0.45, 9), (4, 0.65, 12),
                                                                                            (2, 0.85, 16)))),
        "convolution_zoo.py": cells((group_connections(8, 8, 4) >= 0) * 0.8, cell=11),
        "transposed_convolution.py": cells(counts / counts.max(), cell=13),
        "convolution_matrix.py": cells(dependency_pattern((4, 4), (3, 3)).astype(float) * 0.8, cell=7),
        "batch_normalization.py": beside(cells(np.linspace(0.55, 1, 12).reshape(3, 4)),
                                         cells(np.tile([0.15, 0.5, 0.85, 0.5], (3, 1)))),
        "denoising.py": beside(_rgb(np.repeat(add_noise(clean[..., :1], 40, 0), 3, 2)), _rgb(clean), gap=6),
        "super_resolution.py": beside(_rgb(nearest_upscale(sr[::4, ::4], 4)), _rgb(sr), gap=6),
    }
