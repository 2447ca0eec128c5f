"""Lesson: a residual CNN removes Gaussian noise, beside classical filters (issue 5): settings and sentences.

DenoiseSettings (noise added or already there, σ, seed, the σ told to the network, self-ensemble)
and ZoomSettings (the zoom box, shared with the super-resolution lesson) are validated when made
(SettingsError with the message the page would show) and hashable; the page builds them
once from its URL-bound controls. The image itself is never part of a settings object: the cached
wrappers in convviz/ui/cache/restoration.py key on a tuple naming it exactly plus these settings.
No streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass


from convviz.figures.restoration import model_card_section, zoom_box
from convviz.lessons.shared.settings import Checked, settle, whole
from convviz.lessons.settings_error import SettingsError

NOISE = {"add": "Add noise (clean image known)", "real": "Already noisy (σ estimated)"}
MAX_SIGMA = 75                    # the σ controls' range, on 0–255
TRAINED_SIGMA = 55                # the network was trained for σ in 0 … 55
ENSEMBLES = (1, 4)                # plain, or averaged over the 4 rotations
MAX_UPLOAD_PIXELS = 24_000_000    # uploads are denoised at their own size up to this (issue 32)
# What each noise mode does to the picture, one line each (issue 32).
NOISE_DOES = {"add": "Adds seeded Gaussian noise of σ to the picture, then removes it: the clean picture "
                     "is known, so PSNR is shown.",
              "real": "Leaves the picture as it is and removes the noise already in it, at the estimated σ "
                      "(or yours): the result keeps the picture's own size."}
# The mode set when the visitor switches to an upload (taken as already noisy) or back to a sample.
NOISE_DEFAULTS = {"upload": {"noise": "real"}, "sample": {"noise": "add"}}
ZOOM_BOX_ONLY = ("This photo is large, so the classical filters, their scores and times, and the layers below "
                 "work on the magenta zoom box only (move it to see another part); the network's time is "
                 "for the whole photo.")


def download_stem(stem: str, sigma: float, ensemble: int = 1) -> str:
    """The file name of a denoised result, after what was done: `<name>_denoised_sigma25[_x4rot]`.

    >>> download_stem("cat", 25.0), download_stem("cat", 12.6, 4)
    ('cat_denoised_sigma25', 'cat_denoised_sigma13_x4rot')
    """
    return f"{stem}_denoised_sigma{round(sigma)}" + (f"_x{ensemble}rot" if ensemble > 1 else "")


@dataclass(frozen=True)
class ZoomSettings(Checked):
    """The zoom box: its centre in % of the width and height, and its side in (output) pixels."""

    LIMITS = {"x": ("The zoom centre x", 0, 100), "y": ("The zoom centre y", 0, 100),
              "side": ("The zoom box side", 16, 256)}
    x: int = 50
    y: int = 50
    side: int = 64

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(x, y, width, height) of the box on a width × height image (figures.restoration.zoom_box)."""
        return zoom_box(width, height, self.x, self.y, self.side)

    def fitted(self, width: int, height: int) -> "ZoomSettings":
        """The same box, described by what is drawn on a width × height image: the side cut to the image
        (never under 16) and the centre moved inside it, so that the numbers shown and the link say where
        the box is (issue 24). A centre within 1 % of the drawn one that gives the same box is kept.

        >>> ZoomSettings(0, 50, 64).fitted(512, 512)          # the box stops at the left edge: centre 32 px
        ZoomSettings(x=6, y=50, side=64)
        >>> ZoomSettings(50, 50, 256).fitted(48, 40)           # a side longer than the image is cut to it
        ZoomSettings(x=50, y=50, side=48)
        """
        side = max(16, min(self.side, max(width, height)))
        x0, y0, w, h = zoom_box(width, height, self.x, self.y, side)

        def centre(asked: int, start: int, span: int, size: int, at) -> int:
            drawn = min(100, max(0, round(100 * (start + span / 2) / size)))
            for pct in ((asked, drawn) if abs(asked - drawn) <= 1 else (drawn, asked)):
                if at(pct) == start:
                    return pct
            return asked

        x = centre(self.x, x0, w, width, lambda p: zoom_box(width, height, p, self.y, side)[0])
        y = centre(self.y, y0, h, height, lambda p: zoom_box(width, height, self.x, p, side)[1])
        return ZoomSettings(x, y, side)


@dataclass(frozen=True)
class DenoiseSettings:
    """What the network gets: noise added with σ and a seed, or a photo taken as noisy (σ estimated or given)."""

    noise: str = "add"                 # a key of NOISE
    sigma: int = 25                    # σ of the added noise (0 when noise == "real")
    seed: int = 0                      # seed of the added noise (0 when noise == "real")
    own_sigma: int | None = None       # "real" only: the σ given to the network, None to estimate it
    ensemble: int = 1                  # 1, or 4 for the self-ensemble over rotations

    def __post_init__(self):
        if self.noise not in NOISE:
            raise SettingsError(f"Noise is {' or '.join(NOISE)} (got {self.noise!r}).")
        if self.noise == "real":                     # nothing is added: σ and seed play no part
            settle(self, sigma=0, seed=0)
        else:
            settle(self, own_sigma=None)
        settle(self, sigma=whole(self.sigma, "The noise level σ", 0, MAX_SIGMA),
               seed=whole(self.seed, "The noise seed", 0, 9999))
        if self.own_sigma is not None:
            settle(self, own_sigma=whole(self.own_sigma, "The σ given to the network", 0, MAX_SIGMA))
        if self.ensemble not in ENSEMBLES:
            raise SettingsError(f"The self-ensemble averages 1 or 4 rotations (got {self.ensemble!r}).")

    @property
    def added(self) -> bool:
        return self.noise == "add"

    @property
    def noisy_key(self) -> tuple:
        """What, after the image's own key, names the network's input exactly."""
        return (self.noise, self.sigma, self.seed)

    def net_sigma(self, estimate: float | None = None) -> float:
        """The σ told to the network: the added σ, the one given, or the estimate."""
        if self.added:
            return float(self.sigma)
        return float(self.own_sigma) if self.own_sigma is not None else float(estimate)


