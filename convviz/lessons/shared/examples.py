"""Input values, kernels and worked examples for the convolution lesson.

Random values are seeded (numpy's default_rng), so a link with the same seed shows the same
numbers. Exercise 7.1 is note 004's worked example (Tarokh, Duke ECE685).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz.figures.receptive_fields import PHOTO_MAX
from convviz.filters import CLASSIC_FILTERS
from convviz.lessons.settings_error import SettingsError

INPUT_PATTERNS = {
    "random": "Random integers 0–4",
    "ramp": "Ramp (row + column)",
    "edge": "Vertical edge (0 | 1)",
    "checker": "Checkerboard",
    "square": "Square of ones in the middle",
}

KERNEL_CHOICES = {
    "random": "Random integers −2…2",
    "ones": "All ones",
    "identity": "Identity (1 in the centre)",
    **{name: label for name, (label, kernel, _) in CLASSIC_FILTERS.items() if kernel.shape == (3, 3)},
}


def input_values(pattern: str, channels: int, height: int, width: int, seed: int = 0) -> np.ndarray:
    """An input (C, H, W) of small integers, so that sums can be checked by hand."""
    r, c = np.mgrid[0:height, 0:width]
    if pattern == "random":
        return np.random.default_rng(seed).integers(0, 5, size=(channels, height, width)).astype(np.float64)
    if pattern == "ramp":
        base = (r + c).astype(np.float64)
    elif pattern == "edge":
        base = (c >= width // 2).astype(np.float64)
    elif pattern == "checker":
        base = ((r + c) % 2).astype(np.float64)
    elif pattern == "square":                                         # a one-cell zero border (at least)
        base = ((r >= 1) & (r < max(height - 1, 1)) & (c >= 1) & (c < max(width - 1, 1))).astype(np.float64)
    else:
        raise SettingsError(f"Unknown input pattern {pattern!r}; choose one of {', '.join(INPUT_PATTERNS)}.")
    return np.stack([base + k for k in range(channels)])              # channel k is the pattern + k


def kernel_size_problem(name: str, kh: int, kw: int) -> str | None:
    """Why kernel `name` cannot be kh × kw (a named filter has its own size), or None when it can."""
    if name not in CLASSIC_FILTERS or CLASSIC_FILTERS[name][1].shape == (kh, kw):
        return None
    label, kernel, _ = CLASSIC_FILTERS[name]
    return (f"{label} is a {kernel.shape[0]}×{kernel.shape[1]} kernel; "
            f"set the kernel size to {kernel.shape[0]}×{kernel.shape[1]} to use it.")


def example_problem(preset: str, presets, pattern: str, kernel: str, kh: int, kw: int) -> str | None:
    """What is wrong with a layer's example: a preset not in `presets` (the names, "none" first), or without a
    preset an unknown input pattern or kernel, or a named filter at another size; None when nothing is."""
    if preset not in presets:
        return f"Unknown preset {preset!r}; choose one of {', '.join(presets)}."
    if preset != "none":
        return None
    if pattern not in INPUT_PATTERNS:
        return f"Unknown input pattern {pattern!r}; choose one of {', '.join(INPUT_PATTERNS)}."
    if kernel not in KERNEL_CHOICES:
        return f"Unknown kernel {kernel!r}; choose one of {', '.join(KERNEL_CHOICES)}."
    return kernel_size_problem(kernel, kh, kw)


def kernel_values(name: str, channels: int, kh: int, kw: int, seed: int = 0) -> np.ndarray:
    """A kernel (C, kh, kw) for one output map. Named 3×3 filters need kh = kw = 3."""
    if name == "random":
        rng = np.random.default_rng(seed + 1000)                      # a stream apart from the input's
        return rng.integers(-2, 3, size=(channels, kh, kw)).astype(np.float64)
    if name == "ones":
        return np.ones((channels, kh, kw))
    if name == "identity":
        w = np.zeros((channels, kh, kw))
        w[:, kh // 2, kw // 2] = 1.0
        return w
    if name in CLASSIC_FILTERS:
        problem = kernel_size_problem(name, kh, kw)
        if problem:
            raise SettingsError(problem)
        return np.stack([CLASSIC_FILTERS[name][1]] * channels)
    raise SettingsError(f"Unknown kernel {name!r}; choose one of {', '.join(KERNEL_CHOICES)}.")


# Note 004, Example 7.1: X (3, 4, 4), W (3, 3, 3), zero padding 1, stride 1, bias 2, ReLU.
EXERCISE_7_1 = dict(
    x=np.array([[[2, 1, 0, 0], [0, 0, 2, 1], [0, 2, 0, 1], [2, 1, 0, 1]],
                [[2, 2, 0, 0], [0, 0, 2, 1], [0, 0, 2, 0], [0, 1, 0, 1]],
                [[2, 1, 0, 0], [0, 0, 2, 1], [2, 0, 0, 0], [0, 1, 0, 1]]], dtype=np.float64),
    w=np.array([[[1, 0, 0], [0, -2, 0], [0, 0, -1]],
                [[1, 2, 0], [2, 0, -1], [0, -1, 1]],
                [[0, 0, -2], [0, 1, 2], [-2, 2, 0]]], dtype=np.float64),
    bias=2.0, padding=1, stride=1,
    # What the note prints (Solution 7.1). Its X2*W2 has 11 at row 1, column 3: the true value is 1.
    printed_channel_maps=np.array([
        [[-4, -4, -1, 0], [-2, 2, -4, -2], [-1, -4, -1, 0], [-4, -2, 2, -2]],
        [[-2, 6, 3, -1], [4, 6, -1, 4], [1, -3, 5, 7], [-1, 0, 5, 2]],
        [[4, 1, 4, -2], [2, 0, 4, 11], [2, -2, -4, 2], [2, 1, 2, 1]]], dtype=np.float64),
    printed_y=np.array([[0, 5, 8, 0], [6, 10, 1, 5], [4, 0, 2, 11], [0, 1, 11, 3]], dtype=np.float64),
    printed_max=np.array([[10, 8], [4, 11]], dtype=np.float64),
    printed_avg=np.array([[21 / 4, 7 / 2], [5 / 4, 27 / 4]]),
)


def exercise_7_1() -> dict:
    """Note 004's Example 7.1 worked through: per-channel maps, Y = ReLU(sum + 2), 2×2 max and avg pools.

    The note writes `*` but computes cross-correlation (no kernel flip), as deep-learning layers do.
    Returns the computed arrays and the cells where the note's printed maps disagree.
    """
    from convviz.conv import cross_correlate2d
    from convviz.pooling import avg_pool2d, max_pool2d

    ex = EXERCISE_7_1
    maps = np.stack([cross_correlate2d(ex["x"][c], ex["w"][c], padding=ex["padding"]) for c in range(3)])  # (3, 4, 4)
    pre = maps.sum(axis=0) + ex["bias"]
    y = np.maximum(pre, 0.0)
    typos = [(int(c), int(i), int(j), float(ex["printed_channel_maps"][c, i, j]), float(maps[c, i, j]))
             for c, i, j in zip(*np.nonzero(maps != ex["printed_channel_maps"]))]
    return dict(channel_maps=maps, pre_activation=pre, y=y,
                max_pool=max_pool2d(y, 2), avg_pool=avg_pool2d(y, 2), typos=typos)


@dataclass(frozen=True)
class ConvPreset:
    """A worked example of the notes: fixed input (C, H, W), kernel (C, kh, kw) and layer settings."""
    label: str
    x: np.ndarray
    w: np.ndarray
    bias: float
    stride: int
    padding: int
    info: str


CONV_PRESETS = {
    "ex71": ConvPreset(
        "Exercise 7.1 (note 004)", EXERCISE_7_1["x"], EXERCISE_7_1["w"], EXERCISE_7_1["bias"],
        EXERCISE_7_1["stride"], EXERCISE_7_1["padding"],
        "Exercise 7.1 (note 004): a 3-channel 4×4 input, a 3×3×3 kernel, zero padding 1, stride 1, bias 2."),
    "note002_flip": ConvPreset(
        "Note 002: a 5×5 input and a 2×2 kernel",
        np.array([[[2, 3, 6, 9, 3], [0, 1, 0, 1, 5], [6, 0, 4, 1, 2], [0, 4, 2, 1, 1], [1, 3, 1, 0, 0]]], dtype=np.float64),
        np.array([[[0, 1], [1, 0]]], dtype=np.float64), 0.0, 1, 0,
        "Note 002's slide (convolution vs cross-correlation): a 5×5 input and the 2×2 kernel [[0, 1], [1, 0]], "
        "no padding, stride 1, so the output is 4×4. The kernel is the same after a 180° turn, so convolution and "
        "cross-correlation give the same numbers here; the slide prints no result, these are checked with torch."),
    "note002_laplacian": ConvPreset(
        "Note 002: the Laplacian of a square",
        input_values("square", 1, 5, 5), CLASSIC_FILTERS["laplacian"][1][None].astype(np.float64), 0.0, 1, 0,
        "Note 002's slide: a 3×3 square of ones on a 5×5 zero background, and the Laplacian kernel "
        "[[0, 1, 0], [1, −4, 1], [0, 1, 0]], no padding. The output is 0 where the image is flat and negative at the "
        "square's edge and corners: an edge detector. (With padding 1 under *Your own settings*, input *Square of "
        "ones*, kernel *Laplacian*, the ring outside the square lights up too.)"),
}


# --- The photo the receptive-field and your-network lessons draw fields on ----------------------

def photo(size: int) -> np.ndarray:
    """scikit-image's astronaut (free to redistribute) resized to size × size, read-only."""
    from skimage import data, transform

    img = transform.resize(data.astronaut()[:, 56:456], (size, size), anti_aliasing=True)   # 400 columns: the face
    img.setflags(write=False)
    return img


def photo_size(n: int) -> int:
    """Photo pixels per side for an n×n input: at most PHOTO_MAX."""
    return min(n, PHOTO_MAX)
