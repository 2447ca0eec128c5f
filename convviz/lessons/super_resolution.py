"""Lesson: SRCNN and an efficient sub-pixel net against nearest and bicubic upscaling (issue 5).

SRSettings (scale, what is upscaled, how the low-resolution input is made) is validated in its
__post_init__ (SettingsError with the message the page would show) and hashable; the page builds it
once from its URL-bound controls, `resolve` turns "auto" into what is done for this image, and the
cached wrappers in convviz/ui/cache/restoration.py key on a tuple naming the image plus these
settings. The zoom box is convviz.lessons.denoising.ZoomSettings. No streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from convviz.restoration import degradation as sr_degradation
from convviz.restoration.image_input import LARGE, MIN_SIDE
from convviz.lessons.settings_error import SettingsError

METHODS = {"nearest": "Nearest", "bicubic": "Bicubic", "srcnn": "SRCNN", "subpixel": "Sub-pixel net"}   # short: panel titles
SCALES = {"2": "×2", "3": "×3", "4": "×4"}
MODES = {"auto": "Automatic: samples are downscaled first, your own image is upscaled itself",
         "known": "Downscale by s first, so the original is the ground truth (PSNR shown)",
         "direct": "Upscale the image itself (no ground truth, no PSNR)"}


# What each mode does to the picture, one line each (issue 32).
MODES_DO = {"known": "Shrinks the picture by s, then each method enlarges it back: the original is the ground truth.",
            "direct": "Enlarges the picture itself by s: the result is s times as wide and as high."}
SRCNN_SMALL_ONLY = ("runs here on images up to 0.4 MP only (it works at the output size, about 8 times the "
                    "sub-pixel net's cost); the sub-pixel net does the full-size picture.")
MAX_OUTPUT_PIXELS = 64_000_000    # an upload upscaled as it is may give up to this (issue 32)


def download_stem(stem: str, scale: int, method: str) -> str:
    """`<name>_x4_subpixel`: the file name says what was done."""
    return f"{stem}_x{scale}_{method}"


@dataclass(frozen=True)
class SRSettings:
    scale: int = 3                 # 2, 3 or 4
    mode: str = "auto"             # a key of MODES
    degrade: str = "bicubic"       # a key of sr_degradation.DEGRADATIONS

    def __post_init__(self):
        if isinstance(self.scale, bool) or self.scale not in (2, 3, 4):
            raise SettingsError(f"The scale s is 2, 3 or 4 (got {self.scale!r}).")
        object.__setattr__(self, "scale", int(self.scale))
        if self.mode not in MODES:
            raise SettingsError(f"What is upscaled is one of {', '.join(MODES)} (got {self.mode!r}).")
        if self.degrade not in sr_degradation.DEGRADATIONS:
            raise SettingsError(f"The degradation is one of {', '.join(sr_degradation.DEGRADATIONS)} "
                             f"(got {self.degrade!r}).")

    def resolve(self, sample: bool, width: int, height: int, direct_max: int) -> tuple["SRSettings", str | None]:
        """The settings with "auto" decided for this image (samples are downscaled first, an upload is upscaled
        itself: issue 32), and a warning when an image is too small to downscale by s. direct_max is unused
        (kept for callers)."""
        mode = self.mode
        if mode == "auto":
            mode = "known" if sample else "direct"
        warning = None
        if mode == "known" and min(height, width) // self.scale < MIN_SIDE:
            warning = (f"{width}×{height} pixels is too small to downscale by {self.scale} (the low-resolution image "
                       f"would be under {MIN_SIDE} pixels on a side); it is upscaled as it is instead.")
            mode = "direct"
        return replace(self, mode=mode), warning

    @property
    def known(self) -> bool:
        return self.mode == "known"

    @property
    def low_key(self) -> tuple:
        """What, after the image's own key, names the low-resolution input exactly (once resolved)."""
        return (self.mode, self.scale) + ((self.degrade,) if self.known and self.degrade != "bicubic" else ())


def without_crop_hint(notice: str) -> str:
    """An upload notice without its pointer to the denoising page's "cut out the centre" option,
    which the super-resolution page does not offer (issue 24)."""
    hint = f" Shrinking also averages away noise: choose *{LARGE['crop']}* to see the network on the photo's own pixels."
    return notice.replace(hint, "")


