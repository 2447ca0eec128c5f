"""A small number grid on the page as inline SVG (convviz.figures.svg_grid), not a plotly chart.

For the grids below a lesson's figure: the browser draws them in one frame instead of mounting one
plotly chart each, so a changed setting repaints the page sooner (issue 23, item 3). Hover a cell for
its row, column and value.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.figures.svg_grid import grid_svg
from convviz.ui.cache.caching import cached
from convviz.ui.widgets.present import presenting


def _svg(values: tuple, title: str, large: bool) -> str:
    return grid_svg(np.array(values, dtype=np.float64), title, large=large)


_cached_svg = cached(_svg, max_entries=256)


def grid_markup(values, title: str, key: str) -> str:
    """One grid's SVG (`values` 2-D, or channel 0 of a 3-D array) in a box named `key` (class grid-<key>)."""
    values = np.asarray(values, dtype=np.float64)
    values = values[0] if values.ndim == 3 else values
    svg = _cached_svg(tuple(map(tuple, values.tolist())), title, presenting())
    return f'<div class="convviz-grid-box grid-{key}" style="flex: 1 1 140px; min-width: 0">{svg}</div>'


def number_grids(grids: dict, container=None) -> None:
    """Grids side by side, wrapping onto the next line on a narrow screen (two to a row on a phone): `{key: (values,
    title)}` in order, in `container` (the page by default), as one page element (one message, one thing for the
    browser to draw)."""
    boxes = "".join(grid_markup(values, title, key) for key, (values, title) in grids.items())
    # st.markdown keeps inline SVG (st.html's sanitiser drops it); the markup has no markdown in it.
    style = "display: flex; flex-wrap: wrap; gap: 12px 24px; margin-bottom: 0.75rem; align-items: flex-start"
    (container or st).markdown(f'<div class="convviz-grids" style="{style}">{boxes}</div>', unsafe_allow_html=True)
