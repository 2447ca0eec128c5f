"""Figures for the matrix lesson: A as a heatmap with its blocks outlined, the grids it links.

Row 0 at the top everywhere (figures.style_grid_axes). A selected output cell is magenta (its
row of A, its window on the input); a selected input cell is green (its column of A, the
outputs it touches). Small matrices are heatmaps with values and an invisible scatter on top,
so that a click selects a cell (streamlit-notes §4); large ones are a PNG picture, downsampled
by keeping the largest |value| of each block so that the sparsity pattern survives.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go

from convviz.figures.common import FONT, cell_rect, grid_trace, number_text, style_grid_axes

ROW_COLOUR = "#d6007e"       # output cell / row of A
COL_COLOUR = "#1a9850"       # input cell / column of A
TEXT_MAX = (24, 48)          # rows, columns up to which values are printed on A's cells
HEATMAP_CELLS = 20_000       # above this A is sent as a picture, not as a heatmap
CLICK_CELLS = 6_000          # up to this many cells carry an invisible click target each
IMAGE_PIXELS = 900           # the picture's longest side, after downsampling


VALUE_FONT_PX = 11           # grid_trace's font for grids above 10 cells a side
WIDTH_PX = 1000              # the width a figure is drawn at when its caller does not say (a full lesson column)
HALF_WIDTH_PX = 500          # one of two figures side by side


def shows_values(shape) -> bool:
    return shape[0] <= TEXT_MAX[0] and shape[1] <= TEXT_MAX[1]


def cell_px(shape, height: int, width_px: int = WIDTH_PX) -> float:
    """The side of one square cell as drawn: the plot area (width_px and height less matrix_figure's margins)
    over the columns and rows, the smaller of the two (the axes keep cells square)."""
    return min((width_px - 50) / shape[1], (height - 90) / shape[0])


def legible(labels, cell: float, font_px: float = VALUE_FONT_PX) -> bool:
    """Whether the longest label fits a cell of `cell` px: 0.62 em per character and 3 px each side, and at least
    16 px (issue 33: the Φ 18×32 heatmap's numbers overlapped). Hover still shows every value."""
    longest = max((len(str(t)) for t in np.ravel(labels)), default=0)
    return cell >= max(16.0, 0.62 * font_px * longest + 6)


def is_clickable(shape) -> bool:
    return shape[0] * shape[1] <= CLICK_CELLS


def _click_targets(xs, ys, size: int) -> go.Scatter:
    """One nearly transparent marker per cell: plotly heatmaps cannot be clicked (notes §4)."""
    return go.Scatter(x=xs, y=ys, mode="markers", hoverinfo="none", showlegend=False,
                      marker=dict(size=size, opacity=0.01, color="#d9d9d9"))   # the grid background


def _block_lines(n_rows, n_cols, block, outer) -> list[dict]:
    """Thin lines between Toeplitz blocks (every block[0] rows / block[1] columns), thick ones
    between channel blocks; inner lines are left out when there would be too many to read, and
    drawn fainter on a large matrix so that its few non-zeros stay visible."""
    shapes = []
    large = n_rows * n_cols > HEATMAP_CELLS
    for size, count, vertical in [(block[0], n_rows, False), (block[1], n_cols, True)]:
        outer_size = outer[1] if vertical else outer[0]
        for k in range(1, count // size + (count % size > 0)):
            at = k * size - 0.5
            thick = k * size % outer_size == 0
            if not thick and count // size > 64:
                continue
            line = dict(color="#111" if thick else "#555", width=4 if thick else 2)
            if large:
                line = dict(color="#333" if thick else "#b0b0b0", width=2 if thick else 1)
            shapes.append(dict(type="line", x0=at, x1=at, y0=-0.5, y1=n_rows - 0.5, line=line) if vertical else
                          dict(type="line", x0=-0.5, x1=n_cols - 0.5, y0=at, y1=at, line=line))
    return shapes


def _diverging_rgb(z: np.ndarray, zmax: float) -> np.ndarray:
    """RdBu_r by hand: -zmax blue, 0 white, +zmax red; (H, W, 3) uint8."""
    t = np.clip(z / (zmax or 1.0), -1, 1)[..., None]                       # (H, W, 1)
    white, red, blue = np.array([255, 255, 255.0]), np.array([178, 24, 43.0]), np.array([33, 102, 172.0])
    rgb = np.where(t >= 0, white + t * (red - white), white + (-t) * (blue - white))
    return np.round(rgb).astype(np.uint8)


def downsample_max_abs(z: np.ndarray, factor: int) -> np.ndarray:
    """Blocks of factor×factor cells replaced by their entry of largest |value| (sign kept)."""
    if factor <= 1:
        return z
    h, w = z.shape
    hp, wp = -(-h // factor) * factor, -(-w // factor) * factor
    pad = np.zeros((hp, wp))
    pad[:h, :w] = z
    blocks = pad.reshape(hp // factor, factor, wp // factor, factor).transpose(0, 2, 1, 3).reshape(
        hp // factor, wp // factor, factor * factor)                        # (H/f, W/f, f²)
    pick = np.abs(blocks).argmax(axis=-1)
    return np.take_along_axis(blocks, pick[..., None], axis=-1)[..., 0]


def _png(rgb: np.ndarray) -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def matrix_figure(a, title: str = "", *, block=None, outer=None, row: int | None = None, col: int | None = None,
                  labels=None, structure=None, row_colour: str = ROW_COLOUR, col_colour: str = COL_COLOUR,
                  height: int | None = None, width_px: int = WIDTH_PX) -> go.Figure:
    """A (rows × cols) with its block structure and an optional selected row and column.

    block = (rows, cols) of one Toeplitz block (W' × W); outer = (rows, cols) of one channel
    block (H'W' × HW). structure: bool, True where an entry can be non-zero (a kernel tap);
    the other cells are drawn grey and blank, so a weight that is 0 still shows as "0".
    labels: text for each cell (e.g. 'w01'), shown only for small matrices, and only where the cells, at the
    `width_px` the caller's column gives the figure, are large enough to hold them (`legible`).
    """
    a = np.asarray(a, dtype=np.float64)
    n_rows, n_cols = a.shape
    structure = a != 0 if structure is None else np.asarray(structure, dtype=bool)
    finite = np.abs(a)
    zmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    cell = 34 if n_cols <= 20 else 22
    auto_h = 120 + min(560, cell * n_rows) if n_rows * 2 >= n_cols else 120 + min(560, 1100 * n_rows // max(n_cols, 1))
    height = height or max(220, auto_h)
    fig = go.Figure()
    if n_rows * n_cols <= HEATMAP_CELLS:
        text = None
        if shows_values(a.shape):
            text = np.where(structure, number_text(a) if labels is None else np.asarray(labels, dtype=object), "")
            if not legible(text, cell_px(a.shape, height, width_px)):
                text = None                                               # the hover keeps every value
        shown = np.where(structure, a, np.nan)                                # structural zeros: background grey
        trace = grid_trace(shown, show_text=text is not None, zmax=zmax, text=text)
        trace.update(hovertemplate="A[%{y}, %{x}] = %{z}<extra></extra>",
                     xgap=1 if max(a.shape) <= 64 else 0, ygap=1 if max(a.shape) <= 64 else 0)
        fig.add_trace(trace)
        if is_clickable(a.shape):
            rr, cc = np.mgrid[0:n_rows, 0:n_cols]
            fig.add_trace(_click_targets(cc.ravel(), rr.ravel(), 14 if max(a.shape) <= 48 else 7))
    else:
        factor = max(1, -(-max(a.shape) // IMAGE_PIXELS))
        small = downsample_max_abs(a, factor)
        rgb = _diverging_rgb(small, zmax)
        rgb[downsample_max_abs(structure.astype(np.float64), factor) == 0] = (217, 217, 217)   # structural zeros
        fig.add_trace(go.Image(source=_png(rgb), x0=(factor - 1) / 2, dx=factor, y0=(factor - 1) / 2, dy=factor,
                               hoverinfo="skip"))
        title += f" (picture: every {factor}×{factor} block shows its largest |entry|)" if factor > 1 else ""
    shapes = []
    if block is not None:
        shapes += _block_lines(n_rows, n_cols, block, outer or (n_rows, n_cols))
    if row is not None and 0 <= row < n_rows:
        shapes.append(cell_rect(row, 0, row, n_cols - 1, color=row_colour))
    if col is not None and 0 <= col < n_cols:
        shapes.append(cell_rect(0, col, n_rows - 1, col, color=col_colour))
    style_grid_axes(fig)
    big_cells = max(n_rows, n_cols) <= 48                                  # a tick per cell only where cells are big
    fig.update_yaxes(scaleanchor="x", constrain="domain", dtick=1 if n_rows <= 24 and big_cells else None)
    fig.update_xaxes(constrain="domain", dtick=1 if n_cols <= 24 and big_cells else None)
    # Fixed ranges: autorange would pad for the click markers' size and show a row that is not there.
    fig.update_xaxes(autorange=False, range=[-0.5, n_cols - 0.5])
    fig.update_yaxes(autorange=False, range=[n_rows - 0.5, -0.5])
    fig.update_layout(title=dict(text=title, font=FONT), font=FONT, height=height,
                      margin=dict(l=40, r=10, t=80, b=10), plot_bgcolor="#d9d9d9", shapes=shapes,
                      dragmode=False, clickmode="event+select")
    return fig


def channel_grids_figure(values, title: str, *, window=None, window_colour=ROW_COLOUR, mark=None,
                         mark_colour=COL_COLOUR, height: int | None = None) -> go.Figure:
    """(C, H, W) grids side by side (one NaN column apart) with values, clickable.

    window: bool (C, H, W) cells to outline in window_colour; mark: (c, r, q) of one cell to
    outline thickly in mark_colour. A click's point index is the cell's flat (c, r, q) index.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 2:
        v = v[None]                                                         # (1, H, W)
    c, h, w = v.shape
    z = np.full((h, c * (w + 1) - 1), np.nan)                               # channels one column apart
    for ch in range(c):
        z[:, ch * (w + 1) : ch * (w + 1) + w] = v[ch]
    fig = go.Figure(grid_trace(z, show_text=max(h, w) <= 16, text=number_text(z)))
    fig.data[0].update(hovertemplate="row %{y}, col %{x}: %{z}<extra></extra>")
    cc, rr, qq = np.meshgrid(np.arange(c), np.arange(h), np.arange(w), indexing="ij")   # (C, H, W) each
    fig.add_trace(_click_targets((cc * (w + 1) + qq).ravel(), rr.ravel(), 22 if max(h, w) <= 10 else 12))
    shapes = []
    if window is not None:
        for ch, r, q in zip(*np.nonzero(np.asarray(window, dtype=bool))):
            x = ch * (w + 1) + q
            shapes.append(cell_rect(r, x, r, x, color=window_colour))
    if mark is not None:
        ch, r, q = mark
        x = ch * (w + 1) + q
        shapes.append(cell_rect(r, x, r, x, color=mark_colour, width=5))
    style_grid_axes(fig)
    ticks = [ch * (w + 1) + q for ch in range(c) for q in range(w)]
    fig.update_xaxes(tickvals=ticks if w <= 16 else None, ticktext=[str(t % (w + 1)) for t in ticks] if w <= 16 else None,
                     constrain="domain")
    fig.update_yaxes(scaleanchor="x", constrain="domain", dtick=1 if h <= 16 else None)
    fig.update_yaxes(autorange=False, range=[h - 0.5, -0.5])
    fig.update_xaxes(autorange=False, range=[-0.5, z.shape[1] - 0.5])
    for ch in range(c if c > 1 else 0):
        fig.add_annotation(x=ch * (w + 1) + (w - 1) / 2, y=0, yref="paper", yshift=-4, text=f"channel {ch}",
                           showarrow=False, yanchor="top", font=dict(size=13), xref="x")
    cell = 40 if max(h, w) <= 8 else 24 if max(h, w) <= 16 else 12
    fig.update_layout(title=dict(text=title, font=FONT), font=FONT, shapes=shapes,
                      height=height or min(560, 130 + cell * h + (24 if c > 1 else 0)),
                      margin=dict(l=30, r=10, t=70, b=30), plot_bgcolor="#ffffff", dragmode=False,
                      clickmode="event+select")
    return fig


def eigenvalue_figure(computed, dft) -> go.Figure:
    """The circulant's eigenvalues (numpy, circles) on the DFT of the kernel (crosses), complex plane."""
    computed, dft = np.asarray(computed), np.asarray(dft)
    fig = go.Figure([
        go.Scatter(x=dft.real, y=dft.imag, mode="markers", name="DFT of the zero-padded kernel",
                   marker=dict(symbol="x", size=12, color=ROW_COLOUR),
                   hovertemplate="k=%{customdata}: %{x:.3g} %{y:+.3g}i<extra>DFT</extra>", customdata=np.arange(dft.size)),
        go.Scatter(x=computed.real, y=computed.imag, mode="markers", name="eigenvalues of C (numpy)",
                   marker=dict(symbol="circle-open", size=18, color=COL_COLOUR, line=dict(width=2)),
                   hovertemplate="%{x:.3g} %{y:+.3g}i<extra>eigenvalue</extra>"),
    ])
    fig.update_xaxes(title="real part", zeroline=True)
    fig.update_yaxes(title="imaginary part", zeroline=True, scaleanchor="x")
    fig.update_layout(height=380, font=FONT, margin=dict(l=50, r=10, t=30, b=40),
                      legend=dict(orientation="h", y=1.12))
    return fig


def ista_curves_figure(residual, objective) -> go.Figure:
    """ISTA's residual ‖y − Φc‖ and objective ½‖y − Φc‖² + λ‖c‖₁ against the step (0 = codes all zero)."""
    steps = np.arange(len(residual))
    fig = go.Figure([
        go.Scatter(x=steps, y=residual, mode="lines+markers", name="residual ‖y − Φc‖", marker=dict(size=5),
                   line=dict(color=ROW_COLOUR), hovertemplate="step %{x}: %{y:.4g}<extra>residual</extra>"),
        go.Scatter(x=steps, y=objective, mode="lines+markers", name="objective ½‖y − Φc‖² + λ‖c‖₁", marker=dict(size=5),
                   line=dict(color=COL_COLOUR), hovertemplate="step %{x}: %{y:.4g}<extra>objective</extra>"),
    ])
    fig.update_xaxes(title="ISTA step (= layer)")
    fig.update_yaxes(title="value", rangemode="tozero")
    fig.update_layout(height=340, font=FONT, margin=dict(l=50, r=10, t=30, b=40), legend=dict(orientation="h", y=1.15))
    return fig


def ista_signal_figure(y, fitted, codes, c_true) -> go.Figure:
    """Top: the signal y and Φc; below: each atom's codes c_k (bars) and the true codes (open circles)."""
    from plotly.subplots import make_subplots

    codes, c_true = np.atleast_2d(codes), np.atleast_2d(c_true)          # (K, N)
    k = codes.shape[0]
    fig = make_subplots(rows=1 + k, cols=1, shared_xaxes=False, vertical_spacing=0.08,
                        subplot_titles=["signal y (black) and Φ c (magenta)"] + [f"codes c_{i} of atom {i}" for i in range(k)])
    fig.add_trace(go.Scatter(y=y, mode="lines+markers", name="y", line=dict(color="#222")), row=1, col=1)
    fig.add_trace(go.Scatter(y=fitted, mode="lines+markers", name="Φ c", line=dict(color=ROW_COLOUR, dash="dot")),
                  row=1, col=1)
    for i in range(k):
        fig.add_trace(go.Bar(y=codes[i], name=f"c_{i}", marker_color=COL_COLOUR, showlegend=i == 0), row=2 + i, col=1)
        fig.add_trace(go.Scatter(y=c_true[i], mode="markers", name="true codes", showlegend=i == 0,
                                 marker=dict(symbol="circle-open", size=10, color="#444")), row=2 + i, col=1)
    fig.update_layout(height=220 + 150 * k, font=FONT, margin=dict(l=40, r=10, t=40, b=30), bargap=0.3,
                      legend=dict(orientation="h", y=-0.08))
    return fig
