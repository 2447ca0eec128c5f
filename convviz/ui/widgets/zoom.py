"""The restoration pages' zoom: its three controls (zx, zy, zs: the box's centre in % of the width and height,
and its side), the slot of the page's main figure, and the side-by-side view, one column per image, the full
panel above its zoom (stacked on phones).

The numbers shown are always the box that is drawn (issue 24): before the controls are drawn, the box asked
for is fitted to this image (ZoomSettings.fitted: side cut to the image, centre moved inside it) and written
back into the controls' state on every run, so a new upload keeps the zoom where it was in % of the image,
and the number boxes, the link and the magenta box agree.

A click or a dragged rectangle on the compare view (convviz.ui.compare, the before/after divider over the main
comparison) sets the same three values: zoom_controls reads its request before the number boxes are drawn, so
the boxes, the link and every zoomed panel follow it; the number boxes stay as the keyboard's way in.
"""

from __future__ import annotations

import streamlit as st

from convviz.lessons.denoising import ZoomSettings
from convviz.ui.cache import restoration as cached
from convviz.ui.compare import compare_view, sent_zoom
from convviz.ui.widgets.params import BadValue, int_controls, parse_int
from convviz.ui.widgets.present import chart, presenting

KEYS = ("zx", "zy", "zs")
PRESENT_LAYOUT_PX = 1400   # the width the images are sized for while presenting (×1.3 by chart: a 1920 screen's columns)
LIMITS = {"zx": (0, 100, 50), "zy": (0, 100, 50), "zs": (16, 256, 64)}   # min, max, default


def _asked(key: str) -> int | None:
    """The value this run starts from: the control's, else the link's; None for a link value the control
    cannot use (int_control then shows its default and says what was wrong)."""
    if key in st.session_state:
        return int(st.session_state[key])
    low, high, default = LIMITS[key]
    raw = st.query_params.get(key)
    try:
        return default if raw is None else parse_int(low, high)(raw)
    except BadValue:
        return None


def zoom_controls(width: int, height: int, unit: str = "pixels") -> tuple[int, int, int, int]:
    """The zoom box's three controls, showing the box as drawn on a width × height image; returns the box
    (x0, y0, w, h) in that image's pixels. A click or rectangle sent by the compare view moves the box first."""
    side = _asked("zs")
    sent = sent_zoom(width, height, LIMITS["zs"][2] if side is None else side)
    if sent is not None:
        for key, value in zip(KEYS, (sent.x, sent.y, sent.side)):
            st.session_state[key] = value
    asked = {key: _asked(key) for key in KEYS}
    fitted = ZoomSettings(*(LIMITS[k][2] if asked[k] is None else asked[k] for k in KEYS)).fitted(width, height)
    for key, value in zip(KEYS, (fitted.x, fitted.y, fitted.side)):
        if asked[key] is not None:
            st.session_state[key] = value       # every run: the box shows what is drawn, even after a remount
    x, y, side = int_controls([("Zoom centre x (% of width)", "zx", 0, 100, 50),
                               ("Zoom centre y (% of height)", "zy", 0, 100, 50),
                               (f"Zoom box side ({unit})", "zs", 16, 256, 64)], columns=st.columns(3))
    return ZoomSettings(x, y, side).box(width, height)


def main_figure():
    """The slot of the page's main comparison, made right after the title so that the picture comes before the
    settings (issue 24); filled once the settings are read. Keyed: the browser tests find it as .st-key-main_figure."""
    return st.container(key="main_figure")


def zoom_slot(figure):
    """Where the enlarged boxes go: under the panels in the main figure while presenting (settings folded, one
    large comparison); otherwise a slot here, beside the zoom controls, so the settings and the drop zone follow
    the panels within the first screen of a laptop."""
    return figure if presenting() else st.container()


def side_by_side(panels: list[tuple], box: tuple, zooms=None, compare: tuple = ()) -> None:
    """(title, image key, image) panels in columns, each the full image with the box drawn; under them (or in
    `zooms`, a slot further down) the box of each, enlarged, in the same columns. `compare`: the titles of the
    (before, after) panels shown above them in the compare view (convviz.ui.compare), when both are there and
    of one size."""
    pair = [next((p for p in panels if p[0] == title), None) for title in compare]
    if len(pair) == 2 and all(pair) and pair[0][2].shape[:2] == pair[1][2].shape[:2]:
        compare_view(*pair, box)
    layout_px = PRESENT_LAYOUT_PX if presenting() else 1000
    rows = ((st.columns(len(panels)), cached.panel, "panel_", ""),
            ((zooms or st).columns(len(panels)), cached.zoom, "crop_", "zoom: "))
    for cols, draw, key, prefix in rows:
        for col, (title, image_key, img) in zip(cols, panels):
            chart(draw(image_key, prefix + title, box, len(panels), img, layout_px), key=key + title, container=col)