def input_text(label: str, shape: tuple, s: DenoiseSettings, estimate: float | None = None) -> str:
    """The sentence under the input controls: what the network gets and what it is told."""
    if s.added:
        return (f"**{label}**, {shape[1]}×{shape[0]} pixels, {'grayscale' if len(shape) == 2 else 'colour'}: "
                f"Gaussian noise of σ = {s.sigma} (seed {s.seed}) is added to every pixel, and the network is told "
                f"σ = {s.sigma}.")
    return (f"**{label}**, {shape[1]}×{shape[0]} pixels: the estimated noise level is **σ ≈ {estimate:.1f}** (from "
            f"the flattest blocks of the finest wavelet band); the network is told σ = {s.net_sigma(estimate):.1f}. "
            "There is no clean image, so no PSNR: judge in the zoom below.")


def sigma_warnings(s: DenoiseSettings, net_sigma: float) -> list[str]:
    """Warnings about the σ the network is told: almost no noise, or beyond its training range."""
    said = []
    if not s.added and net_sigma < 2:
        said.append("This image looks almost noise-free, so the network will change very little. Switch "
                    "*Noise* to *Add noise* to see it work, or set σ yourself.")
    if net_sigma > TRAINED_SIGMA:
        said.append(f"The network was trained for σ from 0 to {TRAINED_SIGMA}; at σ = {net_sigma:.0f} it is extrapolating.")
    return said


def network_title(ensemble: int) -> str:
    """Short, and without the model's file name (that is in "About the model"): it titles a zoom panel too."""
    return "Network" + (f", {ensemble} rotations averaged" if ensemble > 1 else "")


def model_sentence(info: dict) -> str:
    """For students, in the main flow: what the network is and what it costs, without its internals."""
    return (f"The network is **FFDNet-style**: {int(info['config'].get('depth', 12))} convolution layers with "
            f"**{info['params']:,} weights**, about {info['macs_per_pixel']:,.0f} multiply-adds per pixel. "
            "It was trained by this project on 400 small grayscale photos, with noise of every level from 0 to "
            f"{TRAINED_SIGMA}.")


def model_text(info: dict) -> str:
    """For "About the model": the weights file, its training step and time, and its validation score."""
    return (f"Weights **{info['name']}**: {info['params']:,} parameters, {info['macs_per_pixel']:,.0f} "
            f"multiply-adds per pixel ({info['gmacs_per_megapixel']:.1f} GMAC per megapixel). Shipped at training "
            f"step {info['step']}, after {float(info['train_seconds'] or 0) / 60:.1f} min of training, validation "
            f"PSNR {float(info['val_psnr'] or 0):.2f} dB (8 held-out Train400 images, mean over σ = 15, 25, 50). "
            "Training continues, so these numbers are from an early checkpoint.")


def measured_quality(info: dict) -> str:
    """The model card's "Measured quality" section, or a plain sentence when it has no numbers yet."""
    text = model_card_section(info["card"], "Measured quality")
    if "|" in text:
        return text
    return (f"Benchmark numbers for {info['name']} are **not measured yet**: the model card's table is filled by "
            f"`python -m convviz.evaluate`. Until then the only number is the validation PSNR above.")


def score_table(noisy_scores: tuple[float, float], scores: dict[str, tuple[float, float]],
                seconds: dict[str, float]) -> tuple[str, str]:
    """(the markdown table of PSNR, SSIM and time per method, the sentence naming the best)."""
    rows = ["| method | PSNR (dB) | SSIM | time (s) |", "|---|---|---|---|",
            f"| noisy input | {noisy_scores[0]:.2f} | {noisy_scores[1]:.3f} | |"]
    rows += [f"| {title} | {p:.2f} | {q:.3f} | {seconds[title]:.2f} |" for title, (p, q) in scores.items()]
    best = max(scores, key=lambda k: scores[k][0])
    return "\n".join(rows), (f"Highest PSNR on this image: **{best}** ({scores[best][0]:.2f} dB). SSIM, which "
                             "follows structure rather than pixel error, may rank them differently.")


def feature_text(info: dict, layer: int, colour: bool) -> str:
    return (f"The network first splits the image into its 4 half-resolution sub-images (pixel unshuffle) and "
            f"appends a map filled with σ/255. Each tile below is one of the {info['config'].get('width', 64)} "
            f"channels after layer {layer}, scaled to its own maximum (black = 0). Early layers look like edge "
            f"and texture detectors; deeper layers respond more and more to the noise itself."
            + (" Colour images are averaged to gray first." if colour else ""))
