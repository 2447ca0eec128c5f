"""Figures for the convolution zoo page (convviz/zoo.py computes, this draws).

Grids use convviz.figures.common.grid_figure: row 0 at the top, values on the cells.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from plotly.subplots import make_subplots

from convviz.figures.common import FONT, grid_figure, grid_trace, tile_blocks

GROUP_COLOURS = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6",
                 "#9d755d", "#bab0ac", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d"]
HIGHLIGHT = "#d6008f"        # the magenta the convolution page uses for the active window


def pointwise_figure(x: np.ndarray, w: np.ndarray, y: np.ndarray) -> go.Figure:
    """The 1×1 convolution in one picture: the C input channels and w on the top row, the C_out output
    channels below, equal cells with their values; pixel (0, 0) outlined in every channel."""
    c_in, c_out = x.shape[0], y.shape[0]
    cols = max(c_in, c_out) + 1
    titles = [f"input {c}" if c < c_in else "" for c in range(cols - 1)] + ["w"]   # short: they fit a phone
    titles += [f"output {o}" if o < c_out else "" for o in range(cols - 1)] + [""]
    fig = make_subplots(rows=2, cols=cols, subplot_titles=titles, horizontal_spacing=0.04, vertical_spacing=0.14)
    zmax = float(max(np.abs(x).max(), np.abs(y).max(), 1e-12))
    panels = [(1, c + 1, x[c], zmax) for c in range(c_in)] + [(2, o + 1, y[o], zmax) for o in range(c_out)]
    panels.append((1, cols, w, float(np.abs(w).max()) or 1.0))
    for row, col, z, top in panels:
        trace = grid_trace(z, zmax=top)
        trace.textfont.size = 16
        fig.add_trace(trace, row=row, col=col)
        n = (row - 1) * cols + col
        fig.update_yaxes(autorange="reversed", scaleanchor=f"x{n if n > 1 else ''}", constrain="domain",
                         showgrid=False, zeroline=False, dtick=1, row=row, col=col)
        fig.update_xaxes(constrain="domain", showgrid=False, zeroline=False, side="bottom", dtick=1, row=row, col=col)
    for row, col, _, _ in panels[:-1]:                    # pixel (0, 0): the one the sum below works out
        fig.add_shape(type="rect", x0=-0.5, x1=0.5, y0=-0.5, y1=0.5, line=dict(color=HIGHLIGHT, width=3),
                      row=row, col=col)
    for c in range(cols - 1):                            # empty panels (fewer inputs than outputs): no axes
        for row, used in ((1, c < c_in), (2, c < c_out)):
            if not used:
                fig.update_xaxes(visible=False, row=row, col=c + 1)
                fig.update_yaxes(visible=False, row=row, col=c + 1)
    fig.update_xaxes(visible=False, row=2, col=cols)
    fig.update_yaxes(visible=False, row=2, col=cols)
    fig.update_annotations(font=FONT)                    # panel titles on top, column numbers below: apart
    fig.update_layout(font=FONT, height=580, margin=dict(l=30, r=10, t=40, b=30), plot_bgcolor="#ffffff")
    return fig


def connection_figure(connections: np.ndarray) -> go.Figure:
    """The (C_out, C) group matrix of zoo.group_connections: a coloured cell where an output
    channel reads an input channel (colour = group, label = g), grey where it cannot."""
    conn = np.asarray(connections)
    groups = int(conn.max()) + 1
    z = np.where(conn >= 0, conn, np.nan).astype(float)
    colours = [GROUP_COLOURS[g % len(GROUP_COLOURS)] for g in range(groups)]
    scale = [[0, colours[0]], [1, colours[0]]] if groups == 1 else [
        x for g, c in enumerate(colours) for x in ([g / groups, c], [(g + 1) / groups, c])]
    text = np.where(conn >= 0, np.char.add("g", conn.astype(str)), "") if max(conn.shape) <= 16 else None
    fig = go.Figure(go.Heatmap(z=z, zmin=-0.5, zmax=groups - 0.5, colorscale=scale, showscale=False, xgap=2, ygap=2,
                               text=text, texttemplate="%{text}" if text is not None else None,
                               hovertemplate="output channel %{y} reads input channel %{x}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain", title="output channel",
                     dtick=1 if conn.shape[0] <= 16 else None, showgrid=False, zeroline=False)
    fig.update_xaxes(side="bottom", constrain="domain", title="input channel", dtick=1 if conn.shape[1] <= 16 else None,
                     showgrid=False, zeroline=False)
    fig.update_layout(title=dict(text="Which input channels each output channel reads", font=FONT), font=FONT,
                      height=min(600, 190 + 26 * conn.shape[0]), margin=dict(l=60, r=10, t=50, b=50),
                      plot_bgcolor="#e8e8e8")
    return fig


def taps_figure(kernel_size: int, dilation: int, taps: np.ndarray) -> go.Figure:
    """The dilated kernel's footprint: taps labelled w[a,b], holes (skipped input cells) blank."""
    text = np.full(taps.shape, "", dtype=object)
    for a in range(kernel_size):
        for b in range(kernel_size):
            text[a * dilation, b * dilation] = f"w{a}{b}" if kernel_size <= 5 else ""
    span = taps.shape[0]
    fig = grid_figure(taps, title=f"{kernel_size}×{kernel_size} kernel, dilation {dilation}: "
                                  f"covers {span}×{span} input cells", colorscale="Blues", text=text,
                      show_text=span <= 18, zmax=1.0)
    fig.data[0].update(zmin=0, zmax=1.4, hovertemplate="row %{y}, col %{x}: %{text}<extra></extra>")
    return fig


