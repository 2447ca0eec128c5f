"""The sliding-window animation: padded input, kernel and output, one frame per output cell.

All frames are built here and played by plotly.js in the browser (its own slider and Play
button), so scrubbing through positions needs no server round trip. Frames change only
layout shapes and the title (redraw=False keeps the heatmaps; see shared/streamlit-notes §4).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from convviz.arithmetic import unreached_positions
from convviz.conv import as_pair, cross_correlate2d, flip_kernel, standardize
from convviz.figures import FONT, FramedFigure, MAX_CELLS_WITH_TEXT, grid_trace, number_text
from convviz.window import _num, padded_input

WINDOW = "#e4007c"      # magenta: the window and the output cell it produces
UNREACHED = "rgba(255,165,0,0.45)"
PAD_TEXT = "#777777"


def window_products(x, w, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Products x_pad[c, i·s+a·d, j·s+b·d] · w[c, a, b] for every output cell: (H', W', C, kh, kw)."""
    xs, ws, _, _ = standardize(x, w)
    (sh, sw), (ph, pw), (dh, dw) = as_pair(stride), as_pair(padding), as_pair(dilation)
    kh, kw = ws.shape[2:]
    ho = cross_correlate2d(xs, ws[0], stride=stride, padding=padding, dilation=dilation).shape
    rows = np.arange(ho[0])[:, None] * sh + np.arange(kh)[None] * dh     # (H', kh)
    cols = np.arange(ho[1])[:, None] * sw + np.arange(kw)[None] * dw     # (W', kw)
    xp = padded_input(xs, (ph, pw))                                       # (C, Hp, Wp)
    win = xp[:, rows[:, None, :, None], cols[None, :, None, :]]           # (C, H', W', kh, kw)
    return np.moveaxis(win, 0, 2) * ws[0][None, None]                     # (H', W', C, kh, kw)


def step_caption(products: np.ndarray, bias: float, i: int, j: int, max_terms: int = 9) -> str:
    """'y[0, 1] = 2·1 + 0·3 + … + 2 = 5', or per-channel sums when there are many terms."""
    total = products.sum() + bias
    c = products.shape[0]
    if products.size <= max_terms:
        terms = [_num(p) for p in products.ravel()]
    else:
        terms = [f"Σch{k} {_num(products[k].sum())}" for k in range(c)] if c > 1 else [f"Σ of {products.size} products {_num(products.sum())}"]
    if bias:
        terms.append(f"bias {_num(bias)}")
    return f"y[{i}, {j}] = " + " + ".join(terms) + f" = {_num(total)}"


def _rect(xref, yref, r0, c0, r1, c1, color=WINDOW, width=4, fill=None, dash=None):
    shape = dict(type="rect", xref=xref, yref=yref, x0=c0 - 0.5, x1=c1 + 0.5, y0=r0 - 0.5, y1=r1 + 0.5,
                 line=dict(color=color, width=width), layer="above")
    if fill:
        shape["fillcolor"] = fill
    if dash:
        shape["line"]["dash"] = dash
    return shape


def _cells_path(xref, yref, cells, color=WINDOW, width=3):
    """One path shape outlining many single cells (the taps of a dilated window)."""
    path = " ".join(f"M{c - 0.5},{r - 0.5}H{c + 0.5}V{r + 0.5}H{c - 0.5}Z" for r, c in cells)
    return dict(type="path", xref=xref, yref=yref, path=path, line=dict(color=color, width=width), layer="above")


