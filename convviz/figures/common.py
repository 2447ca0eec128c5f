"""Shared plotly building blocks: number grids drawn with row 0 at the top.

Every matrix and image in ConvViz is a heatmap with a reversed y axis and square cells,
so that a grid on screen reads like the array printed by numpy.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from convviz.restoration.imaging import to_uint8

# Diverging colours centred on zero: negative blue, positive red, zero white.
DIVERGING = "RdBu_r"
MAX_CELLS_WITH_TEXT = 18     # above this many rows or columns, values are left off the cells
FONT = dict(size=15)


class FramedFigure(go.Figure):
    """A plotly figure whose animation frames are kept as plain, ready-to-send dicts.

    Plotly validates every frame object it is given (seconds for hundreds of frames); these
    frames are built by ConvViz from known-good keys, so they join the figure only in
    `to_dict`, which is what st.plotly_chart and plotly.io.to_json serialise.
    """

    def __init__(self, *args, raw_frames=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._raw_frames = list(raw_frames)

    @property
    def raw_frames(self) -> list[dict]:
        return self._raw_frames

    def to_dict(self):
        spec = super().to_dict()
        spec["frames"] = self._raw_frames
        return spec


def cell_rect(r0, c0, r1, c1, *, color: str, width: float = 3, fill: str | None = None, dash: str | None = None,
              refs: tuple[str, str] | None = None) -> dict:
    """A rectangle shape around grid cells r0..r1 × c0..c1 (both ends included; cell (r, c) spans
    r ± 0.5, c ± 0.5), drawn above the heatmaps. refs is a subplot's (xref, yref); None for one plot."""
    shape = dict(type="rect", **({} if refs is None else dict(xref=refs[0], yref=refs[1])),
                 x0=c0 - 0.5, x1=c1 + 0.5, y0=r0 - 0.5, y1=r1 + 0.5, line=dict(color=color, width=width), layer="above")
    if fill:
        shape["fillcolor"] = fill
    if dash:
        shape["line"]["dash"] = dash
    return shape


def tile_blocks(values: np.ndarray) -> np.ndarray:
    """(R, C, h, w) laid out as one 2-D array: block (i, j) in row i and column j of blocks, with a
    NaN gap of one cell between blocks. Shape (R·(h+1) − 1, C·(w+1) − 1)."""
    rows, cols, h, w = values.shape
    out = np.full((rows * (h + 1) - 1, cols * (w + 1) - 1), np.nan)
    for i in range(rows):
        for j in range(cols):
            out[i * (h + 1):i * (h + 1) + h, j * (w + 1):j * (w + 1) + w] = values[i, j]
    return out


def short_number(v: float) -> str:
    """A number as short as it reads: 2 (not 2.0), -1.5, 0.333; NaN as an empty string."""
    v = float(v)
    if np.isnan(v):
        return ""
    return str(int(v)) if v.is_integer() else f"{v:.3g}"


def number_text(z: np.ndarray) -> np.ndarray:
    """Cell labels for a grid, each by short_number."""
    out = np.empty(z.shape, dtype=object)
    for idx, v in np.ndenumerate(z):
        out[idx] = short_number(v)
    return out


