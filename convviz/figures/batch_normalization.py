"""The batch-norm lesson's figures (note 002, "Batch Normalization"); its data is in
convviz/lessons/batch_normalization.py, its torch twins in convviz/torch_ref/batchnorm.py.

Figures: the tensor drawn as N rows × C columns of H×W blocks, row 0 at the top (as
convviz.figures.common), with the cells that share one set of statistics highlighted, for batch, layer,
instance and group norm; histograms before and after; running statistics over steps; loss curves.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from convviz.figures.common import FONT, grid_trace, style_grid_axes, tile_blocks

CHANNEL_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759")
HIGHLIGHT = "#f28e2b"
OTHER = "#e8e8e8"
NORMS = {  # kind: (title, what one set of statistics covers)
    "batch": ("Batch norm", "one channel, over N, H, W"),
    "layer": ("Layer norm", "one sample, over C, H, W"),
    "instance": ("Instance norm", "one sample and channel, over H, W"),
    "group": ("Group norm", "one sample, C/G channels, over H, W"),
}


def norm_mask(kind: str, shape: tuple, sample: int, channel: int, groups: int = 1) -> np.ndarray:
    """Boolean (N, C, H, W): the cells averaged together with x[sample, channel] by this norm."""
    n, c, h, w = shape
    mask = np.zeros(shape, dtype=bool)
    if kind == "batch":
        mask[:, channel] = True
    elif kind == "layer":
        mask[sample] = True
    elif kind == "instance":
        mask[sample, channel] = True
    elif kind == "group":
        if groups < 1 or c % groups:
            raise ValueError(f"The number of groups G must divide C = {c}, got G = {groups}.")
        size = c // groups
        first = (channel // size) * size
        mask[sample, first:first + size] = True
    else:
        raise ValueError(f"Unknown norm {kind!r}; choose one of {', '.join(NORMS)}.")
    return mask


def _tensor_trace(x: np.ndarray, mask: np.ndarray, show_text: bool, text_size: int = 11) -> go.Heatmap:
    z = tile_blocks(mask.astype(np.float64))       # sample n a row of blocks, channel c a column
    text = np.where(np.isnan(z), "", np.vectorize(lambda v: f"{v:.3g}")(tile_blocks(x))) if show_text else None
    return go.Heatmap(z=z, text=text, texttemplate="%{text}" if show_text else None, textfont=dict(size=text_size),
                      colorscale=[[0, OTHER], [1, HIGHLIGHT]], zmin=0, zmax=1, showscale=False, xgap=1, ygap=1,
                      hoverinfo="skip")


def _label_blocks(fig, shape, row=None, col=None, font_size=13):
    """Ticks 'c = j' over each channel's column of blocks and 'n = i' beside each sample's row."""
    n, c, h, w = shape
    kw = {} if row is None else dict(row=row, col=col)
    fig.update_xaxes(tickvals=[j * (w + 1) + (w - 1) / 2 for j in range(c)], ticktext=[f"c = {j}" for j in range(c)],
                     side="top", showgrid=False, zeroline=False, tickfont=dict(size=font_size), **kw)
    fig.update_yaxes(tickvals=[i * (h + 1) + (h - 1) / 2 for i in range(n)], ticktext=[f"n = {i}" for i in range(n)],
                     autorange="reversed", showgrid=False, zeroline=False, tickfont=dict(size=font_size), **kw)


def tensor_figure(x: np.ndarray, channel: int) -> go.Figure:
    """The batch x (N, C, H, W) with the m = N·H·W cells of one channel's mean highlighted."""
    n, c, h, w = x.shape
    z_rows, z_cols = n * (h + 1) - 1, c * (w + 1) - 1
    show_text = max(h, w) <= 6 and z_rows <= 40 and z_cols <= 30
    cell = 34 if z_rows <= 20 else 24 if z_rows <= 30 else 16
    fig = go.Figure(_tensor_trace(x, norm_mask("batch", x.shape, 0, channel), show_text,
                                  text_size=14 if cell >= 34 else 11))     # readable on a laptop's 34-px cells
    _label_blocks(fig, x.shape, font_size=15)
    fig.update_yaxes(scaleanchor="x", constrain="domain")
    fig.update_xaxes(constrain="domain")
    fig.update_layout(font=FONT, height=min(900, 90 + cell * z_rows), margin=dict(l=60, r=10, t=40, b=10),
                      plot_bgcolor="white")
    return fig


