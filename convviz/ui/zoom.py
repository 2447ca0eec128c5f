"""The restoration pages' side-by-side view: the zoom box's controls (bound to the URL: zx, zy, zs) and
one column per image, the full panel above its zoom (stacked on phones)."""

from __future__ import annotations

import streamlit as st

from convviz.lessons.denoising import ZoomSettings
from convviz.ui import cached_restoration as cached
from convviz.ui.params import int_control
from convviz.ui.present import chart


def zoom_box(width: int, height: int, side_label: str) -> tuple[int, int, int, int]:
    """The three zoom controls in a row; the box (x, y, width, height) on a width × height image."""
    zoom = st.columns(3)
    return ZoomSettings(int_control("Zoom centre x (% of width)", "zx", 0, 100, 50, container=zoom[0]),
                        int_control("Zoom centre y (% of height)", "zy", 0, 100, 50, container=zoom[1]),
                        int_control(side_label, "zs", 16, 256, 64, container=zoom[2])).box(width, height)


def side_by_side(panels: list[tuple], box: tuple) -> None:
    """(title, image key, image) panels in columns: each the full image with the box drawn, then the box enlarged."""
    cols = st.columns(len(panels))
    for col, (title, image_key, img) in zip(cols, panels):
        chart(cached.panel(image_key, title, box, len(panels), img), key=f"panel_{title}", container=col)
        chart(cached.zoom(image_key, f"zoom: {title}", box, len(panels), img), key=f"crop_{title}", container=col)
