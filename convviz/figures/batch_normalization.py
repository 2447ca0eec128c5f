"""The batch-norm lesson's data and figures (note 002, "Batch Normalization").

Data: a seeded N×C×H×W batch whose channels have different means and spreads (so that
normalising each channel visibly does something), a stream of such batches for the running
statistics, a small conv for folding, and the same numbers from torch.nn.BatchNorm2d in float64.
Figures: the tensor drawn as N rows × C columns of H×W blocks, row 0 at the top (as
convviz.figures.common), with the cells that share one set of statistics highlighted, for batch, layer,
instance and group norm; histograms before and after; running statistics over steps; loss curves.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from convviz.batchnorm import batch_norm_eval, batch_norm_train, fold_into_conv, update_running_stats
from convviz.conv import cross_correlate2d
from convviz.figures.common import FONT, grid_trace, style_grid_axes, tile_blocks

# Each channel's population: mean and standard deviation (channel c uses row c).
CHANNEL_MEANS = (3.0, -2.0, 0.5, 6.0)
CHANNEL_STDS = (2.0, 0.5, 1.0, 3.0)
MAX_CHANNELS = len(CHANNEL_MEANS)
CHANNEL_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759")
HIGHLIGHT = "#f28e2b"
OTHER = "#e8e8e8"
NORMS = {  # kind: (title, what one set of statistics covers)
    "batch": ("Batch norm", "one channel, over N, H, W"),
    "layer": ("Layer norm", "one sample, over C, H, W"),
    "instance": ("Instance norm", "one sample and channel, over H, W"),
    "group": ("Group norm", "one sample, C/G channels, over H, W"),
}


# --- Lesson data ------------------------------------------------------------------------------

def lesson_batch(n: int, c: int, h: int, w: int, seed: int) -> np.ndarray:
    """x (N, C, H, W): channel c drawn from N(CHANNEL_MEANS[c], CHANNEL_STDS[c]²), one decimal."""
    if not 1 <= c <= MAX_CHANNELS:
        raise ValueError(f"C must be 1–{MAX_CHANNELS}, got {c}.")
    rng = np.random.default_rng(seed)
    mean = np.array(CHANNEL_MEANS[:c])[None, :, None, None]
    std = np.array(CHANNEL_STDS[:c])[None, :, None, None]
    return np.round(rng.normal(mean, std, (n, c, h, w)), 1)                 # (N, C, H, W)


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


def running_history(n: int, c: int, h: int, w: int, seed: int, steps: int, momentum: float,
                    gamma: float = 1.0, beta: float = 0.0, eps: float = 1e-5) -> dict:
    """Train-mode BN over `steps` batches (batch k = lesson_batch(..., seed + k)), from torch's
    initial running_mean 0 and running_var 1.

    Returns batch means and biased variances (steps, C), the running estimates after each step
    (steps + 1, C; row 0 is the start), and the first batch's outputs in train and in eval mode
    (eval with the final running estimates).
    """
    m = n * h * w
    rm, rv = np.zeros(c), np.ones(c)
    means, variances, run_means, run_vars = [], [], [rm], [rv]
    for k in range(steps):
        _, mean, var = batch_norm_train(lesson_batch(n, c, h, w, seed + k), gamma, beta, eps)
        rm, rv = update_running_stats(rm, rv, mean, var, m, momentum)
        means.append(mean), variances.append(var), run_means.append(rm), run_vars.append(rv)
    x = lesson_batch(n, c, h, w, seed)
    y_train, _, _ = batch_norm_train(x, gamma, beta, eps)
    return dict(m=m, batch_mean=np.array(means), batch_var=np.array(variances),
                running_mean=np.array(run_means), running_var=np.array(run_vars),
                y_train=y_train, y_eval=batch_norm_eval(x, gamma, beta, rm, rv, eps))


def torch_history(n: int, c: int, h: int, w: int, seed: int, steps: int, momentum: float,
                  gamma: float = 1.0, beta: float = 0.0, eps: float = 1e-5) -> dict:
    """The same as running_history, computed by torch.nn.BatchNorm2d in float64."""
    bn = torch.nn.BatchNorm2d(c, eps=eps, momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        bn.weight.fill_(gamma)
        bn.bias.fill_(beta)
        bn.train()
        for k in range(steps):
            bn(torch.from_numpy(lesson_batch(n, c, h, w, seed + k)))
        x = torch.from_numpy(lesson_batch(n, c, h, w, seed))
        y_train = torch.nn.functional.batch_norm(x, None, None, bn.weight, bn.bias, training=True, eps=eps)
        bn.eval()
        y_eval = bn(x)
    return dict(running_mean=bn.running_mean.numpy(), running_var=bn.running_var.numpy(),
                y_train=y_train.numpy(), y_eval=y_eval.numpy())


def fold_example(seed: int, gamma: float = 1.0, beta: float = 0.0, eps: float = 1e-5) -> dict:
    """A conv (2 out, 2 in, 3×3, bias) followed by eval-mode BN, and the one conv it folds into.

    BN's gamma and beta are the page's values plus a small per-channel offset, so the two
    output channels scale differently; running statistics are made up (as after training).
    """
    rng = np.random.default_rng(seed + 1)
    x = np.round(rng.normal(0, 1, (2, 5, 5)), 1)                            # (Cin, H, W)
    w = np.round(rng.normal(0, 0.5, (2, 2, 3, 3)), 1)                       # (Cout, Cin, kh, kw)
    b = np.round(rng.normal(0, 0.5, 2), 1)                                  # (Cout,)
    g = np.round(gamma + np.array([0.0, 0.5]), 2)
    be = np.round(beta + np.array([0.0, -0.5]), 2)
    rm, rv = np.round(rng.normal(0, 1, 2), 2), np.round(rng.uniform(0.25, 4.0, 2), 2)
    w_f, b_f = fold_into_conv(w, b, g, be, rm, rv, eps)
    conv_then_bn = batch_norm_eval(cross_correlate2d(x, w, b, padding=1)[None], g, be, rm, rv, eps)[0]
    folded = cross_correlate2d(x, w_f, b_f, padding=1)                      # (Cout, H, W)
    conv = torch.nn.Conv2d(2, 2, 3, padding=1, dtype=torch.float64)
    bn = torch.nn.BatchNorm2d(2, eps=eps, dtype=torch.float64).eval()
    with torch.no_grad():
        for param, value in [(conv.weight, w), (conv.bias, b), (bn.weight, g), (bn.bias, be),
                             (bn.running_mean, rm), (bn.running_var, rv)]:
            param.copy_(torch.from_numpy(value))
        torch_out = bn(conv(torch.from_numpy(x)[None]))[0].numpy()
    return dict(x=x, w=w, b=b, gamma=g, beta=be, running_mean=rm, running_var=rv, eps=eps,
                scale=g / np.sqrt(rv + eps), w_folded=w_f, b_folded=b_f,
                conv_then_bn=conv_then_bn, folded=folded, torch=torch_out)


def torch_snippet(n: int, c: int, h: int, w: int, seed: int, steps: int, momentum: float,
                  gamma: float = 1.0, beta: float = 0.0) -> str:
    """Standalone torch code that redraws the stream of batches and prints the running statistics
    (the page shows it; tests/pages/test_batchnorm_page.py runs it and compares with the page)."""
    return f"""import numpy as np