def receptive_figure(curves: dict[str, list[int]]) -> go.Figure:
    """Receptive field size after each layer, one line per dilation schedule."""
    fig = go.Figure()
    for (name, rs), colour in zip(curves.items(), [HIGHLIGHT, "#888888", "#4c78a8"]):
        fig.add_scatter(x=list(range(1, len(rs) + 1)), y=rs, mode="lines+markers+text", name=name,
                        text=[str(r) for r in rs], textposition="top center", line=dict(color=colour),
                        textfont=dict(color=colour))
    top = max(max(rs) for rs in curves.values())
    fig.update_xaxes(title="layers stacked", dtick=1)
    fig.update_yaxes(title="receptive field (input cells)", range=[0, top * 1.18 + 1])   # room for the labels
    fig.update_layout(title=dict(text="Receptive field grows with depth", font=FONT), font=FONT, height=380,
                      margin=dict(l=60, r=10, t=50, b=50), legend=dict(orientation="h", y=-0.25))
    return fig


def cost_bars_figure(standard_macs: int, depthwise_macs: int, pointwise_macs: int, kernel_size: int) -> go.Figure:
    """Multiply-accumulates of a standard conv against depthwise + pointwise (stacked)."""
    k = f"{kernel_size}×{kernel_size}"
    rows = [f"standard {k} conv", "depthwise separable"]
    fig = go.Figure([
        go.Bar(y=rows, x=[standard_macs, 0], name=f"standard {k}", orientation="h", marker_color="#888"),
        go.Bar(y=rows, x=[0, depthwise_macs], name=f"depthwise {k}", orientation="h", marker_color="#4c78a8"),
        go.Bar(y=rows, x=[0, pointwise_macs], name="pointwise 1×1", orientation="h", marker_color="#f58518"),
    ])
    fig.update_layout(barmode="stack", title=dict(text="Multiply-accumulates per image", font=FONT), font=FONT,
                      height=260, margin=dict(l=10, r=10, t=50, b=40), legend=dict(orientation="h", y=-0.3))
    fig.update_yaxes(autorange="reversed")
    return fig


def outline_cells(fig: go.Figure, cells, colour: str = HIGHLIGHT) -> go.Figure:
    """Draw a thick box around each (row, col) of a grid figure (all at once: add_shape per cell
    re-validates the figure and took 10 s for 144 cells)."""
    boxes = [dict(type="rect", x0=c - 0.5, x1=c + 0.5, y0=r - 0.5, y1=r + 0.5, line=dict(color=colour, width=3))
             for r, c in sorted({tuple(map(int, rc)) for rc in cells})]
    fig.update_layout(shapes=list(fig.layout.shapes) + boxes)
    return fig


def outline_window(fig: go.Figure, row0: int, col0: int, kh: int, kw: int, colour: str = HIGHLIGHT) -> go.Figure:
    """Draw one box around the kh×kw cells starting at (row0, col0), clipped to nothing outside the grid."""
    fig.add_shape(type="rect", x0=col0 - 0.5, x1=col0 + kw - 0.5, y0=row0 - 0.5, y1=row0 + kh - 0.5,
                  line=dict(color=colour, width=4))
    return fig