def norm_contrast_figure(shape: tuple, channel: int, groups: int) -> go.Figure:
    """Four small copies of the tensor: which cells share statistics with x[0, channel] in batch,
    layer, instance and group norm."""
    n, c, h, w = shape
    titles = [f"<b>{title}</b>" + (f" (G = {groups})" if kind == "group" else "") + f"<br>{what}"
              for kind, (title, what) in NORMS.items()]
    fig = make_subplots(rows=1, cols=4, subplot_titles=titles, horizontal_spacing=0.05)
    dummy = np.zeros(shape)
    for k, kind in enumerate(NORMS, start=1):
        fig.add_trace(_tensor_trace(dummy, norm_mask(kind, shape, 0, channel, groups), False), row=1, col=k)
        _label_blocks(fig, shape, row=1, col=k, font_size=10)
        sp = fig.get_subplot(1, k)
        fig.update_yaxes(row=1, col=k, scaleanchor=sp.xaxis.plotly_name.replace("axis", ""), constrain="domain")
        fig.update_xaxes(row=1, col=k, constrain="domain")
    for ann in fig.layout.annotations:
        ann.font = dict(size=13)
        ann.yshift = 28
    rows = n * (h + 1) - 1
    fig.update_layout(font=FONT, height=min(520, 170 + 9 * rows), margin=dict(l=40, r=10, t=100, b=10),
                      plot_bgcolor="white")
    return fig


def histogram_figure(x: np.ndarray, y: np.ndarray, gamma: float, beta: float, eps: float = 1e-5,
                     bins: int = 16) -> go.Figure:
    """Per-channel histograms of x (top row) and of BN's output y (bottom row).

    Each row shares one x axis, so channels sit where their values are. The bottom row's bins are
    the top row's bins carried through the same per-channel affine map, so the bar heights are the
    same (mirrored when γ < 0): BN moves and stretches a histogram, it does not reshape it.
    """
    c = x.shape[1]
    fig = make_subplots(rows=2, cols=c, vertical_spacing=0.2, horizontal_spacing=0.04, shared_xaxes="rows",
                        subplot_titles=[f"before: channel {j}" for j in range(c)]
                        + [f"after (γ = {gamma:g}, β = {beta:g}): channel {j}" for j in range(c)])
    for j in range(c):
        xs, ys = x[:, j].ravel(), y[:, j].ravel()
        scale = gamma / np.sqrt(xs.var() + eps)                             # y = scale · x + shift
        shift = beta - scale * xs.mean()
        width = max(float(np.ptp(xs)), 1e-3) / bins
        start = float(xs.min()) - width / 2                                 # bins + 1 bins cover the data
        after = (dict(start=min(scale * start, scale * (start + width * (bins + 1))) + shift,
                      end=max(scale * start, scale * (start + width * (bins + 1))) + shift, size=abs(scale) * width)
                 if abs(scale) * width > 1e-12 else None)                   # γ = 0: one bar at β
        for r, values, xbins in ((1, xs, dict(start=start, end=start + width * (bins + 1), size=width)), (2, ys, after)):
            fig.add_trace(go.Histogram(x=values, xbins=xbins, marker_color=CHANNEL_COLOURS[j], showlegend=False,
                                       hovertemplate="%{x}: %{y} values<extra></extra>"), row=r, col=j + 1)
            fig.add_vline(x=float(values.mean()), line=dict(color="black", dash="dash", width=1.5), row=r, col=j + 1)
    fig.update_yaxes(title_text="count", row=1, col=1)
    fig.update_yaxes(title_text="count", row=2, col=1)
    for ann in fig.layout.annotations:
        ann.font = dict(size=13)
    fig.update_layout(font=FONT, height=460, margin=dict(l=50, r=10, t=40, b=30), bargap=0.05)
    return fig


