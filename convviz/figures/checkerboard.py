"""Checkerboard artifacts as pictures (issue 34): an image above its power spectrum, and the 1-D stack.

Images are sent as PNGs enlarged by whole-pixel repetition (nearest neighbour), so that the browser's smoothing of
a small image cannot blur a one-pixel checkerboard. Spectra: log10 of the power (mean removed) relative to its peak,
from 10⁻⁶ (black) to 1 (white), in numpy's order: zero frequency at the corners, the highest frequency (±N/2, the
period-2 lines) on the middle row and column, which orange triangles outside the picture point at.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from convviz.checkerboard import power_spectrum
from convviz.figures.common import FONT, png_data_uri

ORANGE = "#d55e00"          # the period-2 lines (Okabe–Ito vermillion: visible on black and on white)
DISPLAY_PX = 256            # an image is enlarged to at least this many pixels per side before it is sent
SPECTRUM_FLOOR = 1e-6


def _enlarge(img: np.ndarray) -> tuple[np.ndarray, int]:
    """Each pixel repeated f×f times (f = ceil(DISPLAY_PX / side)), and f."""
    f = max(1, -(-DISPLAY_PX // max(img.shape)))
    return np.repeat(np.repeat(img, f, axis=0), f, axis=1), f


def to_gray(image: np.ndarray, signed: bool = False) -> np.ndarray:
    """Values to [0, 1] for a picture: min to max; signed: 0 at mid-grey, ±max|value| at white/black."""
    y = np.asarray(image, dtype=np.float64)
    if signed:
        top = float(np.abs(y).max())
        return 0.5 + 0.5 * y / top if top > 0 else np.full(y.shape, 0.5)
    low, high = float(y.min()), float(y.max())
    return (y - low) / (high - low) if high > low else np.full(y.shape, 0.5)


def log_spectrum(image: np.ndarray) -> np.ndarray:
    """The power spectrum (numpy's order) on a log scale in [0, 1]: 0 at or below 10⁻⁶ of the peak, 1 at the peak."""
    power = power_spectrum(image)
    peak = float(power.max())
    if peak <= 0:
        return np.zeros(power.shape)
    return np.clip(np.log10(np.maximum(power / peak, SPECTRUM_FLOOR)) / -np.log10(SPECTRUM_FLOOR) + 1.0, 0.0, 1.0)


def image_spectrum_figure(image: np.ndarray, title: str, *, signed: bool = False, caption: str = "",
                          height: int = 470, spectrum_of: np.ndarray | None = None,
                          spectrum_title: str = "power spectrum (log)", image_title: str = "image") -> go.Figure:
    """The image (row 0 on top) over its power spectrum (or that of `spectrum_of`), the period-2 lines marked;
    `caption` under the title."""
    fig = make_subplots(rows=2, cols=1, vertical_spacing=0.07, subplot_titles=(image_title, spectrum_title))
    spectral = image if spectrum_of is None else spectrum_of
    for row, picture in ((1, to_gray(image, signed)), (2, log_spectrum(spectral))):
        big, f = _enlarge(picture)
        fig.add_trace(go.Image(source=png_data_uri(big), hoverinfo="skip"), row=row, col=1)
        fig.update_xaxes(visible=False, constrain="domain", row=row, col=1)
        fig.update_yaxes(visible=False, scaleanchor=f"x{row if row > 1 else ''}", constrain="domain", row=row, col=1)
    f = _enlarge(np.zeros(spectral.shape))[1]
    rows, cols = spectral.shape
    pad = 0.06 * max(rows, cols) * f
    if rows % 2 == 0 and cols % 2 == 0:              # index N/2 holds the frequency ±N/2: the period-2 lines
        mid_r, mid_c = (rows // 2 + 0.5) * f - 0.5, (cols // 2 + 0.5) * f - 0.5
        fig.add_trace(go.Scatter(x=[mid_c, -pad / 2], y=[-pad / 2, mid_r], mode="markers", hoverinfo="skip",
                                 marker=dict(symbol=["triangle-down", "triangle-right"], size=11, color=ORANGE)),
                      row=2, col=1)
    fig.update_xaxes(range=[-0.5 - pad, cols * f - 0.5], row=2, col=1)
    fig.update_yaxes(range=[rows * f - 0.5, -0.5 - pad], row=2, col=1)
    text = f"<b>{title}</b>" + (f"<br><span style='font-size:0.85em'>{caption}</span>" if caption else "")
    fig.update_layout(title=dict(text=text, font=FONT, x=0.02, y=0.96, yanchor="top"), font=FONT, height=height,
                      margin=dict(l=5, r=5, t=80 if caption else 50, b=5), showlegend=False)
    for note in fig.layout.annotations:                # the subplot titles: smaller than the figure's
        note.font = dict(size=13)
    return fig


def stack_figure(outputs: list[np.ndarray], layers: list[tuple[int, int]], titles: list[str]) -> go.Figure:
    """One bar chart per layer of the 1-D stack (a constant input, constant kernels): the overlap counts so far."""
    fig = make_subplots(rows=len(outputs), cols=1, subplot_titles=titles, vertical_spacing=0.5 / max(2, len(outputs)))
    for i, (y, (k, s)) in enumerate(zip(outputs, layers)):
        fig.add_trace(go.Bar(x=np.arange(y.size), y=y, marker_color="#0072b2", name=f"layer {i + 1}",
                             hovertemplate=f"after layer {i + 1} (k={k}, s={s}): output %{{x}} gets %{{y}}<extra></extra>"),
                      row=i + 1, col=1)
        fig.update_yaxes(title_text="count", range=[0, float(y.max()) * 1.1], row=i + 1, col=1)
    fig.update_xaxes(title_text="output position", row=len(outputs), col=1)
    fig.update_layout(font=FONT, showlegend=False, height=120 + 170 * len(outputs), bargap=0.15,
                      margin=dict(l=50, r=10, t=60, b=40))
    for note in fig.layout.annotations:
        note.font = dict(size=14)
    return fig
