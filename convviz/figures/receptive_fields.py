"""Pictures for the receptive-field lesson: the field of one output unit on the input, the effective
field's profile, and the path counts of a plain and a dilated stack.

Coordinates: pixel i covers [i, i+1) in note 002's units (start = 0.5 is the first pixel's centre);
plotly draws pixel i centred at i, so a field [lo, hi) is the rectangle lo-0.5 .. hi-0.5.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from convviz.figures.common import FONT, cell_rect, png_data_uri, short_number
from convviz.receptive import field_bounds

FIELD = "#e4007c"          # magenta: the receptive field (as the window on the convolution page)
BORDER = "#1f1f1f"
PADDING = "#bdbdbd"
GRID_MAX = 32              # up to this n the input is drawn as cells; above, as a photo
PHOTO_MAX = 256            # photo pixels per side sent to the browser, whatever n is


def _cell_kinds(n: int, rows: tuple[int, int], cols: tuple[int, int], lo_r, hi_r, lo_c, hi_c) -> np.ndarray:
    """0 padding, 1 input, 2 padding in the field, 3 input in the field, for the cells in `rows` × `cols`."""
    r = np.arange(*rows)[:, None] + 0.5                     # cell centres in note 002's units
    c = np.arange(*cols)[None, :] + 0.5
    inside_input = (r > 0) & (r < n) & (c > 0) & (c < n)
    inside_field = (r > lo_r) & (r < hi_r) & (c > lo_c) & (c < hi_c)
    return inside_input.astype(int) + 2 * inside_field.astype(int)


def draws_photo(n: int, row: dict, unit: tuple[int, int]) -> bool:
    """Cells for small inputs and fields; a photo once either is too big to draw cell by cell."""
    (lo_r, hi_r), (lo_c, hi_c) = field_bounds(row, unit[0]), field_bounds(row, unit[1])
    return n > GRID_MAX or max(hi_r, hi_c, n) - min(lo_r, lo_c, 0) > 2 * GRID_MAX


def field_figure(n: int, row: dict, unit: tuple[int, int], image: np.ndarray | None = None,
                 erf: np.ndarray | None = None, height: int = 560) -> go.Figure:
    """The input (cells when image is None, else the image) with the field of output `unit` = (row, col)
    of a table `row`: magenta box of size r centred at start + i·j; cells past the border are padding.
    `image` may be smaller than n×n (it is stretched); `erf` (n, n), if given, lights the image."""
    (lo_r, hi_r), (lo_c, hi_c) = field_bounds(row, unit[0]), field_bounds(row, unit[1])
    rows = (min(0, int(np.floor(lo_r))), max(n, int(np.ceil(hi_r))))
    cols = (min(0, int(np.floor(lo_c))), max(n, int(np.ceil(hi_c))))
    fig = go.Figure()
    if image is None:
        kinds = _cell_kinds(n, rows, cols, lo_r, hi_r, lo_c, hi_c)
        names = np.array(["padding", "input", "padding, in the field", "input, in the field"])
        if erf is None:
            scale = [[0, "#d4d4d4"], [0.25, "#d4d4d4"], [0.25, "#f4f4f4"], [0.5, "#f4f4f4"],   # padding, input,
                     [0.5, "#dbb7ca"], [0.75, "#dbb7ca"], [0.75, "#f4a6cf"], [1, "#f4a6cf"]]   # both in the field
            z, text, zmax = kinds, None, 3
        else:                               # the input cells coloured by the effective field, 0 to 1
            z = np.full(kinds.shape, np.nan)
            z[-rows[0]:-rows[0] + n, -cols[0]:-cols[0] + n] = erf / (erf.max() or 1.0)
            text = np.where(np.isfinite(z), np.vectorize(lambda v: f"{v:.2f}" if v > 0 else "0")(np.nan_to_num(z)), "")
            scale, zmax = [[0, "#ffffff"], [1, "rgb(255,140,0)"]], 1
        fig.add_trace(go.Heatmap(z=z, x=np.arange(*cols), y=np.arange(*rows), zmin=0, zmax=zmax, colorscale=scale,
                                 showscale=False, xgap=1, ygap=1, customdata=names[kinds], text=text,
                                 texttemplate="%{text}" if text is not None else None,
                                 textfont=dict(size=10 if n > 12 else 12),
                                 hovertemplate="row %{y}, col %{x}: %{customdata}<extra></extra>"))
    else:
        picture = np.asarray(image, dtype=np.float64)       # (m, m, 3), m ≤ n: drawn stretched over n pixels
        if picture.ndim == 2:
            picture = np.repeat(picture[..., None], 3, axis=2)
        m = picture.shape[0]
        if erf is not None:                 # a spotlight: the photo stays bright where the gradient is large
            from scipy.ndimage import gaussian_filter
            from skimage.transform import resize

            smooth = gaussian_filter(erf, sigma=max(1.0, n / 64))   # max pooling leaves a speckled map
            smooth = resize(smooth, (m, m), anti_aliasing=True) if m != n else smooth
            light = np.clip(smooth / (np.percentile(smooth, 99.5) or 1.0), 0, 1)[..., None]
            picture = picture * (0.08 + 0.92 * light)
        scale = n / m                       # input pixels per photo pixel
        fig.add_trace(go.Image(source=png_data_uri(picture), x0=-0.5 + scale / 2, y0=-0.5 + scale / 2,
                               dx=scale, dy=scale, hoverinfo="skip"))
    fig.add_shape(cell_rect(0, 0, n - 1, n - 1, color=BORDER, width=2, dash="dash"))
    fig.add_shape(cell_rect(lo_r, lo_c, hi_r - 1, hi_c - 1, color=FIELD, width=4))   # the field [lo, hi)
    if image is None:
        tick = 1 if max(rows[1] - rows[0], cols[1] - cols[0]) <= 24 else None
        fig.update_xaxes(dtick=tick)
        fig.update_yaxes(dtick=tick)
    if erf is not None and image is None:
        fig.update_layout(plot_bgcolor=PADDING)
        return _finish(fig, rows, cols, height)
    centre = (row["start"] + unit[0] * row["j"] - 0.5, row["start"] + unit[1] * row["j"] - 0.5)
    fig.add_trace(go.Scatter(x=[centre[1]], y=[centre[0]], mode="markers", showlegend=False,
                             marker=dict(symbol="x", size=12, color=FIELD, line=dict(width=1, color="white")),
                             hovertemplate=f"centre ({short_number(centre[0] + 0.5)}, {short_number(centre[1] + 0.5)})"
                                           "<extra></extra>"))
    fig.update_layout(plot_bgcolor="#ffffff" if image is None else PADDING)
    return _finish(fig, rows, cols, height)


def _finish(fig: go.Figure, rows, cols, height: int) -> go.Figure:
    fig.update_xaxes(range=[cols[0] - 0.5, cols[1] - 0.5], showgrid=False, zeroline=False, side="top",
                     constrain="domain")
    fig.update_yaxes(range=[rows[1] - 0.5, rows[0] - 0.5], showgrid=False, zeroline=False,
                     scaleanchor="x", constrain="domain")
    fig.update_layout(height=height, margin=dict(l=30, r=10, t=40, b=10), font=FONT)
    return fig


def profile_figure(erf: np.ndarray, row: dict, unit: int, height: int = 300,
                   window: tuple[int, int] | None = None) -> go.Figure:
    """The effective field summed over the rows (normalised to 1 at its peak) against the theoretical
    field, a flat box of width r: most of the gradient comes from the middle of the box. `window`
    (first column, width) shades the narrowest run of columns holding 95% of it."""
    n = erf.shape[0]
    line = erf.sum(0) if erf.ndim == 2 else erf
    line = line / (line.max() or 1.0)
    lo, hi = field_bounds(row, unit)
    fig = go.Figure()
    fig.add_shape(type="rect", x0=lo - 0.5, x1=hi - 0.5, y0=0, y1=1, line=dict(color=FIELD, width=2),
                  fillcolor="rgba(228,0,124,0.08)")
    if window is not None and window[1] > 0:
        fig.add_shape(type="rect", x0=window[0] - 0.5, x1=window[0] + window[1] - 0.5, y0=0, y1=1.05,
                      line=dict(width=0), fillcolor="rgba(255,140,0,0.18)")
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=dict(color="rgba(255,140,0,0.35)", width=8),
                                 name=f"95% of it: {window[1]} columns"))
    fig.add_trace(go.Scatter(x=np.arange(n), y=line, mode="lines", line=dict(color="rgb(255,140,0)", width=3),
                             name="effective field (mean |gradient|, summed over rows)"))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=dict(color=FIELD, width=2),
                             name=f"theoretical field (r = {row['r']})"))
    fig.update_xaxes(title="input column", range=[min(lo, 0) - 1, max(hi, n) + 1])
    fig.update_yaxes(title="relative |gradient|", range=[0, 1.05])
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=10, b=40), font=FONT,
                      legend=dict(orientation="h", y=-0.35))
    return fig


def path_count_figure(counts: dict[str, np.ndarray], height: int = 220) -> go.Figure:
    """One row per stack: how many paths join each input cell to the centre output (0 = not seen)."""
    names = list(counts)
    z = np.array([counts[k] for k in names], dtype=np.float64)
    width = z.shape[1]
    offsets = np.arange(width) - (width - 1) // 2
    text = np.where(z > 0, z.astype(int).astype(str), "")
    fig = go.Figure(go.Heatmap(z=np.where(z > 0, 1.0, 0.0), x=offsets, y=names, text=text, texttemplate="%{text}",
                               colorscale=[[0, "#f2f2f2"], [1, "#f4a6cf"]], zmin=0, zmax=1, showscale=False,
                               xgap=1, ygap=1, hovertemplate="offset %{x}: %{text} paths<extra>%{y}</extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="input cell, relative to the centre output's", dtick=1 if width <= 41 else None)
    fig.update_layout(height=height, margin=dict(l=70, r=10, t=10, b=50), font=FONT)
    return fig
