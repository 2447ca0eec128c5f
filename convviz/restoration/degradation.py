"""How the low-resolution input is made from the ground truth: PIL bicubic, or note 000's r×r average pool.

Note 000 ("Image super-resolution"): Y = A(X_true), "in the simplest setup, A is an average pool
operator with r×r kernel and a stride r", so

    Y[i, j] = (1/r²) Σ_{a,b < r} X[r·i + a, r·j + b]          (torch's F.avg_pool2d(X, r, stride=r))

on X cropped at the bottom/right to a multiple of r (avg_pool2d's floor drops the same rows and
columns). PIL's bicubic downscaling (the benchmark's and our training's LR) instead weights a 4r-pixel
window per axis with the bicubic kernel (a = -0.5) stretched by r, whose outer weights are negative.
Both truths are the same array, so only the input differs. Checked in tests/restoration/test_sr_degradation.py.
"""

from __future__ import annotations

import numpy as np

from convviz.restoration import baselines

from convviz.restoration import imaging

DEGRADATIONS = {"bicubic": "Bicubic downscaling (PIL, as the networks were trained)",
                "average": "r×r average pooling (note 000)"}


def average_pool_downscale(hr: np.ndarray, scale: int) -> np.ndarray:
    """Y[i, j] = mean of the scale×scale block X[s·i : s·i+s, s·j : s·j+s] (note 000), float64;
    X is cropped to a multiple of scale first. (H, W[, 3]) -> (H//s, W//s[, 3])."""
    x = imaging.crop_to_multiple(np.asarray(hr, dtype=np.float64), scale)
    h, w = x.shape[0] // scale, x.shape[1] // scale
    blocks = x.reshape(h, scale, w, scale, *x.shape[2:])       # (h, s, w, s[, 3])
    return blocks.mean(axis=(1, 3))                            # (h, w[, 3])


def degrade(hr: np.ndarray, scale: int, how: str = "bicubic") -> tuple[np.ndarray, np.ndarray]:
    """(ground truth, low-resolution input). The truth is baselines.downscale's (the uint8 image cropped
    to a multiple of scale); the input is its PIL bicubic downscale ("bicubic") or its average pool ("average")."""
    if how not in DEGRADATIONS:
        raise ValueError(f"degradation must be one of {', '.join(DEGRADATIONS)}, got {how!r}")
    truth, low = baselines.downscale(hr, scale)
    return truth, (low if how == "bicubic" else average_pool_downscale(truth, scale))


def bicubic_downscale_weights(scale: int) -> np.ndarray:
    """PIL's 1-D bicubic weights for the input pixels within 2·scale of one output pixel's centre when
    shrinking by an integer scale: k(d / scale) normalised to sum 1, d = each pixel centre's offset from the
    output centre (i + 0.5)·scale (half-integers for even scale: 4·scale pixels; integers for odd: 4·scale − 1),
    k(t) = 1.5|t|³ − 2.5|t|² + 1 for |t| < 1, −0.5|t|³ + 2.5|t|² − 4|t| + 2 for 1 ≤ |t| < 2 (Keys, a = −0.5)."""
    n = 4 * scale - scale % 2
    t = np.abs((np.arange(n) - (n - 1) / 2) / scale)           # offsets d / scale, symmetric about 0
    k = np.where(t < 1, 1.5 * t**3 - 2.5 * t**2 + 1, np.where(t < 2, -0.5 * t**3 + 2.5 * t**2 - 4 * t + 2, 0.0))
    return k / k.sum()


def _signed(db: float) -> str:
    return f"{db:+.2f} dB".replace("-", "−")


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def compare_degradations(average: dict[str, float], bicubic: dict[str, float],
                         networks: tuple[str, ...] = ("SRCNN", "Sub-pixel net"), baseline: str = "Bicubic",
                         tolerance: float = 0.005) -> str:
    """Sentences for the page, worded from the numbers: per method, PSNR(average input) − PSNR(bicubic input)
    in dB (rose / fell / unchanged within `tolerance`), then the best network's lead over `baseline` upscaling
    under each degradation. Keys are the methods' titles; only methods in both dicts are compared."""
    methods = [m for m in average if m in bicubic]
    change = {m: average[m] - bicubic[m] for m in methods}
    rose = [f"{m} ({_signed(change[m])})" for m in methods if change[m] > tolerance]
    fell = [f"{m} ({_signed(change[m])})" for m in methods if change[m] < -tolerance]
    same = [m for m in methods if abs(change[m]) <= tolerance]
    parts = ([f"rose for {_listing(rose)}"] if rose else []) + ([f"fell for {_listing(fell)}"] if fell else []) \
        + ([f"stayed within {tolerance:g} dB for {_listing(same)}"] if same else [])
    text = "With average-pooled input instead of bicubic-downscaled input, PSNR " + _listing(parts) + "."
    nets = [m for m in networks if m in change]
    if nets and baseline in change:
        best_avg = max(nets, key=average.get)
        best_bic = max(nets, key=bicubic.get)
        lead_avg, lead_bic = average[best_avg] - average[baseline], bicubic[best_bic] - bicubic[baseline]
        trend = ("smaller" if lead_avg < lead_bic - tolerance else "larger" if lead_avg > lead_bic + tolerance
                 else "about the same")
        text += (f" The best network's lead over {baseline.lower()} upscaling is {_signed(lead_avg)} here "
                 f"({best_avg}) against {_signed(lead_bic)} on the bicubic-downscaled input ({best_bic}): {trend}.")
    return text
