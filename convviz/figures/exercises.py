"""An exercise drawn on its lesson's kind of figure (issue 25): the question, with the answer held back until revealed.

- `size_figure`: an output-size question (forward or transposed): the n×n input inside its shaded padding ring,
  the kernel's taps at the top-left (holes where it is dilated), and the output as "?" until revealed, then at its
  real size.
- `value_figure`: one output value: the padded input and the kernel with their numbers, the asked output cell
  marked "?"; revealed, the window's taps are outlined on the input and the answer fills the cell.

The cells come in as plain numbers from convviz/lessons/exercises.py; nothing here knows an exercise's topic.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from convviz.figures.common import FONT, cell_rect, grid_trace, number_text, short_number

WINDOW = "#e4007c"                 # magenta, as on the convolution page: the window and the cell it makes
INPUT = "#9ecae1"                  # the real input's cells
RING = "#d9d9d9"                   # padding
HIDDEN = "#fff3b0"                 # the asked (still hidden) output
CELL = 24                          # pixels per cell, roughly


def _refs(fig, col: int) -> tuple[str, str]:
    sp = fig.get_subplot(1, col)
    return sp.xaxis.plotly_name.replace("axis", ""), sp.yaxis.plotly_name.replace("axis", "")


def _cells_path(refs, cells, color=WINDOW, width=3, fill=None) -> dict:
    """One path outlining many single cells (the taps of a dilated window)."""
    path = " ".join(f"M{c - 0.5},{r - 0.5}H{c + 0.5}V{r + 0.5}H{c - 0.5}Z" for r, c in cells)
    shape = dict(type="path", xref=refs[0], yref=refs[1], path=path, line=dict(color=color, width=width), layer="above")
    if fill:
        shape["fillcolor"] = fill
    return shape


def _blocks(fig, col: int, side_r: int, side_c: int, fill: str, text=None, ticks_from: int = 0) -> None:
    """A side_r × side_c block of plain cells in one colour (with optional labels) as a heatmap."""
    z = np.zeros((side_r, side_c))
    fig.add_trace(go.Heatmap(z=z, colorscale=[[0, fill], [1, fill]], showscale=False, xgap=2, ygap=2, hoverinfo="skip",
                             text=text, texttemplate="%{text}" if text is not None else None,
                             textfont=dict(size=22, color="#222")), row=1, col=col)
    _axes(fig, col, side_r, side_c, ticks_from)


def _axes(fig, col: int, side_r: int, side_c: int, ticks_from: int = 0) -> None:
    xr, _ = _refs(fig, col)
    ticks = side_r <= 16
    fig.update_xaxes(row=1, col=col, showgrid=False, zeroline=False, side="top", constrain="domain", range=[-0.5, side_c - 0.5],
                     tickvals=list(range(side_c)) if ticks else None, ticktext=[str(q + ticks_from) for q in range(side_c)]
                     if ticks else None, showticklabels=ticks)
    fig.update_yaxes(row=1, col=col, showgrid=False, zeroline=False, autorange="reversed", scaleanchor=xr,
                     constrain="domain", tickvals=list(range(side_r)) if ticks else None,
                     ticktext=[str(q + ticks_from) for q in range(side_r)] if ticks else None, showticklabels=ticks)


def _layout(fig, rows: int, title: str, cell: int = CELL) -> go.Figure:
    fig.update_layout(font=FONT, showlegend=False, plot_bgcolor="white", title=dict(text=title, font=FONT),
                      height=int(min(470, max(250, 120 + cell * rows))), margin=dict(l=20, r=20, t=100, b=10))
    fig.update_xaxes(ticks="")
    fig.update_yaxes(ticks="")
    for ann in fig.layout.annotations:          # subplot titles, above the column numbers
        ann.font = dict(size=15)
        ann.yshift = 24
    return fig


def size_figure(n: int, ring: int, span: int, taps, out: int, *, transposed: bool, revealed: bool) -> go.Figure:
    """Input (n×n, `ring` padding cells around it), the kernel's `taps` (offsets from its top-left) and the output,
    out×out when `revealed`, else a "?"."""
    side = n + 2 * ring
    out_side = out if revealed else 1
    panels = [side] + ([span] if transposed else []) + [out_side]
    titles = [f"input {n}×{n}" + (f", padding {ring}" if ring else "")]
    if transposed:
        titles.append(f"kernel span {span}×{span}")
    titles.append(f"output {out}×{out}" if revealed else "output ?×?")
    fig = make_subplots(rows=1, cols=len(panels), column_widths=[max(p, 2) for p in panels], horizontal_spacing=0.06,
                        subplot_titles=titles)
    inside = np.full((side, side), "", dtype=object)
    fig.add_trace(go.Heatmap(z=np.pad(np.ones((n, n)), ring), colorscale=[[0, RING], [1, INPUT]], zmin=0, zmax=1,
                             showscale=False, xgap=2, ygap=2, hoverinfo="skip", text=inside), row=1, col=1)
    _axes(fig, 1, side, side, ticks_from=-ring)
    refs = _refs(fig, 1)
    shapes = []
    if ring:
        shapes.append(cell_rect(ring, ring, ring + n - 1, ring + n - 1, color="#333333", width=2, dash="dot", refs=refs))
    kernel_col = 2 if transposed else 1
    if transposed:
        _blocks(fig, 2, span, span, "white")
    kr = _refs(fig, kernel_col)
    shapes.append(cell_rect(0, 0, span - 1, span - 1, color=WINDOW, width=1, dash="dot", refs=kr))
    shapes.append(_cells_path(kr, taps, fill="rgba(228,0,124,0.35)"))
    if revealed:
        _blocks(fig, len(panels), out, out, "#fbb4d9")
    else:
        _blocks(fig, len(panels), 1, 1, HIDDEN, text=[["?"]])
        fig.update_xaxes(row=1, col=len(panels), showticklabels=False)
        fig.update_yaxes(row=1, col=len(panels), showticklabels=False)
    fig.update_layout(shapes=shapes)
    what = "transposed convolution: each input cell stamps the kernel onto the output" if transposed else \
        "the window (magenta taps) starts at the top-left of the padded input"
    return _layout(fig, max(panels), what)


def value_figure(x, w, out_rows: int, out_cols: int, padding: int, row: int, col: int, cells, answer, *,
                 flip: bool, revealed: bool) -> go.Figure:
    """Padded input and kernel with their numbers; the out_rows × out_cols output with cell (row, col) asked ("?").
    Revealed: the window's `cells` (padded coordinates) outlined on the input, `answer` in the cell."""
    x, w = np.asarray(x, float), np.asarray(w, float)
    xp = np.pad(x, padding)
    inside = np.zeros(xp.shape, bool)
    inside[padding:padding + x.shape[0], padding:padding + x.shape[1]] = True
    k = w.shape[0]
    fig = make_subplots(rows=1, cols=3, column_widths=[xp.shape[1], max(k, 2), max(out_cols, 2)], horizontal_spacing=0.06,
                        subplot_titles=["input x" + (f", padding {padding}" if padding else ""), "kernel w",
                                        "output y" if not revealed else f"y[{row}][{col}] = {short_number(answer)}"])
    zmax = max(1.0, float(np.abs(xp).max()), float(np.abs(w).max()))
    fig.add_trace(grid_trace(np.where(inside, xp, np.nan), show_text=True, zmax=zmax, name="x", text=number_text(xp)),
                  row=1, col=1)
    _axes(fig, 1, *xp.shape, ticks_from=-padding)
    fig.add_trace(grid_trace(w, show_text=True, zmax=zmax, name="w"), row=1, col=2)
    _axes(fig, 2, k, k)
    out = np.full((out_rows, out_cols), "", dtype=object)
    out[row, col] = short_number(answer) if revealed else "?"
    z = np.zeros((out_rows, out_cols))
    z[row, col] = 1
    fig.add_trace(go.Heatmap(z=z, colorscale=[[0, "#f4f4f4"], [1, "#fbb4d9" if revealed else HIDDEN]], zmin=0, zmax=1,
                             showscale=False, xgap=2, ygap=2, text=out, texttemplate="%{text}",
                             textfont=dict(size=20, color="#222"), hoverinfo="skip"), row=1, col=3)
    _axes(fig, 3, out_rows, out_cols)
    shapes = [cell_rect(row, col, row, col, color=WINDOW, width=4, refs=_refs(fig, 3))]
    if padding:
        shapes.append(cell_rect(padding, padding, padding + x.shape[0] - 1, padding + x.shape[1] - 1, color="#333333",
                                width=2, dash="dot", refs=_refs(fig, 1)))
    if revealed:
        shapes.append(_cells_path(_refs(fig, 1), cells, width=4))
    fig.update_layout(plot_bgcolor=RING, shapes=shapes)
    flipped = " (true convolution: flip w first)" if flip else ""
    return _layout(fig, max(xp.shape[0], out_rows),
                   ("the window's taps, outlined on the input" if revealed
                    else "which input cells does the window for the ? cell read?") + flipped, cell=44)