import torch

N, C, H, W, SEED = {n}, {c}, {h}, {w}, {seed}
means = np.array({list(CHANNEL_MEANS[:c])})[None, :, None, None]   # (1, C, 1, 1)
stds = np.array({list(CHANNEL_STDS[:c])})[None, :, None, None]

def batch(k):  # training step k's batch, one decimal
    rng = np.random.default_rng(SEED + k)
    return torch.from_numpy(np.round(rng.normal(means, stds, (N, C, H, W)), 1))   # (N, C, H, W)

bn = torch.nn.BatchNorm2d(C, eps=1e-5, momentum={momentum:g}, dtype=torch.float64)   # torch: new batch weighs momentum
with torch.no_grad():
    bn.weight.fill_({gamma:g})   # gamma
    bn.bias.fill_({beta:g})     # beta
    for k in range({steps}):     # train mode: normalise with the batch's statistics, update the running ones
        bn(batch(k))
    bn.eval()                     # eval mode: normalise with the running statistics
    y_eval = bn(batch(0))
print("running_mean =", bn.running_mean.numpy().round(6).tolist())
print("running_var  =", bn.running_var.numpy().round(6).tolist())
"""


def snippet_output(history: dict) -> str:
    """What torch_snippet prints, from convviz's own running_history."""
    return (f"running_mean = {np.round(history['running_mean'][-1], 6).tolist()}\n"
            f"running_var  = {np.round(history['running_var'][-1], 6).tolist()}")


# --- Figures ----------------------------------------------------------------------------------

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