def running_figure(history: dict, channel: int, true_mean: float, true_var: float, momentum: float) -> go.Figure:
    """One channel's batch mean / variance per step (dots) and the running estimates (line)."""
    steps = len(history["batch_mean"])
    m = history["m"]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.08,
                        subplot_titles=[f"mean of channel {channel} (population {true_mean:g})",
                                        f"variance of channel {channel} (population {true_var:g})"])
    t = np.arange(1, steps + 1)
    colour = CHANNEL_COLOURS[channel]
    series = [(1, history["batch_mean"][:, channel], "batch mean μ_B", history["running_mean"][:, channel], true_mean),
              (2, history["batch_var"][:, channel] * m / (m - 1), "batch variance × m/(m−1)",
               history["running_var"][:, channel], true_var)]
    for col, batch, batch_name, running, truth in series:
        fig.add_trace(go.Scatter(x=t, y=batch, mode="markers", name=batch_name, marker=dict(color=colour, size=6,
                                 opacity=0.55), legendgroup=str(col)), row=1, col=col)
        fig.add_trace(go.Scatter(x=np.arange(0, steps + 1), y=running, mode="lines+markers", marker=dict(size=4),
                                 name=f"running estimate (momentum {momentum:g})", line=dict(color="black", width=2.5),
                                 legendgroup=str(col), showlegend=col == 1), row=1, col=col)
        fig.add_trace(go.Scatter(x=[0, steps], y=[truth, truth], mode="lines", line=dict(color="#777777", dash="dash"),
                                 name="population value", showlegend=col == 1, hoverinfo="skip"), row=1, col=col)
    fig.update_xaxes(title_text="training step (0 = torch's start: mean 0, var 1)")
    fig.update_layout(font=FONT, height=380, margin=dict(l=40, r=10, t=40, b=40),
                      legend=dict(orientation="h", y=-0.25, x=0))
    return fig


def fold_grids_figure(kernels: np.ndarray, title: str, bias: np.ndarray) -> go.Figure:
    """Kernels (Cout, Cin, kh, kw) as a Cout × Cin grid of small grids, each row with its bias."""
    c_out, c_in = kernels.shape[:2]
    fig = make_subplots(rows=c_out, cols=c_in, horizontal_spacing=0.08, vertical_spacing=0.16,
                        subplot_titles=[f"w[{o}, {i}]" for o in range(c_out) for i in range(c_in)])
    zmax = float(np.abs(kernels).max()) or 1.0
    for o in range(c_out):
        for i in range(c_in):
            fig.add_trace(grid_trace(kernels[o, i], zmax=zmax), row=o + 1, col=i + 1)
            style_grid_axes(fig, row=o + 1, col=i + 1)
            sp = fig.get_subplot(o + 1, i + 1)
            fig.update_yaxes(row=o + 1, col=i + 1, scaleanchor=sp.xaxis.plotly_name.replace("axis", ""),
                             constrain="domain", showticklabels=False)
            fig.update_xaxes(row=o + 1, col=i + 1, constrain="domain", showticklabels=False)
    for ann in fig.layout.annotations:
        ann.font = dict(size=13)
    bias_text = ", ".join(f"{v + 0.0:.3g}" for v in np.round(bias, 4))
    fig.update_layout(title=dict(text=f"{title}: bias = [{bias_text}]", font=FONT), font=FONT, height=120 + 150 * c_out,
                      margin=dict(l=10, r=10, t=70, b=10), plot_bgcolor="#d9d9d9")
    return fig


def loss_figure(runs, lrs: tuple[float, float]) -> go.Figure:
    """Training loss per step: one panel per learning rate, with and without BN in each."""
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.05,
                        subplot_titles=[f"learning rate {lr:g}" for lr in lrs])
    for run in runs:
        col = 1 + lrs.index(run.lr)
        losses = np.array(run.losses)
        smooth = np.convolve(losses, np.ones(10) / 10, mode="valid") if len(losses) >= 10 else losses
        colour = CHANNEL_COLOURS[0] if run.batch_norm else CHANNEL_COLOURS[3]
        name = "with BN" if run.batch_norm else "without BN"
        fig.add_trace(go.Scatter(y=losses, mode="lines", line=dict(color=colour, width=1), opacity=0.3,
                                 showlegend=False, legendgroup=name, hoverinfo="skip"), row=1, col=col)
        fig.add_trace(go.Scatter(x=np.arange(len(smooth)) + (len(losses) - len(smooth)), y=smooth, mode="lines",
                                 line=dict(color=colour, width=2.5), name=name + (" (diverged)" if run.diverged else ""),
                                 legendgroup=name, showlegend=col == 1), row=1, col=col)
    fig.add_hline(y=float(np.log(4)), line=dict(color="#777777", dash="dot"),
                  annotation_text="ln 4: guessing", annotation_position="top right")
    fig.update_xaxes(title_text="training step")
    fig.update_yaxes(title_text="cross-entropy loss", row=1, col=1, rangemode="tozero")
    fig.update_layout(font=FONT, height=400, margin=dict(l=50, r=10, t=40, b=40),
                      legend=dict(orientation="h", y=1.12, x=0.5, xanchor="center"))
    return fig
