"""A small number grid as inline SVG: the light twin of common.grid_figure for grids below a lesson's figure.

Same picture as the plotly heatmap (row 0 at the top, indices on the top and left, numbers printed by
short_number, colours of plotly's "RdBu_r" centred on zero, scaled by the largest |value|), but one
<g class="cell"> per cell with a <title> for the hover text, and no plotly chart for the browser to mount:
a page of many small grids redraws in one frame (issue 23, item 3). The pages show it through st.markdown
(st.html's sanitiser drops SVG), so markdown's special characters in a title are written as entities.
"""

from __future__ import annotations

from html import escape

import numpy as np
from plotly.colors import sample_colorscale

from convviz.figures.common import DIVERGING, MAX_CELLS_WITH_TEXT, grid_cell_px, largest_magnitude, short_number

INDEX = 18         # px for the row and column indices
TITLE_GAP = 11     # px between the title line and the column indices


MARKDOWN = {c: f"&#{ord(c)};" for c in "*_$[]`~\\"}     # shown through st.markdown: never read as markup


def _text(text: str) -> str:
    """`text` for an SVG text node or attribute: HTML-escaped, and markdown's special characters as entities."""
    return "".join(MARKDOWN.get(c, c) for c in escape(text))


def cell_px(shape: tuple[int, int], large: bool = False) -> int:
    """Cell size: grid_figure's (common.grid_cell_px), 2× on a projector (84 px for a small grid, the stage's size)."""
    cell = grid_cell_px(shape)
    return 2 * cell if large else cell


def cell_colours(z: np.ndarray, zmax: float | None = None) -> np.ndarray:
    """Fill colour of every cell: RdBu_r at (v / zmax + 1) / 2, zmax = max |v| (1 when all are 0); NaN grey."""
    zmax = zmax if zmax is not None else largest_magnitude(z)
    t = np.clip((np.nan_to_num(z, nan=0.0) / zmax + 1) / 2, 0, 1)
    colours = np.array(sample_colorscale(DIVERGING, t.ravel().tolist()), dtype=object).reshape(z.shape)
    colours[~np.isfinite(z)] = "rgb(217, 217, 217)"
    return colours


def _dark(rgb: str) -> bool:
    """Whether white text reads better than black on `rgb` ("rgb(r, g, b)"): relative luminance below 0.45."""
    r, g, b = (float(c) / 255 for c in rgb[4:-1].split(","))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45


def grid_svg(values, title: str = "", *, large: bool = False, zmax: float | None = None) -> str:
    """`values` (2-D) as an SVG string: title, column indices on top, row indices on the left, one coloured cell
    per value with its number (when no side exceeds MAX_CELLS_WITH_TEXT) and a hover title "row i, col j: v".
    It scales down to its container's width and never above its natural size."""
    z = np.asarray(values, dtype=np.float64)
    if z.ndim != 2:
        raise ValueError(f"a grid is 2-D, got shape {z.shape}")
    rows, cols = z.shape
    cell = cell_px(z.shape, large)
    font = max(9, round(cell * (0.36 if max(z.shape) <= 8 else 0.42)))
    show_text = max(z.shape) <= MAX_CELLS_WITH_TEXT
    index_every = 1 if max(z.shape) <= MAX_CELLS_WITH_TEXT else 5
    fills = cell_colours(z, zmax)
    title_px = 24 if large else 15
    left, top = INDEX + 4, title_px + TITLE_GAP + INDEX
    width, height = left + cols * cell + 2, top + rows * cell + 2
    out = [f'<svg class="convviz-grid" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'style="width: 100%; max-width: {width}px; height: auto; display: block; overflow: visible; '
           f'font-family: inherit" '
           f'role="img" aria-label="{_text(title)}: {rows}×{cols} grid">',
           f'<text x="0" y="{title_px}" font-size="{title_px}" font-weight="600" fill="#31333f">{_text(title)}</text>']
    index_font = 20 if large else 10          # a projector: nothing below 20 px (issue 33)
    for j in range(0, cols, index_every):
        out.append(f'<text x="{left + (j + 0.5) * cell:g}" y="{top - 5}" font-size="{index_font}" fill="#777" '
                   f'text-anchor="middle">{j}</text>')
    for i in range(0, rows, index_every):
        out.append(f'<text x="{left - 5}" y="{top + (i + 0.5) * cell:g}" font-size="{index_font}" fill="#777" '
                   f'text-anchor="end" dominant-baseline="central">{i}</text>')
    for (i, j), v in np.ndenumerate(z):
        x, y, fill = left + j * cell, top + i * cell, fills[i, j]
        label = short_number(v)
        text = (f'<text x="{x + cell / 2:g}" y="{y + cell / 2:g}" font-size="{font}" text-anchor="middle" '
                f'dominant-baseline="central" fill="{"#fff" if _dark(fill) else "#111"}">{label}</text>'
                if show_text else "")
        out.append(f'<g class="cell" data-row="{i}" data-col="{j}"><title>row {i}, col {j}: {label or "NaN"}</title>'
                   f'<rect x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{fill}"/>{text}</g>')
    out.append("</svg>")
    return "".join(out)