def decimals_text(z) -> np.ndarray:
    """Cell labels with up to 4 significant digits (24.75 stays 24.75, not 24.8)."""
    z = np.asarray(z, dtype=np.float64)
    return np.vectorize(lambda v: f"{v:.4g}", otypes=[object])(z)


def tiled_kernels(w_positions: np.ndarray) -> np.ndarray:
    """Kernels (H', W', kh, kw) laid side by side with one blank (NaN) cell between them: one
    picture of every position's kernel."""
    return tile_blocks(np.asarray(w_positions))


def tiled_kernels_figure(w_positions: np.ndarray, title: str) -> go.Figure:
    """Every output position's kernel, tiled; identical tiles are a convolution's shared weights."""
    tiles = tiled_kernels(w_positions)
    fig = grid_figure(tiles, title=title, show_text=False, zmax=float(np.nanmax(np.abs(tiles))) or 1.0)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(plot_bgcolor="white", height=min(520, 90 + 22 * tiles.shape[0]), margin=dict(l=10, r=10, t=60, b=10))
    return fig


def _terms(values, fmt, limit: int = 9) -> str | None:
    """The worked sum's terms, or None when the window has more than `limit` cells (too long to read)."""
    values = list(values)
    return " + ".join(fmt(*v) if isinstance(v, tuple) else fmt(v) for v in values) if len(values) <= limit else None


def pooling_formula_markdown(ex: dict, op: str, kernel_size: int, padding: int, p_norm: float, sigma: float,
                             window: np.ndarray, norms: dict) -> str:
    """The formula of Lp ("lp") or weighted-average ("wavg") pooling, worked for output (0, 0), and what
    the gradient of ones does. window: zoo.first_pool_window; norms: {p: y[0, 0]} (lp only)."""
    hit, n_cells, n_out, total = int((ex["grad"] != 0).sum()), ex["x"].size, ex["y"].size, ex["grad"].sum()
    y00 = ex["y"][0, 0]
    if op == "lp":
        terms = _terms(window.ravel(), lambda v: f"{v:g}^{p_norm:g}")
        worked = f"({terms})^(1/{p_norm:g})" if terms else f"(Σ of the {window.size} x^{p_norm:g})^(1/{p_norm:g})"
        ladder = ", ".join(f"p = {'∞' if p == np.inf else f'{p:g}'}: {v:.4g}" for p, v in norms.items())
        return (f"The magenta box is the first window. **Lp pooling:** y = (Σ x^p)^(1/p) over the window "
                f"(torch's `F.lp_pool2d`: a sum, not a mean), here y[0, 0] = {worked} = **{y00:.6g}**. "
                f"p = 1 gives the window's sum, p = 2 the L2 norm, and as p grows y falls towards the "
                f"window's maximum ({ladder}).\n\n"
                f"Backward, a cell gets x^(p−1)·y^(1−p) from each window it is in: larger inputs get more, between "
                f"the sum's equal shares (p = 1: 1 to every cell) and max pooling's winner takes all. {hit} of "
                f"{n_cells} cells get a gradient; it adds up to {total:.4g}.")
    w = ex["weights"]
    terms = _terms(zip(w.ravel(), window.ravel()), lambda a, b: f"{a:.4f}·{b:g}")
    return (f"The magenta box is the first window{' (padding cells are 0)' if padding else ''}. **Weighted average "
            f"pooling:** y = Σ w[a, b]·x[i·s + a, j·s + b] with w[a, b] ∝ exp(−d²/(2σ²)), d the distance of cell "
            f"(a, b) from the window's centre, and Σ w = 1. Here y[0, 0] = {terms or f'Σ of the {w.size} products'} "
            f"= **{y00:.6g}**. A large σ tends to average pooling, a small σ (odd k) to the central sample.\n\n"
            f"Backward, each output hands w[a, b] to cell (a, b) of its window: {hit} of {n_cells} cells get a "
            f"gradient; it adds up to {total:.4g}"
            + (f", less than {n_out} because the shares of the padding cells are dropped." if total < n_out - 1e-9
               else ", one per output (Σ w = 1)."))
