"""The sliding-window animation: padded input, kernel and output, one frame per output cell.

All frames are built here and played by plotly.js in the browser (its own slider and Play
button), so scrubbing through positions needs no server round trip. Frames change only
layout shapes, the caption included (redraw=False keeps the heatmaps; see shared/streamlit-notes §4).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from convviz.arithmetic import unreached_positions
from convviz.conv import as_pair, cross_correlate2d, standardize
from convviz.figures.common import (FONT, MAX_CELLS_WITH_TEXT, FramedFigure, cell_rect, grid_trace, number_text,
                                    short_number)
from convviz.window import one_map_view, padded_input

WINDOW = "#e4007c"      # magenta: the window and the output cell it produces
UNREACHED = "rgba(255,165,0,0.45)"


def window_values(x, w, stride=1, padding=0, dilation=1) -> np.ndarray:
    """The inputs under the window, x_pad[c, i·s+a·d, j·s+b·d], for every output cell: (H', W', C, kh, kw)."""
    xs, ws, _, _ = standardize(x, w)
    (sh, sw), (ph, pw), (dh, dw) = as_pair(stride), as_pair(padding), as_pair(dilation)
    kh, kw = ws.shape[2:]
    ho = cross_correlate2d(xs, ws[0], stride=stride, padding=padding, dilation=dilation).shape
    rows = np.arange(ho[0])[:, None] * sh + np.arange(kh)[None] * dh     # (H', kh)
    cols = np.arange(ho[1])[:, None] * sw + np.arange(kw)[None] * dw     # (W', kw)
    xp = padded_input(xs, (ph, pw))                                       # (C, Hp, Wp)
    win = xp[:, rows[:, None, :, None], cols[None, :, None, :]]           # (C, H', W', kh, kw)
    return np.moveaxis(win, 0, 2)                                         # (H', W', C, kh, kw)


def step_caption(window: np.ndarray, kernel: np.ndarray, bias: float, i: int, j: int) -> str:
    """The sum for output (i, j), one line per kernel row ('4·1 + 3·2 + 2·0'), then bias and total.

    window and kernel are (C, kh, kw): the input cells under the window and the weights. With
    several channels or a big kernel, one line per channel with its sum instead.
    """
    products = window * kernel
    c, kh, kw = products.shape
    if c == 1 and kh * kw <= 25:
        lines = [" + ".join(f"{_signed(a)}·{_signed(b)}" for a, b in zip(window[0, r], kernel[0, r])) for r in range(kh)]
    else:
        lines = [f"channel {k}: Σ of {kh * kw} products = {short_number(products[k].sum())}" for k in range(c)]
    if bias:
        lines.append(f"bias {short_number(bias)}")
    return f"<b>y[{i}, {j}]</b> =<br>  " + "<br>+ ".join(lines) + f"<br>= <b>{short_number(products.sum() + bias)}</b>"


def _signed(v: float) -> str:
    """A factor in a product: negatives in brackets, so 2·(−1) does not read as 2·-1."""
    return f"({short_number(v)})" if v < 0 else short_number(v)


def _cells_path(xref, yref, cells, color=WINDOW, width=3):
    """One path shape outlining many single cells (the taps of a dilated window)."""
    path = " ".join(f"M{c - 0.5},{r - 0.5}H{c + 0.5}V{r + 0.5}H{c - 0.5}Z" for r, c in cells)
    return dict(type="path", xref=xref, yref=yref, path=path, line=dict(color=color, width=width), layer="above")


def sliding_window_figure(x, w, bias=0.0, stride=1, padding=0, dilation=1, flip=False, active=0) -> FramedFigure:
    """Padded input channels and output on the top row; under each channel its kernel and the
    products (window × kernel); under the output, the sum written out.

    x (H, W) or (C, H, W); w (kh, kw) or (C, kh, kw), one output map. `flip=True` shows true
    convolution: the kernel drawn is the flipped one, the kernel the window really multiplies by.
    `active` is the output cell (in reading order) shown first.
    """
    view = one_map_view(x, w, bias, stride, padding, dilation, flip)
    xs, kernel, y, b0 = view.x, view.kernel, view.y, view.bias            # (C, H, W), (C, kh, kw), (H', W')
    (sh, sw), (ph, pw), (dh, dw) = view.stride, view.padding, view.dilation
    c, h, wd = xs.shape
    kh, kw = kernel.shape[1:]
    windows = window_values(xs, kernel, stride, padding, dilation)        # (H', W', C, kh, kw)
    products = windows * kernel                                           # (H', W', C, kh, kw)
    ho, wo = y.shape
    xp = padded_input(xs, (ph, pw))
    hp, wp = xp.shape[1:]

    cols = c + 1
    flipped = " (flipped)" if flip else ""
    fig = make_subplots(
        rows=3, cols=cols, row_heights=[0.6, 0.2, 0.2], vertical_spacing=0.14, horizontal_spacing=0.04,
        subplot_titles=[f"input channel {k} (padded)" if c > 1 else "input (padded)" for k in range(c)] + ["output y"]
        + [f"kernel channel {k}{flipped}" if c > 1 else f"kernel{flipped}" for k in range(c)] + ["the sum"]
        + [f"products, channel {k}" if c > 1 else "products: window × kernel" for k in range(c)],
        specs=[[{}] * cols, [{}] * c + [{"rowspan": 2}], [{}] * c + [None]],
    )
    zmax = max(1.0, float(np.abs(xp).max()))
    # Values fit on the cells while a row of grids has at most ~36 cells across (18 for one channel).
    text_limit = 2 * MAX_CELLS_WITH_TEXT // cols
    show_text = max(hp, wp) <= text_limit
    inside = np.zeros((hp, wp), bool)
    inside[ph : ph + h, pw : pw + wd] = True
    i0, j0 = divmod(min(max(int(active), 0), y.size - 1), wo)
    product_traces = []
    for k in range(c):
        fig.add_trace(grid_trace(np.where(inside, xp[k], np.nan), show_text=show_text, zmax=zmax,
                                 name=f"x channel {k}", text=number_text(xp[k])), row=1, col=k + 1)
        fig.add_trace(grid_trace(kernel[k], name=f"kernel channel {k}"), row=2, col=k + 1)
        product_traces.append(len(fig.data))
        fig.add_trace(grid_trace(products[i0, j0, k], name=f"products channel {k}",
                                 zmax=max(1.0, float(np.abs(products).max()))), row=3, col=k + 1)
    fig.add_trace(grid_trace(y, name="output", show_text=max(y.shape) <= text_limit), row=1, col=cols)
    caption_trace = len(fig.data)
    fig.add_trace(go.Scatter(x=[0], y=[0], mode="text", text=[step_caption(windows[i0, j0], kernel, b0, i0, j0)],
                             textposition="bottom right", cliponaxis=False, textfont=dict(size=16, color="#222"),
                             hoverinfo="skip"), row=2, col=cols)
    fig.update_xaxes(row=2, col=cols, visible=False, range=[0, 1])
    fig.update_yaxes(row=2, col=cols, visible=False, range=[-1, 0.02])

    refs = {}
    grids = [(1, k + 1) for k in range(cols)] + [(r, k + 1) for r in (2, 3) for k in range(c)]
    for r, cc in grids:
        sp = fig.get_subplot(r, cc)
        refs[r, cc] = (sp.xaxis.plotly_name.replace("axis", ""), sp.yaxis.plotly_name.replace("axis", ""))
        small = r > 1 or max(hp, wp) <= text_limit
        fig.update_xaxes(row=r, col=cc, showgrid=False, zeroline=False, showticklabels=r == 1, constrain="domain",
                         dtick=1 if small else None)
        fig.update_yaxes(row=r, col=cc, autorange="reversed", showgrid=False, zeroline=False,
                         scaleanchor=refs[r, cc][0], constrain="domain", dtick=1 if small else None)
    # Input axes count real input rows/columns from 0; padding gets -1, -2, … and H, H+1, …
    step_h, step_w = (1, 1) if max(hp, wp) <= text_limit else (max(1, hp // 6), max(1, wp // 6))
    for k in range(c):
        fig.update_xaxes(row=1, col=k + 1, tickvals=list(range(0, wp, step_w)),
                         ticktext=[str(q - pw) for q in range(0, wp, step_w)])
        fig.update_yaxes(row=1, col=k + 1, tickvals=list(range(0, hp, step_h)),
                         ticktext=[str(q - ph) for q in range(0, hp, step_h)])
    for ann in fig.layout.annotations:      # subplot titles
        ann.font = dict(size=14)

    # Static shapes, repeated in every frame: unreached rows/columns, the real input's outline.
    static = []
    bad_rows = unreached_positions(h, kh, sh, ph, dh)
    bad_cols = unreached_positions(wd, kw, sw, pw, dw)
    for k in range(c):
        xr, yr = refs[1, k + 1]
        static += [cell_rect(r, 0, r, wp - 1, color=UNREACHED, width=0, fill=UNREACHED, refs=(xr, yr)) for r in bad_rows]
        static += [cell_rect(0, q, hp - 1, q, color=UNREACHED, width=0, fill=UNREACHED, refs=(xr, yr)) for q in bad_cols]
        if ph or pw:
            static.append(cell_rect(ph, pw, ph + h - 1, pw + wd - 1, color="#333333", width=2, dash="dot", refs=(xr, yr)))

    def shapes_for(i, j):
        out = list(static)
        r0, c0 = i * sh, j * sw
        for k in range(c):
            xr, yr = refs[1, k + 1]
            if dh == 1 and dw == 1:
                out.append(cell_rect(r0, c0, r0 + kh - 1, c0 + kw - 1, color=WINDOW, width=4, refs=(xr, yr)))
            else:   # dilated: a thin box around the span and an outline on each tap
                out.append(cell_rect(r0, c0, r0 + (kh - 1) * dh, c0 + (kw - 1) * dw, color=WINDOW, width=1, dash="dot",
                                          refs=(xr, yr)))
                out.append(_cells_path(xr, yr, [(r0 + a * dh, c0 + b * dw) for a in range(kh) for b in range(kw)]))
        xr, yr = refs[1, cols]
        out.append(cell_rect(i, j, i, j, color=WINDOW, width=4, refs=(xr, yr)))
        return out

    # One frame per output cell. Frames carry the products grids and the sum, so they are drawn
    # with redraw=True (plotly.js drops heatmaps when a frame with data is drawn without redraw).
    go_to = dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0))
    frames, steps = [], []
    for i in range(ho):
        for j in range(wo):
            name = f"{i},{j}"
            data = [dict(type="heatmap", z=products[i, j, k].tolist(), text=number_text(products[i, j, k]).tolist())
                    for k in range(c)]
            data.append(dict(type="scatter", text=[step_caption(windows[i, j], kernel, b0, i, j)]))
            frames.append(dict(name=name, data=data, traces=product_traces + [caption_trace],
                               layout=dict(shapes=shapes_for(i, j))))
            steps.append(dict(label=f"({i},{j})", method="animate", args=[[name], go_to]))
    # No play button in the figure: the page's Play (server side) moves the step and the link.
    cell = 44 if max(hp, wp) <= 8 else 30 if max(hp, wp) <= 14 else 16 if max(hp, wp) <= 24 else 11
    fig.update_layout(
        font=FONT, showlegend=False, plot_bgcolor="#eeeeee",
        height=int(max(560, min(1000, 200 + cell * hp / 0.6))),
        margin=dict(l=20, r=20, t=40, b=110),
        shapes=shapes_for(i0, j0),
        sliders=[dict(active=i0 * wo + j0, steps=steps, x=0.0, len=1.0, y=-0.03, yanchor="top",
                      currentvalue=dict(prefix="output cell (row, col): ", font=dict(size=15, color="#222")),
                      # beyond 16 positions the step labels would overlap: hide them, keep the current value
                      font=dict(color="#666" if len(steps) <= 16 else "rgba(0,0,0,0)"), pad=dict(t=10))],
    )
    # The frames are plain dicts built here; plotly's per-object validation of hundreds of
    # frames costs seconds, so they join the figure unvalidated (see FramedFigure).
    return FramedFigure(fig, raw_frames=frames)