def known_text(label: str, width: int, height: int, s: SRSettings, truth_shape: tuple, low_shape: tuple) -> str:
    scale = s.scale
    how = ("with PIL bicubic" if s.degrade == "bicubic" else
           f"by {scale}×{scale} average pooling (each low-resolution pixel is the mean of a {scale}×{scale} block, "
           f"torch's `F.avg_pool2d(x, {scale}, stride={scale})`)")
    return (f"**{label}** ({width}×{height}) is cropped to a multiple of {scale}, shrunk by {scale} {how} "
            f"to **{low_shape[1]}×{low_shape[0]}**, and each method upscales that back to "
            f"{truth_shape[1]}×{truth_shape[0]}; the original is the ground truth.")


def direct_text(label: str, s: SRSettings, low_shape: tuple) -> str:
    return (f"**{label}**: {low_shape[1]}×{low_shape[0]} is upscaled ×{s.scale} to "
            f"{s.scale * low_shape[1]}×{s.scale * low_shape[0]}. There is no ground truth, so no PSNR: judge in the zoom."
            + (" The degradation choice does not apply: nothing is downscaled." if s.degrade != "bicubic" else ""))


def untrained_problem(method: str, scale: int, trained: dict | None) -> str | None:
    """For a network not trained at this scale (`trained`: its restore.SR_MODELS entry, None for a
    baseline), the sentence saying so; None otherwise."""
    if trained is None or scale in trained:
        return None
    title = METHODS[method]
    return f"{title} is trained for ×{', ×'.join(map(str, sorted(trained)))} only."


AVERAGE_POOL_NOTE = ("Note 000 makes its low-resolution images this way: each pixel the mean of an s×s block. "
                     "The networks here were trained on bicubic-downscaled images instead, hence the choice above.")
TRAINING_NOTE = ("Training continues, so each of these is an early checkpoint: the step and score are those of "
                 "the shipped weights.")      # said once under the list, not on every line (issue 24)


def model_line(name: str, info: dict, has_card: bool) -> str:
    """For "About the model": one network's weights file, size, cost, training step and validation score."""
    return (f"- **{name}**: {info['params']:,} parameters, {info['macs_per_pixel']:,.0f} multiply-adds per "
            f"output pixel; shipped at training step {info['step']} after "
            f"{float(info['train_seconds'] or 0) / 60:.1f} min, validation PSNR {float(info['val_psnr'] or 0):.2f} dB."
            + ("" if has_card else " No model card yet."))


def score_table(results: dict, scores: dict, reference: dict | None) -> str:
    """PSNR / SSIM on Y and time per method, with the bicubic-downscaled input's PSNR beside when given."""
    rows = ["| method | PSNR on Y (dB) | SSIM on Y | time (s) |", "|---|---|---|---|"]
    if reference:
        rows = ["| method | PSNR on Y (dB) | SSIM on Y | time (s) | PSNR, bicubic-downscaled input (dB) | change (dB) |",
                "|---|---|---|---|---|---|"]
    for title, (_, seconds) in results.items():
        p, q = scores[title]
        extra = f" {reference[title]:.2f} | {p - reference[title]:+.2f} |" if reference else ""
        rows.append(f"| {title} | {p:.2f} | {q:.3f} | {seconds:.2f} |{extra}")
    return "\n".join(rows)


def degradation_text(scores: dict, reference: dict, scale: int) -> str:
    """Why the scores move when the input is average-pooled instead of bicubic-downscaled."""
    weights = sr_degradation.bicubic_downscale_weights(scale)
    return (sr_degradation.compare_degradations({t: scores[t][0] for t in reference}, reference)
            + f" Why the numbers move: both networks were trained on PIL-bicubic-downscaled inputs "
            f"(`convviz/train.py`), so average pooling is a degradation they never saw; nearest and bicubic "
            f"upscaling learned nothing and only get a different input. Average pooling weights the {scale}×{scale} "
            f"block equally (1/{scale} per axis), while bicubic downscaling spreads {window_sentence(weights)}.")


def window_sentence(weights) -> str:
    """The bicubic downscaling window, from its weights: how many (and how many of them are exactly 0), their
    range (with a real minus sign) and how many pixels they span, e.g. at s = 3: "11 weights per axis (2 of
    them exactly 0) from −0.025 to 0.333 (negative at the edges) over an 11-pixel-wide window"."""
    import numpy as np
    weights = np.asarray(weights)
    nonzero = np.flatnonzero(weights != 0)
    span = int(nonzero[-1] - nonzero[0] + 1)
    zeros = int(np.sum(weights[nonzero[0]:nonzero[-1] + 1] == 0))
    low, high = (f"{v:.3f}".replace("-", "−") for v in (weights.min(), weights.max()))
    article = "an" if str(span).startswith(("8", "11", "18")) else "a"
    return (f"{span} weights per axis" + (f" ({zeros} of them exactly 0)" if zeros else "")
            + f" from {low} to {high} (negative at the edges) over {article} {span}-pixel-wide window")
