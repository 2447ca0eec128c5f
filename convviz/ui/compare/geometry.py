"""The compare view's geometry, without streamlit: the preview's size, and a click or rectangle on the preview
turned into the zoom settings (zx, zy, zs) of the full-size image.

The browser sends what was clicked or dragged as fractions of the shown image (0 … 1 across and down), so it
never needs the full size: a preview of w × h pixels scaled from a W × H image by one factor has the same
fractions (up to its rounded size), and a fraction f is f·W full-size pixels.
"""

from __future__ import annotations

import math

from convviz.lessons.denoising import ZoomSettings

PREVIEW_SIDE = 1600          # the longest side of an image sent to the browser (a 24 MP result is not sent whole)
SIDE_LIMITS = (16, 256)      # the zoom box side the controls allow (convviz.ui.widgets.zoom.LIMITS["zs"])


def preview_size(width: int, height: int, side: int = PREVIEW_SIDE) -> tuple[int, int]:
    """(w, h) of the preview: the image scaled by min(1, side / longest side), each at least 1 pixel.

    >>> preview_size(6000, 4000), preview_size(800, 600)
    ((1600, 1067), (800, 600))
    """
    factor = min(1.0, side / max(width, height))
    return max(1, round(width * factor)), max(1, round(height * factor))


def _fraction(value) -> float:
    """A fraction from the browser, cut to [0, 1]; ValueError for what is not a finite number."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return min(1.0, max(0.0, number))


def zoom_from_fractions(rect, width: int, height: int, side: int) -> ZoomSettings:
    """The zoom box for a click or drag on a width × height image, as the controls show it (ZoomSettings.fitted).

    rect = (x0, y0, x1, y1) in fractions of the shown image. A click (x0 == x1 and y0 == y1) centres the box of
    the current `side` there; a rectangle gives the box its centre and, as side, its longer edge in full-size
    pixels, cut to SIDE_LIMITS. The centre is rounded to whole percent, as the controls and the link hold it.

    >>> zoom_from_fractions((0.25, 0.5, 0.25, 0.5), 4000, 3000, 64)        # a click: the side stays
    ZoomSettings(x=25, y=50, side=64)
    >>> zoom_from_fractions((0.10, 0.20, 0.125, 0.23), 4000, 3000, 64)     # 100 × 90 pixels: side 100
    ZoomSettings(x=11, y=22, side=100)
    """
    x0, y0, x1, y1 = (_fraction(v) for v in rect)
    x0, x1, y0, y1 = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
    low, high = SIDE_LIMITS
    if x1 > x0 or y1 > y0:
        side = round(max((x1 - x0) * width, (y1 - y0) * height))
    side = min(high, max(low, int(side)))
    cx, cy = round(50 * (x0 + x1)), round(50 * (y0 + y1))      # the centre, in % of the width and height
    return ZoomSettings(cx, cy, side).fitted(width, height)


def box_fractions(box: tuple[int, int, int, int], width: int, height: int) -> list[float]:
    """The zoom box (x0, y0, w, h) in pixels as [x0, y0, x1, y1] fractions of the image, for drawing it on the
    preview.

    >>> box_fractions((100, 50, 64, 64), 400, 200)
    [0.25, 0.25, 0.41, 0.57]
    """
    x0, y0, w, h = box
    return [x0 / width, y0 / height, (x0 + w) / width, (y0 + h) / height]
