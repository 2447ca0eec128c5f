"""Lesson: batch normalization for conv layers (course note 002, "Batch Normalization"): settings and builders.

Three settings objects, each validated when made (`Checked`: its LIMITS table, then `check()`; SettingsError
with the message the page shows) and hashable, so the page builds them once from its URL-bound controls and the
cached wrappers in convviz/ui/cache/batch_normalization.py key on them:

- BatchSettings(n, c, h, w, seed, gamma, beta, eps): the lesson batch and BN's parameters;
- RunningSettings(batch, momentum, steps): the stream of training batches and the running statistics;
- DemoSettings(lr_small, lr_large, steps, seed): the with/without-BN training demo
  (convviz.lessons.shared.bn_training_demo trains it).

The channel to follow and the group count are checked against C by follow_channel and
shown_groups, which say what is shown instead. No streamlit here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from convviz.batchnorm import (batch_norm_eval, batch_norm_train, fold_into_conv, groups_dividing,
                               update_running_stats)
from convviz.conv import cross_correlate2d
from convviz.figures import batch_normalization as bf
from convviz.lessons.shared.settings import Checked, settle
from convviz.lessons.snippets import batch_normalization as snippets
from convviz.torch_ref.batchnorm import conv_then_batch_norm_torch, running_history_torch
from convviz.torch_ref.checks import max_abs_difference
from convviz.lessons.settings_error import SettingsError

EPS = 1e-5                        # torch's default, used throughout the page
# Each channel's population: mean and standard deviation (channel c uses row c).
CHANNEL_MEANS = (3.0, -2.0, 0.5, 6.0)
CHANNEL_STDS = (2.0, 0.5, 1.0, 3.0)
MAX_CHANNELS = len(CHANNEL_MEANS)
LEARNING_RATES = ["0.003", "0.01", "0.03", "0.1", "0.3", "1"]


def r4(value) -> float:
    """A table number: 4 decimals, and never '-0'."""
    return round(float(value), 4) + 0.0


# --- Settings -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchSettings(Checked):
    """The lesson batch (N, C, H, W) drawn with `seed`, and one γ, β for every channel."""

    LIMITS = {"n": ("Batch size N", 1, 8), "c": ("Channels C", 1, MAX_CHANNELS), "h": ("Height H", 1, 6),
              "w": ("Width W", 1, 6), "seed": ("The seed", 0, 9999), "gamma": ("γ", -3.0, 3.0),
              "beta": ("β", -5.0, 5.0), "eps": ("ε", 0.0, 1.0)}
    n: int = 4
    c: int = 4
    h: int = 4
    w: int = 4
    seed: int = 0
    gamma: float = 1.0
    beta: float = 0.0
    eps: float = EPS

    @property
    def shape(self) -> tuple[int, int, int, int]:
        return self.n, self.c, self.h, self.w

    @property
    def m(self) -> int:
        """Values per channel that share one mean: N·H·W."""
        return self.n * self.h * self.w


@dataclass(frozen=True)
class RunningSettings(Checked):
    """`steps` training batches (seed, seed+1, …) and the weight `momentum` of the newest one (torch's rule)."""

    LIMITS = {"momentum": ("momentum", 0.0, 1.0), "steps": ("Training steps", 1, 300)}
    batch: BatchSettings = BatchSettings()
    momentum: float = 0.1
    steps: int = 30

    def check(self):
        if not isinstance(self.batch, BatchSettings):
            raise SettingsError("batch must be a BatchSettings.")


@dataclass(frozen=True)
class DemoSettings(Checked):
    """Two different learning rates, the steps per run and the demo's seed."""

    LIMITS = {"steps": ("Steps per run", 10, 600), "seed": ("The demo seed", 0, 99)}
    lr_small: float = 0.01
    lr_large: float = 0.1
    steps: int = 250
    seed: int = 2

    def check(self):
        for name in ("lr_small", "lr_large"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
                raise SettingsError(f"The learning rates must be positive numbers (got {value!r}).")
            settle(self, **{name: float(value)})
        if self.lr_small == self.lr_large:
            raise SettingsError("Pick two different learning rates to compare.")

    @property
    def lrs(self) -> tuple[float, float]:
        return self.lr_small, self.lr_large


def follow_channel(channel: int, c: int) -> tuple[int, str | None]:
    """The channel that exists (the last one when `channel` ≥ C) and, if it changed, the sentence why."""
    if channel < c:
        return channel, None
    return c - 1, f"Channel {channel} does not exist with C = {c}; following channel {c - 1}."


def shown_groups(c: int, wanted: int) -> tuple[int, str | None]:
    """The largest G ≤ wanted dividing C (group norm's rule) and, if it is not `wanted`, the sentence why."""
    groups = groups_dividing(c, wanted)
    if groups == wanted:
        return groups, None
    return groups, (f"G = {wanted} does not divide C = {c}: showing G = {groups}, the largest divisor of "
                    f"{c} not above {wanted}.")


# --- The lesson's data ---------------------------------------------------------------------------
# A seeded N×C×H×W batch whose channels have different means and spreads (so that normalising each
# channel visibly does something), a stream of such batches for the running statistics, a small conv
# for folding; torch's numbers for the same come from convviz/torch_ref/batchnorm.py.

def draw_batch(n: int, c: int, h: int, w: int, seed: int) -> np.ndarray:
    """x (N, C, H, W): channel c drawn from N(CHANNEL_MEANS[c], CHANNEL_STDS[c]²), one decimal."""
    if not 1 <= c <= MAX_CHANNELS:
        raise SettingsError(f"C must be 1–{MAX_CHANNELS}, got {c}.")
    rng = np.random.default_rng(seed)
    mean = np.array(CHANNEL_MEANS[:c])[None, :, None, None]
    std = np.array(CHANNEL_STDS[:c])[None, :, None, None]
    return np.round(rng.normal(mean, std, (n, c, h, w)), 1)                 # (N, C, H, W)


def lesson_batch(s: BatchSettings) -> np.ndarray:
    return draw_batch(*s.shape, s.seed)                                     # (N, C, H, W)


def batch_and_output(s: BatchSettings):
    """(x, y, mean, var) in training mode; ValueError when each channel has a single value."""
    x = lesson_batch(s)
    y, mean, var = batch_norm_train(x, s.gamma, s.beta, s.eps)
    return x, y, mean, var


def tensor_figures(s: BatchSettings, channel: int, groups: int):
    """(the batch with one channel's cells highlighted, the four-norm contrast)."""
    x = lesson_batch(s)
    return bf.tensor_figure(x, channel), bf.norm_contrast_figure(x.shape, channel, groups)


def histogram_figure(s: BatchSettings, x: np.ndarray, y: np.ndarray):
    return bf.histogram_figure(x, y, s.gamma, s.beta, s.eps)


def training_batches(r: RunningSettings) -> list[np.ndarray]:
    """The stream: batch k is draw_batch(..., seed + k), k = 0 … steps − 1."""
    b = r.batch
    return [draw_batch(*b.shape, b.seed + k) for k in range(r.steps)]


def running_history(r: RunningSettings) -> dict:
    """Train-mode BN over the stream of batches, from torch's initial running_mean 0 and running_var 1.

    Returns batch means and biased variances (steps, C), the running estimates after each step
    (steps + 1, C; row 0 is the start), and the first batch's outputs in train and in eval mode
    (eval with the final running estimates).
    """
    b = r.batch
    rm, rv = np.zeros(b.c), np.ones(b.c)
    means, variances, run_means, run_vars = [], [], [rm], [rv]
    for batch in training_batches(r):
        _, mean, var = batch_norm_train(batch, b.gamma, b.beta, b.eps)
        rm, rv = update_running_stats(rm, rv, mean, var, b.m, r.momentum)
        means.append(mean), variances.append(var), run_means.append(rm), run_vars.append(rv)
    x = lesson_batch(b)
    y_train, _, _ = batch_norm_train(x, b.gamma, b.beta, b.eps)
    return dict(m=b.m, batch_mean=np.array(means), batch_var=np.array(variances),
                running_mean=np.array(run_means), running_var=np.array(run_vars),
                y_train=y_train, y_eval=batch_norm_eval(x, b.gamma, b.beta, rm, rv, b.eps))


def histories(r: RunningSettings) -> tuple[dict, dict]:
    """(convviz's running_history, torch's) for the same stream of batches."""
    b = r.batch
    return running_history(r), running_history_torch(training_batches(r), r.momentum, b.gamma, b.beta, b.eps)


def running_figure(r: RunningSettings, history: dict, channel: int):
    return bf.running_figure(history, channel, CHANNEL_MEANS[channel], CHANNEL_STDS[channel] ** 2, r.momentum)


def torch_snippet(r: RunningSettings) -> str:
    """The torch code that reproduces the running statistics (convviz.lessons.snippets.batch_normalization)."""
    b = r.batch
    return snippets.torch_snippet(*b.shape, b.seed, r.steps, r.momentum, CHANNEL_MEANS, CHANNEL_STDS, b.gamma,
                                  b.beta, b.eps)


def fold_example(s: BatchSettings) -> dict:
    """A conv (2 out, 2 in, 3×3, bias) followed by eval-mode BN, and the one conv it folds into.

    BN's gamma and beta are the page's values plus a small per-channel offset, so the two
    output channels scale differently; running statistics are made up (as after training).
    """
    rng = np.random.default_rng(s.seed + 1)
    x = np.round(rng.normal(0, 1, (2, 5, 5)), 1)                            # (Cin, H, W)
    w = np.round(rng.normal(0, 0.5, (2, 2, 3, 3)), 1)                       # (Cout, Cin, kh, kw)
    b = np.round(rng.normal(0, 0.5, 2), 1)                                  # (Cout,)
    g = np.round(s.gamma + np.array([0.0, 0.5]), 2)
    be = np.round(s.beta + np.array([0.0, -0.5]), 2)
    rm, rv = np.round(rng.normal(0, 1, 2), 2), np.round(rng.uniform(0.25, 4.0, 2), 2)
    w_f, b_f = fold_into_conv(w, b, g, be, rm, rv, s.eps)
    conv_then_bn = batch_norm_eval(cross_correlate2d(x, w, b, padding=1)[None], g, be, rm, rv, s.eps)[0]
    folded = cross_correlate2d(x, w_f, b_f, padding=1)                      # (Cout, H, W)
    return dict(x=x, w=w, b=b, gamma=g, beta=be, running_mean=rm, running_var=rv, eps=s.eps,
                scale=g / np.sqrt(rv + s.eps), w_folded=w_f, b_folded=b_f, conv_then_bn=conv_then_bn, folded=folded,
                torch=conv_then_batch_norm_torch(x, w, b, g, be, rm, rv, s.eps))


def fold_figures(ex: dict):
    """(conv kernels, folded kernels) figures."""
    return (bf.fold_grids_figure(ex["w"], "conv w and b", ex["b"]),
            bf.fold_grids_figure(ex["w_folded"], "folded w' = s·w and b'", ex["b_folded"]))


# --- Tables and sentences -----------------------------------------------------------------------

def channel_rows(c: int, y: np.ndarray, mean: np.ndarray, var: np.ndarray) -> list[dict]:
    return [{"channel": j, "μ_B": r4(mean[j]), "σ²_B (÷m, biased)": r4(var[j]),
             "mean after": r4(y[:, j].mean()), "variance after": r4(y[:, j].var())} for j in range(c)]


def running_rows(r: RunningSettings, ours: dict) -> list[dict]:
    m, rm, rv = r.batch.m, ours["running_mean"][-1], ours["running_var"][-1]
    return [{"channel": j, "running_mean": r4(rm[j]), "μ_B averaged over the steps (note 002's E_B[μ_B])":
             r4(ours["batch_mean"][:, j].mean()), "population mean": CHANNEL_MEANS[j],
             "running_var": r4(rv[j]), "population variance": CHANNEL_STDS[j] ** 2,
             "σ²_B (÷m) averaged over the steps": r4(ours["batch_var"][:, j].mean()),
             "the same × m/(m−1)": r4(ours["batch_var"][:, j].mean() * m / (m - 1))} for j in range(r.batch.c)]


def train_eval_gap_text(ours: dict) -> str:
    gap = np.abs(ours["y_train"] - ours["y_eval"]).max(axis=(0, 2, 3))
    return ("**The same batch (the first one) in both modes.** `model.train()` normalises it with its own "
            "statistics, `model.eval()` with the running estimates. Max |y_train − y_eval| per channel: "
            + ", ".join(f"channel {j}: **{gap[j]:.3g}**" for j in range(gap.size))
            + ". With momentum 0 the estimates never leave torch's start (0 and 1); with momentum 1 they are the "
            "last batch only. Forgetting `model.eval()` before testing, or testing with a batch of one, "
            "changes the outputs by this much.")


def torch_check(ours: dict, theirs: dict) -> float:
    """max |difference| between convviz's and torch's running statistics and both outputs."""
    return max(max_abs_difference(ours[k] if k.startswith("y") else ours[k][-1], theirs[k]) for k in theirs)


def fold_rows(ex: dict) -> list[dict]:
    return [{"output channel o": o, "b": r4(ex["b"][o]), "γ": r4(ex["gamma"][o]), "β": r4(ex["beta"][o]),
             "running_mean": r4(ex["running_mean"][o]), "running_var": r4(ex["running_var"][o]),
             "s = γ/√(var+ε)": r4(ex["scale"][o]), "b'": r4(ex["b_folded"][o])} for o in range(2)]


def fold_gaps(ex: dict) -> tuple[float, float]:
    """(conv then BN (eval) against the single folded conv, torch's nn.Conv2d + nn.BatchNorm2d(...).eval() against
    the folded conv): max |difference| of each."""
    return (max_abs_difference(ex["conv_then_bn"], ex["folded"]), max_abs_difference(ex["torch"], ex["folded"]))


def fold_text(ex: dict) -> str:
    fold_gap, _ = fold_gaps(ex)
    same = "0 (identical)" if fold_gap == 0 else f"{fold_gap:.1e}"
    return (f"On a 2×5×5 input with padding 1, conv then BN (eval) and the single folded conv give the same output: "
            f"max |difference| {same}. γ and β here are the sliders' values, +0.5 and −0.5 on output channel 1.")


def demo_rows(demo: dict) -> list[dict]:
    return [{"learning rate": run.lr, "BN": "with BN" if run.batch_norm else "without BN",
             "last training loss": r4(run.losses[-1]) if run.losses else float("nan"),
             "held-out loss (eval mode)": r4(run.test_loss), "held-out accuracy": f"{run.test_accuracy:.0%}",
             "diverged": run.diverged} for run in demo["runs"]]
