"""The restoration pages' side-by-side view: one column per image, the full panel above its zoom (stacked on
phones). The zoom box's controls (zx, zy, zs) stay in the pages, where the URL tests read their keys."""

from __future__ import annotations

import streamlit as st

from convviz.ui import cached_restoration as cached
from convviz.ui.present import chart


def side_by_side(panels: list[tuple], box: tuple) -> None:
    """(title, image key, image) panels in columns: each the full image with the box drawn, then the box enlarged."""
    cols = st.columns(len(panels))
    for col, (title, image_key, img) in zip(cols, panels):
        chart(cached.panel(image_key, title, box, len(panels), img), key=f"panel_{title}", container=col)
        chart(cached.zoom(image_key, f"zoom: {title}", box, len(panels), img), key=f"crop_{title}", container=col)