def sliding_window_figure(x, w, bias=0.0, stride=1, padding=0, dilation=1, flip=False, active=0) -> FramedFigure:
    """Padded input channels and output on the top row, the kernel under each channel.

    x (H, W) or (C, H, W); w (kh, kw) or (C, kh, kw), one output map. `flip=True` shows true
    convolution: the kernel drawn is the flipped one, the kernel the window really multiplies by.
    `active` is the output cell (in reading order) shown first.
    """
    xs, ws, bs, _ = standardize(x, w, bias)
    kernel = flip_kernel(ws[0]) if flip else ws[0]                        # (C, kh, kw)
    (sh, sw), (ph, pw), (dh, dw) = as_pair(stride), as_pair(padding), as_pair(dilation)
    c, h, wd = xs.shape
    kh, kw = kernel.shape[1:]
    y = cross_correlate2d(xs, kernel, bias=bs[0], stride=stride, padding=padding, dilation=dilation)
    products = window_products(xs, kernel, stride, padding, dilation)     # (H', W', C, kh, kw)
    ho, wo = y.shape
    xp = padded_input(xs, (ph, pw))
    hp, wp = xp.shape[1:]

    cols = c + 1
    fig = make_subplots(
        rows=2, cols=cols, row_heights=[0.72, 0.28], vertical_spacing=0.1, horizontal_spacing=0.04,
        subplot_titles=[f"input channel {k} (padded)" if c > 1 else "input (padded)" for k in range(c)] + ["output y"]
        + [f"kernel channel {k}" + (" (flipped)" if flip else "") for k in range(c)] + [""],
        specs=[[{}] * cols, [{}] * c + [None]],
    )
    zmax = max(1.0, float(np.abs(xp).max()))
    show_text = max(hp, wp) <= MAX_CELLS_WITH_TEXT
    inside = np.zeros((hp, wp), bool)
    inside[ph : ph + h, pw : pw + wd] = True
    for k in range(c):
        text = number_text(xp[k])
        fig.add_trace(grid_trace(np.where(inside, xp[k], np.nan), show_text=show_text, zmax=zmax,
                                 name=f"x channel {k}", text=text), row=1, col=k + 1)
        fig.add_trace(grid_trace(kernel[k], name=f"kernel channel {k}"), row=2, col=k + 1)
    fig.add_trace(grid_trace(y, name="output"), row=1, col=cols)

    refs = {}
    for r, cc in [(1, k + 1) for k in range(cols)] + [(2, k + 1) for k in range(c)]:
        sp = fig.get_subplot(r, cc)
        refs[r, cc] = (sp.xaxis.plotly_name.replace("axis", ""), sp.yaxis.plotly_name.replace("axis", ""))
        fig.update_xaxes(row=r, col=cc, showgrid=False, zeroline=False, side="bottom",
                         dtick=1 if max(hp, wp) <= MAX_CELLS_WITH_TEXT else None)
        fig.update_yaxes(row=r, col=cc, autorange="reversed", showgrid=False, zeroline=False,
                         scaleanchor=refs[r, cc][0], constrain="domain",
                         dtick=1 if max(hp, wp) <= MAX_CELLS_WITH_TEXT else None)

    # Static shapes, repeated in every frame: unreached rows/columns of the padded input.
    static = []
    bad_rows = unreached_positions(h, kh, sh, ph, dh)
    bad_cols = unreached_positions(wd, kw, sw, pw, dw)
    for k in range(c):
        xr, yr = refs[1, k + 1]
        static += [_rect(xr, yr, r, 0, r, wp - 1, color=UNREACHED, width=0, fill=UNREACHED) for r in bad_rows]
        static += [_rect(xr, yr, 0, q, hp - 1, q, color=UNREACHED, width=0, fill=UNREACHED) for q in bad_cols]
        if ph or pw:   # outline of the real input inside the padding
            static.append(_rect(xr, yr, ph, pw, ph + h - 1, pw + wd - 1, color="#333333", width=2, dash="dot"))

    def shapes_for(i, j):
        out = list(static)
        for k in range(c):
            xr, yr = refs[1, k + 1]
            r0, c0 = i * sh, j * sw
            if dh == 1 and dw == 1:
                out.append(_rect(xr, yr, r0, c0, r0 + kh - 1, c0 + kw - 1))
            else:   # dilated: one outline per tap, and a thin box around the span
                out.append(_rect(xr, yr, r0, c0, r0 + (kh - 1) * dh, c0 + (kw - 1) * dw, width=1, dash="dot"))
                out.append(_cells_path(xr, yr, [(r0 + a * dh, c0 + b * dw) for a in range(kh) for b in range(kw)]))
        xr, yr = refs[1, cols]
        out.append(_rect(xr, yr, i, j, i, j))
        return out

    positions = [(i, j) for i in range(ho) for j in range(wo)]
    active = min(max(int(active), 0), len(positions) - 1)
    frames, steps = [], []
    for n, (i, j) in enumerate(positions):
        caption = step_caption(products[i, j], bs[0], i, j)
        name = f"{i},{j}"
        frames.append(dict(name=name, layout=dict(shapes=shapes_for(i, j), title=dict(text=caption))))
        steps.append(dict(label=f"({i},{j})", method="animate",
                          args=[[name], dict(mode="immediate", frame=dict(duration=0, redraw=False), transition=dict(duration=0))]))
    i0, j0 = positions[active]
    play = dict(method="animate", args=[None, dict(mode="immediate", fromcurrent=True,
                                                   frame=dict(duration=600, redraw=False), transition=dict(duration=0))])
    pause = dict(method="animate", args=[[None], dict(mode="immediate", frame=dict(duration=0, redraw=False))])
    cell = 44 if max(hp, wp) <= 8 else 30 if max(hp, wp) <= 14 else 16 if max(hp, wp) <= 24 else 11
    for ann in fig.layout.annotations:      # subplot titles a little smaller than the caption
        ann.font = dict(size=14)
    fig.update_layout(
        title=dict(text=frames[active]["layout"]["title"]["text"], font=dict(size=18), x=0.01),
        font=FONT, showlegend=False, plot_bgcolor="#eeeeee",
        height=int(max(420, min(900, 170 + cell * hp / 0.72))),
        margin=dict(l=20, r=20, t=90, b=40),
        sliders=[dict(active=active, steps=steps, x=0.08, len=0.9, y=-0.02, yanchor="top",
                      currentvalue=dict(prefix="output cell (row, col): ", font=dict(size=15)), pad=dict(t=10))],
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=-0.02, xanchor="left", yanchor="top",
                          pad=dict(t=10), showactive=False,
                          buttons=[dict(label="▶", **play), dict(label="❚❚", **pause)])],
    )
    # The frames and the shapes are plain dicts built here; plotly's per-object validation of
    # hundreds of frames costs seconds, so the finished figure skips it.
    fig.update_layout(shapes=shapes_for(i0, j0))
    return FramedFigure(fig, raw_frames=frames)
