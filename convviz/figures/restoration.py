"""Figures for the denoising and super-resolution pages: panels, a linked zoom crop, feature maps.

The zoom box is given as the centre in percent of the width and height plus a side in pixels
(`zoom_box`), so that one link works for every image size; every panel of a page draws the
same box and the crop row shows the same pixels of each, enlarged without smoothing.
Panels larger than DISPLAY_SIDE are reduced for the screen (area average); the crops are not.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from convviz.figures.common import image_figure
from convviz.restoration.image_input import resize

DISPLAY_SIDE = 560   # longest side of a full panel on screen, in pixels
CROP_DISPLAY = 280   # a crop is enlarged by whole pixels to at least about this size


def zoom_box(width: int, height: int, cx_pct: float, cy_pct: float, side: int) -> tuple[int, int, int, int]:
    """(x0, y0, w, h) of a side×side box centred at (cx_pct, cy_pct) percent, moved inside the image."""
    w, h = min(side, width), min(side, height)
    x0 = int(round(cx_pct / 100 * width - w / 2))
    y0 = int(round(cy_pct / 100 * height - h / 2))
    return max(0, min(width - w, x0)), max(0, min(height - h, y0)), w, h


def crop(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, w, h = box
    return np.asarray(image)[y0:y0 + h, x0:x0 + w]


def for_display(image: np.ndarray, side: int = DISPLAY_SIDE) -> tuple[np.ndarray, float]:
    """(image reduced so its longest side is at most `side`, the factor applied)."""
    height, width = image.shape[:2]
    factor = min(1.0, side / max(height, width))
    if factor == 1.0:
        return np.clip(image, 0, 1), 1.0
    return resize(np.clip(image, 0, 1), (max(1, round(width * factor)), max(1, round(height * factor)))), factor


def fitted_height(shape: tuple, columns: int, layout_px: int = 1000) -> int:
    """Figure height (px) for an image of `shape` in one of `columns` equal columns of a layout `layout_px` wide
    (the wide layout, about 1000 px; wider on a projector): the column's width times the aspect ratio, plus the
    title, so no empty band is left above or below."""
    column_px = layout_px / columns - 20
    return int(min(600, max(140, 50 + column_px * shape[0] / shape[1])))


def panel_figure(image: np.ndarray, title: str, box=None, columns: int = 3, layout_px: int = 1000) -> go.Figure:
    """One full image with the zoom box drawn on it (box in the image's own pixel coordinates)."""
    shown, factor = for_display(image)
    fig = image_figure(shown, title, height=fitted_height(shown.shape, columns, layout_px))
    if box is not None:
        x0, y0, w, h = (v * factor for v in box)
        fig.add_shape(type="rect", x0=x0 - 0.5, y0=y0 - 0.5, x1=x0 + w - 0.5, y1=y0 + h - 0.5,
                      line=dict(color="#ff00ff", width=2))
    return fig


def enlarge(image: np.ndarray, target: int = CROP_DISPLAY) -> np.ndarray:
    """Repeat each pixel k×k times (nearest, no smoothing) so that the longest side is about `target`."""
    k = max(1, target // max(image.shape[:2]))
    return np.repeat(np.repeat(image, k, axis=0), k, axis=1)


def crop_figure(image: np.ndarray, box, title: str, columns: int = 3, layout_px: int = 1000) -> go.Figure:
    """The zoom box's pixels of `image`, enlarged without smoothing."""
    shown = enlarge(np.clip(crop(image, box), 0, 1))
    return image_figure(shown, title, height=fitted_height(shown.shape, columns, layout_px))


def residual_image(residual: np.ndarray, sigma: float) -> np.ndarray:
    """Noise shown with grey as 0: 0.5 + r / (6 sigma/255), so ±3 sigma spans black to white."""
    spread = 6 * max(float(sigma), 1.0) / 255.0
    return np.clip(0.5 + np.asarray(residual) / spread, 0.0, 1.0)


def feature_mosaic(maps: np.ndarray, columns: int = 8, tile: int = 96, gap: int = 2) -> tuple[np.ndarray, int]:
    """(C, h, w) activations -> (a grid image in [0, 1], number of all-zero channels).

    Each channel is scaled by its own maximum (ReLU outputs are >= 0) and reduced to at most
    tile×tile; all-zero channels ("dead" for this image) stay black. Gaps are mid-grey.
    """
    maps = np.asarray(maps, dtype=np.float64)
    count, h, w = maps.shape
    factor = min(1.0, tile / max(h, w))
    th, tw = max(1, round(h * factor)), max(1, round(w * factor))
    rows = -(-count // columns)
    out = np.full((rows * (th + gap) - gap, columns * (tw + gap) - gap), 0.5)
    dead = 0
    for c in range(count):
        top = maps[c].max()
        dead += top <= 0
        tile_img = maps[c] / top if top > 0 else np.zeros_like(maps[c])
        if factor < 1.0:
            tile_img = resize(tile_img, (tw, th))
        r, k = divmod(c, columns)
        out[r * (th + gap): r * (th + gap) + th, k * (tw + gap): k * (tw + gap) + tw] = tile_img
    return out, int(dead)


def feature_figure(maps: np.ndarray, title: str) -> tuple[go.Figure, int]:
    """The feature-map grid as a figure, and the number of channels that are zero everywhere."""
    mosaic, dead = feature_mosaic(maps)
    height = int(min(900, 60 + 720 * mosaic.shape[0] / mosaic.shape[1]))
    return image_figure(mosaic, title, height=height), dead


def model_card_section(card: str | Path, heading: str) -> str:
    """The markdown under `## heading` in a model card, up to the next `## ` (empty if absent)."""
    path = Path(card)
    if not path.exists():
        return ""
    lines, keep = [], False
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            keep = line[3:].strip().lower() == heading.lower()
            continue
        if keep:
            lines.append(line)
    return "\n".join(lines).strip()
