"""Figures for the transposed-convolution lesson: scatter animation, zero-insertion view,
overlap counts, remedies side by side, upsampling grids and the pixel shuffle picture.

All grids have row 0 at the top (convviz.figures.common). The scatter animation is played by plotly.js
(FramedFigure, plain-dict frames): frames replace heatmap data, so they use redraw=True.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from convviz.conv import as_pair
from convviz.figures.common import FONT, MAX_CELLS_WITH_TEXT, FramedFigure, cell_rect, grid_trace, number_text
from convviz.transposed import DirectEquivalent, scatter_geometry, scatter_steps

STAMP = "#e4007c"        # magenta: the input cell being scattered and where its stamp lands
KEPT = "#222222"         # outline of the output that survives the padding crop
CROPPED = "rgba(120,120,120,0.45)"
CHANNEL_COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7"]


def _refs(fig, row, col):
    sp = fig.get_subplot(row, col)
    return sp.xaxis.plotly_name.replace("axis", ""), sp.yaxis.plotly_name.replace("axis", "")


def _lift_titles(fig, size=14):
    """Subplot titles sit where the top x tick labels are: move them up above the ticks."""
    for ann in fig.layout.annotations:
        ann.font = dict(size=size)
        ann.yshift = 30


def _grid_axes(fig, row, col, n_rows, n_cols):
    refs = _refs(fig, row, col)
    small = max(n_rows, n_cols) <= MAX_CELLS_WITH_TEXT
    fig.update_xaxes(row=row, col=col, showgrid=False, zeroline=False, side="top", dtick=1 if small else None,
                     constrain="domain")
    fig.update_yaxes(row=row, col=col, autorange="reversed", showgrid=False, zeroline=False, dtick=1 if small else None,
                     scaleanchor=refs[0], constrain="domain")
    return refs


def scatter_figure(x, w, stride=1, padding=0, output_padding=0, dilation=1, active=0) -> FramedFigure:
    """Note 000's "multiply the kernel and accumulate", one frame per input cell.

    Top: input (the cell being scattered in magenta) and kernel. Bottom: this cell's stamp
    x[i, j]·w on the uncropped output, and the running sum. Grey bands are the rows/columns the
    padding p crops away; the black box is the output H'×W' that is kept. Axis numbers count
    output rows/columns from the kept box (cropped ones are negative or ≥ H').
    """
    x, w, (sh, sw), (ph, pw), (dh, dw), (ho, wo) = scatter_geometry(x, w, stride, padding, output_padding, dilation)
    (h, wd), (kh, kw) = x.shape, w.shape
    stamps, running = scatter_steps(x, w, stride, padding, output_padding, dilation)   # (H·W, Hf, Wf)
    hf, wf = running.shape[1:]
    t0 = min(max(int(active), 0), h * wd - 1)

    fig = make_subplots(rows=2, cols=2, row_heights=[0.4, 0.6], column_widths=[0.38, 0.62], vertical_spacing=0.12,
                        horizontal_spacing=0.06,
                        subplot_titles=["input x (cell being scattered in magenta)", "kernel w",
                                        "this step: x[i, j] · w", "running sum (uncropped), stamp in magenta"])
    zmax_x = max(1.0, float(np.abs(x).max()))
    fig.add_trace(grid_trace(x, zmax=zmax_x, name="x"), row=1, col=1)
    fig.add_trace(grid_trace(w, name="w"), row=1, col=2)
    zmax_out = max(1.0, float(np.abs(running).max()))
    products = x.reshape(-1, 1, 1) * w                                                 # (H·W, kh, kw)
    zmax_p = max(1.0, float(np.abs(products).max()))
    show = max(hf, wf) <= MAX_CELLS_WITH_TEXT
    fig.add_trace(grid_trace(products[t0], zmax=zmax_p, name="stamp"), row=2, col=1)
    fig.add_trace(grid_trace(running[t0], zmax=zmax_out, show_text=show, name="running sum"), row=2, col=2)
    refs = {(1, 1): _grid_axes(fig, 1, 1, h, wd), (1, 2): _grid_axes(fig, 1, 2, kh, kw),
            (2, 1): _grid_axes(fig, 2, 1, kh, kw), (2, 2): _grid_axes(fig, 2, 2, hf, wf)}
    step_r, step_c = (1, 1) if show else (max(1, hf // 8), max(1, wf // 8))
    fig.update_xaxes(row=2, col=2, tickvals=list(range(0, wf, step_c)), ticktext=[str(q - pw) for q in range(0, wf, step_c)])
    fig.update_yaxes(row=2, col=2, tickvals=list(range(0, hf, step_r)), ticktext=[str(q - ph) for q in range(0, hf, step_r)])
    _lift_titles(fig)

    static = []
    for q in list(range(ph)) + list(range(ph + ho, hf)):
        static.append(cell_rect(q, 0, q, wf - 1, color=CROPPED, width=0, fill=CROPPED, refs=refs[2, 2]))
    for q in list(range(pw)) + list(range(pw + wo, wf)):
        static.append(cell_rect(0, q, hf - 1, q, color=CROPPED, width=0, fill=CROPPED, refs=refs[2, 2]))
    static.append(cell_rect(ph, pw, ph + ho - 1, pw + wo - 1, color=KEPT, width=2, dash="dot", refs=refs[2, 2]))

    def shapes_for(t):
        i, j = divmod(t, wd)
        return static + [cell_rect(i, j, i, j, color=STAMP, refs=refs[1, 1]),
                         cell_rect(i * sh, j * sw, i * sh + (kh - 1) * dh, j * sw + (kw - 1) * dw, color=STAMP,
                                   refs=refs[2, 2])]

    def compact(z):
        return z.astype(np.int64).tolist() if np.all(z == np.round(z)) else np.round(z, 6).tolist()

    go_to = dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0))
    frames, steps = [], []
    for t in range(h * wd):
        i, j = divmod(t, wd)
        frames.append(dict(name=str(t), traces=[2, 3], layout=dict(shapes=shapes_for(t)), data=[
            dict(type="heatmap", z=compact(products[t]), text=number_text(products[t]).tolist()),
            dict(type="heatmap", z=compact(running[t]), text=number_text(running[t]).tolist() if show else None)]))
        steps.append(dict(label=f"({i}, {j})", method="animate", args=[[str(t)], go_to]))
    # No play button in the figure: the page's Play (server side) moves the step and the link.
    cell = 40 if max(hf, wf) <= 10 else 26 if max(hf, wf) <= 18 else 14
    fig.update_layout(
        font=FONT, showlegend=False, plot_bgcolor="#eeeeee", shapes=shapes_for(t0),
        height=int(max(580, min(1100, 280 + cell * hf / 0.65))), margin=dict(l=20, r=20, t=75, b=110),
        sliders=[dict(active=t0, steps=steps, x=0.0, len=1.0, y=-0.03, yanchor="top", pad=dict(t=10),
                      currentvalue=dict(prefix="scattering input cell ", font=dict(size=15)))],
    )
    return FramedFigure(fig, raw_frames=frames)



def direct_figure(eq: DirectEquivalent, x_shape, stride=1) -> go.Figure:
    """Zero-inserted, padded input (original cells coloured, inserted zeros and border grey),
    the flipped kernel, and the output of the stride-1 cross-correlation. Single channel."""
    sh, sw = as_pair(stride)
    hp, wp = eq.padded.shape
    top, left = max(0, eq.border[0]), max(0, eq.border[1])
    crop_r, crop_c = max(0, -eq.border[0]), max(0, -eq.border[1])
    original = np.zeros((hp, wp), bool)
    h, w = x_shape
    for i in range(h):
        for j in range(w):
            r, c = top + i * sh - crop_r, left + j * sw - crop_c
            if 0 <= r < hp and 0 <= c < wp:
                original[r, c] = True
    z = np.where(original, eq.padded, np.nan)
    fig = make_subplots(rows=1, cols=3, column_widths=[0.45, 0.2, 0.35], horizontal_spacing=0.05,
                        subplot_titles=["stretched and padded input", "kernel flipped 180°", "stride-1 cross-correlation"])
    fig.add_trace(grid_trace(z, text=number_text(eq.padded), show_text=max(hp, wp) <= MAX_CELLS_WITH_TEXT,
                             zmax=max(1.0, float(np.nanmax(np.abs(eq.padded))))), row=1, col=1)
    fig.add_trace(grid_trace(eq.kernel), row=1, col=2)
    fig.add_trace(grid_trace(eq.output, show_text=max(eq.output.shape) <= MAX_CELLS_WITH_TEXT), row=1, col=3)
    for c, shape in [(1, (hp, wp)), (2, eq.kernel.shape), (3, eq.output.shape)]:
        _grid_axes(fig, 1, c, *shape)
    _lift_titles(fig)
    big = max(hp, wp)
    fig.update_layout(font=FONT, showlegend=False, plot_bgcolor="#d9d9d9",
                      height=int(min(700, 140 + (34 if big <= 12 else 22 if big <= 20 else 12) * big)),
                      margin=dict(l=20, r=20, t=85, b=10))
    return fig


def overlap_figures(counts_1d: np.ndarray, counts_2d: np.ndarray) -> tuple[go.Figure, go.Figure]:
    """(bars of the 1-D counts, the 2-D counts as a grid)."""
    bars = go.Figure(go.Bar(x=list(range(len(counts_1d))), y=counts_1d, marker_color=[
        CHANNEL_COLOURS[int(v) % len(CHANNEL_COLOURS)] for v in counts_1d], text=counts_1d, textposition="outside",
        hovertemplate="output %{x}: %{y} taps<extra></extra>"))
    bars.update_layout(title=dict(text="1-D: kernel taps landing on each output position", font=FONT), font=FONT,
                       height=300, margin=dict(l=40, r=10, t=50, b=40), xaxis_title="output position",
                       yaxis=dict(title="taps", range=[0, max(1, int(counts_1d.max())) * 1.25], dtick=1))
    grid = go.Figure(grid_trace(counts_2d, colorscale="Blues", name="taps"))
    grid.update_traces(zmin=0, zmax=max(1, int(counts_2d.max())))
    grid.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain", showgrid=False)
    grid.update_xaxes(constrain="domain", showgrid=False, side="top")
    grid.update_layout(title=dict(text="2-D: the outer product of the 1-D counts", font=FONT), font=FONT,
                       height=min(520, 120 + 26 * counts_2d.shape[0]), margin=dict(l=30, r=10, t=70, b=10))
    return bars, grid


def panels_figure(panels: list[tuple[str, np.ndarray]], cols: int = 3, colorscale="Viridis") -> go.Figure:
    """Several grids side by side, each on its own colour range; whole-number grids show their values."""
    rows = (len(panels) + cols - 1) // cols
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[t for t, _ in panels], horizontal_spacing=0.05,
                        vertical_spacing=0.12 if rows > 1 else 0.05)
    for n, (_, z) in enumerate(panels):
        r, c = divmod(n, cols)
        whole = bool(np.all(z == np.round(z)))              # counts read well as numbers; real values do not
        trace = grid_trace(z, colorscale=colorscale, show_text=whole and max(z.shape) <= 14)
        trace.update(zmin=float(z.min()), zmax=float(z.max()) if z.max() > z.min() else float(z.min()) + 1)
        fig.add_trace(trace, row=r + 1, col=c + 1)
        _grid_axes(fig, r + 1, c + 1, *z.shape)
        fig.update_xaxes(row=r + 1, col=c + 1, showticklabels=False)
        fig.update_yaxes(row=r + 1, col=c + 1, showticklabels=False)
    _lift_titles(fig, 13)
    fig.update_layout(font=FONT, showlegend=False, height=380 * rows, margin=dict(l=10, r=10, t=80, b=10))
    return fig


def pixel_shuffle_figure(x: np.ndarray, r: int, out: np.ndarray) -> go.Figure:
    """Channel to space: r² input channels (each its own colour) and the shuffled (H·r, W·r) grid,
    where every cell keeps the colour of the channel it came from."""
    n = x.shape[0]
    fig = make_subplots(rows=1, cols=n + 1, column_widths=[1] * n + [r * 1.2], horizontal_spacing=0.03,
                        subplot_titles=[f"channel {c}" for c in range(n)] + [f"pixel_shuffle(x, {r})"])
    scale = [[i / max(1, n - 1), CHANNEL_COLOURS[i % len(CHANNEL_COLOURS)]] for i in range(n)] if n > 1 else \
        [[0, CHANNEL_COLOURS[0]], [1, CHANNEL_COLOURS[0]]]
    channel_of = np.zeros(out.shape[-2:])
    for c in range(n):
        i, j = divmod(c, r)
        channel_of[i::r, j::r] = c
    for c in range(n):
        fig.add_trace(go.Heatmap(z=np.full(x.shape[1:], c), zmin=0, zmax=max(1, n - 1), colorscale=scale, showscale=False,
                                 text=number_text(x[c]), texttemplate="%{text}", xgap=1, ygap=1,
                                 hovertemplate=f"channel {c}, row %{{y}}, col %{{x}}<extra></extra>"), row=1, col=c + 1)
        _grid_axes(fig, 1, c + 1, *x.shape[1:])
    fig.add_trace(go.Heatmap(z=channel_of, zmin=0, zmax=max(1, n - 1), colorscale=scale, showscale=False,
                             text=number_text(out[0]), texttemplate="%{text}", xgap=1, ygap=1,
                             hovertemplate="row %{y}, col %{x}<extra></extra>"), row=1, col=n + 1)
    _grid_axes(fig, 1, n + 1, *out.shape[-2:])
    _lift_titles(fig, 13)
    fig.update_layout(font=FONT, showlegend=False, height=320, margin=dict(l=10, r=10, t=85, b=10))
    return fig


def matrix_figure(a: np.ndarray, title: str, labels: np.ndarray | None = None) -> go.Figure:
    """A matrix as a grid (zeros pale), with optional symbolic cell labels such as 'w1'."""
    fig = go.Figure(grid_trace(a, text=labels))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain", showgrid=False, dtick=1)
    fig.update_xaxes(constrain="domain", showgrid=False, side="top", dtick=1)
    fig.update_layout(title=dict(text=title, font=FONT), font=FONT, height=min(520, 110 + 40 * a.shape[0]),
                      margin=dict(l=30, r=10, t=70, b=10), plot_bgcolor="#d9d9d9")
    return fig


def exact_grid_figure(z, title: str) -> go.Figure:
    """A small grid whose labels keep up to 4 decimals (5.6875, not 5.69; 2 above 8 cells), for upsampling."""
    from convviz.figures.common import grid_figure

    z = np.asarray(z, dtype=np.float64)
    places = 4 if max(z.shape) <= 8 else 2                   # bigger grids have narrower cells
    labels = np.vectorize(lambda v: f"{v:.{places}f}".rstrip("0").rstrip("."))(z)
    return grid_figure(z, title=title, text=labels)