def largest_magnitude(z: np.ndarray) -> float:
    """max |v| over the finite values of `z`, or 1 when there are none or all are 0: a diverging scale's ±zmax."""
    finite = np.abs(z[np.isfinite(z)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def grid_cell_px(shape: tuple) -> int:
    """A number grid's cell size: 42 px up to 8 cells a side, 24 px up to 18, else 12."""
    return 42 if max(shape) <= 8 else 24 if max(shape) <= 18 else 12


def grid_trace(z, show_text: bool | None = None, zmax: float | None = None, name: str = "",
               colorscale=DIVERGING, text=None) -> go.Heatmap:
    """A heatmap of a 2-D array with the values printed on its cells (when it is small)."""
    z = np.asarray(z, dtype=np.float64)
    if show_text is None:
        show_text = max(z.shape) <= MAX_CELLS_WITH_TEXT
    zmax = zmax if zmax is not None else largest_magnitude(z)
    return go.Heatmap(
        z=z,
        text=(number_text(z) if text is None else text) if show_text else None,
        texttemplate="%{text}" if show_text else None,
        textfont=dict(size=14 if max(z.shape) <= 10 else 11),
        colorscale=colorscale, zmid=0 if colorscale == DIVERGING else None,
        zmin=-zmax if colorscale == DIVERGING else None, zmax=zmax if colorscale == DIVERGING else None,
        showscale=False, xgap=1, ygap=1, name=name,
        hovertemplate="row %{y}, col %{x}: %{z}<extra>" + name + "</extra>",
    )


def style_grid_axes(fig: go.Figure, row=None, col=None) -> None:
    """Row 0 at the top, square cells, integer ticks."""
    kw = {} if row is None else dict(row=row, col=col)
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False, dtick=1 if row is None else None, **kw)
    fig.update_xaxes(showgrid=False, zeroline=False, side="top", **kw)


def grid_figure(z, title: str = "", height: int | None = None, **trace_kw) -> go.Figure:
    """One array as a standalone figure."""
    z = np.asarray(z, dtype=np.float64)
    fig = go.Figure(grid_trace(z, **trace_kw))
    style_grid_axes(fig)
    fig.update_yaxes(scaleanchor="x", constrain="domain")
    fig.update_xaxes(constrain="domain", dtick=1 if z.shape[1] <= MAX_CELLS_WITH_TEXT else None)
    fig.update_yaxes(dtick=1 if z.shape[0] <= MAX_CELLS_WITH_TEXT else None)
    cell = grid_cell_px(z.shape)
    fig.update_layout(title=dict(text=title, font=FONT), font=FONT,
                      height=height or min(620, 110 + cell * z.shape[0]),
                      margin=dict(l=30, r=10, t=70, b=10), plot_bgcolor="#d9d9d9")
    return fig


def png_data_uri(img: np.ndarray) -> str:
    """A grayscale (H, W) or colour (H, W, 3) image in [0, 1] as an inline PNG (data URI)."""
    import base64
    import io

    from PIL import Image

    arr = to_uint8(img)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def image_figure(img, title: str = "", height: int = 360) -> go.Figure:
    """An image in [0, 1] (values outside are clipped), row 0 at the top.

    Sent as a PNG inside the figure: a 256×256 heatmap would be a megabyte of JSON per rerun.
    """
    fig = go.Figure(go.Image(source=png_data_uri(img), hoverinfo="skip"))
    fig.update_yaxes(visible=False, scaleanchor="x", constrain="domain")
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_layout(title=dict(text=title, font=FONT), height=height, margin=dict(l=5, r=5, t=45, b=5))
    return fig


def _thicker_frame(frame: dict, factor: float) -> dict:
    """An animation frame (a plain dict) whose layout shapes have `factor` times wider outlines; a copy."""
    shapes = frame.get("layout", {}).get("shapes")
    if not shapes:
        return frame
    wider = [{**shape, "line": {**shape["line"], "width": shape["line"]["width"] * factor}}
             if shape.get("line", {}).get("width") else shape for shape in shapes]
    return {**frame, "layout": {**frame["layout"], "shapes": wider}}


PROJECTOR_MIN_PX = 20       # no number or label on a projector below this (issue 33: read from the back row)


def enlarged(fig: go.Figure, factor: float = 1.3, max_height: int = 900) -> go.Figure:
    """A copy of `fig` for a projector: every font `factor` times larger (and at least PROJECTOR_MIN_PX) and
    black, outlines `factor` times wider, taller up to `max_height`.

    The copy keeps a FramedFigure's frames (their outlines widened too); the original (often a cached,
    shared figure) is untouched.
    """
    frames = [_thicker_frame(frame, factor) for frame in fig.raw_frames] if isinstance(fig, FramedFigure) else None
    out = FramedFigure(fig, raw_frames=frames) if frames is not None else go.Figure(fig)
    grow = lambda size, default=FONT["size"]: max(PROJECTOR_MIN_PX, round((size or default) * factor))  # noqa: E731
    layout = out.layout
    out.update_layout(font=dict(size=grow(layout.font.size), color="#000000"))
    if layout.title.text:
        layout.title.font.size = grow(layout.title.font.size)
    if layout.height:
        layout.height = min(max_height, max(layout.height, int(layout.height * factor)))
    for side in ("t", "l"):          # room for the larger title and tick labels (a title above top ticks)
        if getattr(layout.margin, side) is not None:
            setattr(layout.margin, side, round(getattr(layout.margin, side) * factor))
    black = dict(tickfont_color="#000000", title_font_color="#000000")   # grey ticks wash out on a projector
    out.update_xaxes(**black)
    out.update_yaxes(**black)
    for note in layout.annotations:
        note.font.size = grow(note.font.size)
    for shape in layout.shapes:                      # window and cell outlines: thicker, to be seen from the back
        if shape.line.width:
            shape.line.width = shape.line.width * factor
    for trace in out.data:        # values printed on cells and bars (plotly's default is 12 px where none is set)
        if getattr(trace, "textfont", None) is not None and (trace.textfont.size or getattr(trace, "texttemplate", None)
                                                             or getattr(trace, "text", None) is not None):
            trace.textfont.size = grow(trace.textfont.size, 12)
    for slider in layout.sliders:
        slider.currentvalue.font.size = grow(slider.currentvalue.font.size)
    for menu in layout.updatemenus:
        menu.font.size = grow(menu.font.size)
    return out
