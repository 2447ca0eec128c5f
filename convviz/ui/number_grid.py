"""A small number grid on the page as inline SVG (convviz.figures.svg_grid), not a plotly chart.

For the grids below a lesson's figure: the browser draws them in one frame instead of mounting one
plotly chart each, so a changed setting repaints the page sooner (issue 23, item 3). Hover a cell for
its row, column and value.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.figures.svg_grid import grid_svg
from convviz.ui.caching import cached
from convviz.ui.present import presenting


def _svg(values: tuple, title: str, large: bool) -> str:
    return grid_svg(np.array(values, dtype=np.float64), title, large=large)


_cached_svg = cached(_svg, max_entries=256)


def number_grid(values, title: str, container=None) -> None:
    """`values` (2-D; channel 0 of a 3-D array) with `title`, in `container` (the page by default); larger while
    presenting."""
    values = np.asarray(values, dtype=np.float64)
    values = values[0] if values.ndim == 3 else values
    # st.markdown keeps inline SVG (st.html's sanitiser drops it); the string has no markdown in it.
    (container or st).markdown(_cached_svg(tuple(map(tuple, values.tolist())), title, presenting()),
                               unsafe_allow_html=True)
