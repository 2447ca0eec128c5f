"""The compare view: a restoration page's result against its input with a before/after divider, where a click or
a dragged rectangle on the picture moves the zoom box (issue 32, item 5). One st.components.v2 component, no
iframe, no network: compare.js and compare.css beside this file are sent inline, as the stage's are.

The browser is sent previews (longest side PREVIEW_SIDE, JPEG data URLs), never a full-size result. It swipes
the divider on its own (mouse, touch, or ← → on the focused divider) and sends back only a zoom request:

    state "box" = {"rect": [x0, y0, x1, y1] in fractions of the picture, "n": a number new for every request}

`sent_zoom` reads it at the start of a run, before the zoom's number boxes are drawn (convviz.ui.widgets.zoom), and
turns it into the full-size zoom settings (geometry.zoom_from_fractions); the number boxes, the link
(zx, zy, zs) and the zoomed panels then follow. A request is acted on once (its "n"), so an old one left in
the component's state never pulls the box back from where the number boxes put it.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import streamlit as st
from PIL import Image

from convviz.figures.restoration import for_display
from convviz.lessons.denoising import ZoomSettings
from convviz.ui.compare.geometry import PREVIEW_SIDE, SIDE_LIMITS, box_fractions, zoom_from_fractions
from convviz.ui.widgets.present import presenting
from convviz.ui.widgets.component_js import component_js

HERE = Path(__file__).resolve().parent
NAME = "convviz_compare"
KEY = "compare"                      # the page's one compare view (its state in st.session_state[KEY])
SEEN = "_compare_seen"               # the "n" of the last zoom request acted on
JS = component_js(HERE / "compare.js")
CSS = (HERE / "compare.css").read_text(encoding="utf-8")
_component = st.components.v2.component(NAME, js=JS, css=CSS, isolate_styles=True)   # registered once, reused


@st.cache_data(max_entries=12, show_spinner=False)
def preview_url(key: tuple, _image: np.ndarray, side: int = PREVIEW_SIDE) -> str:
    """The image named by key, reduced to at most `side` pixels on its longest side (for_display), as a JPEG
    (quality 88) data URL."""
    small, _ = for_display(_image, side)
    pixels = np.round(np.clip(small, 0, 1) * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "L" if pixels.ndim == 2 else "RGB").save(buffer, "JPEG", quality=88)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def sent_zoom(width: int, height: int, side: int, key: str = KEY) -> ZoomSettings | None:
    """The zoom settings the compare view asked for since the last run (a click or rectangle on a width × height
    picture, the box's current side kept for a click); None when it asked nothing new or sent something
    unusable."""
    state = st.session_state.get(key)
    request = state.get("box") if hasattr(state, "get") else None
    if not isinstance(request, dict) or request.get("n") is None or request.get("n") == st.session_state.get(SEEN):
        return None
    st.session_state[SEEN] = request.get("n")
    rect = request.get("rect")
    try:
        if not isinstance(rect, (list, tuple)) or len(rect) != 4:
            raise ValueError("not four numbers")
        return zoom_from_fractions(rect, width, height, side)
    except (TypeError, ValueError):
        return None


def compare_view(before: tuple, after: tuple, box: tuple[int, int, int, int], key: str = KEY):
    """Mount the compare view: `before` and `after` are (title, image key, image) of the same size, shown one
    over the other with the divider between; `box` is the zoom box (x0, y0, w, h) in their full-size pixels,
    drawn in magenta."""
    height, width = before[2].shape[:2]
    data = {"before": preview_url(before[1], before[2]), "after": preview_url(after[1], after[2]),
            "labels": [before[0], after[0]], "size": [width, height], "box": box_fractions(box, width, height),
            "side": int(box[2] if box[2] >= box[3] else box[3]), "limits": list(SIDE_LIMITS),
            "presenting": presenting()}
    return _component(key=key, data=data, default={"box": None}, on_box_change=lambda: None)
