"""Lesson: batch normalization for conv layers (course note 002, "Batch Normalization"): settings and builders.

Three settings objects, each validated in its __post_init__ (ValueError with the message the page
shows) and hashable, so the page builds them once from its URL-bound controls and the cached
wrappers in convviz/ui/cached_batchnorm.py key on them:

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

from convviz.batchnorm import batch_norm_train, groups_dividing
from convviz.figures import batch_normalization as bf
from convviz.figures.batch_normalization import CHANNEL_MEANS, CHANNEL_STDS, MAX_CHANNELS
from convviz.lessons.shared.settings import number, settle, whole
from convviz.torch_ref.checks import max_abs_difference

EPS = 1e-5                        # torch's default, used throughout the page
LEARNING_RATES = ["0.003", "0.01", "0.03", "0.1", "0.3", "1"]


def r4(value) -> float:
    """A table number: 4 decimals, and never '-0'."""
    return round(float(value), 4) + 0.0


# --- Settings -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchSettings:
    """The lesson batch (N, C, H, W) drawn with `seed`, and one γ, β for every channel."""

    n: int = 4
    c: int = 4
    h: int = 4
    w: int = 4
    seed: int = 0
    gamma: float = 1.0
    beta: float = 0.0
    eps: float = EPS

    def __post_init__(self):
        for name, label, high in (("n", "Batch size N", 8), ("c", "Channels C", MAX_CHANNELS),
                                  ("h", "Height H", 6), ("w", "Width W", 6)):
            settle(self, **{name: whole(getattr(self, name), label, 1, high)})
        settle(self, seed=whole(self.seed, "The seed", 0, 9999), gamma=number(self.gamma, "γ", -3.0, 3.0),
               beta=number(self.beta, "β", -5.0, 5.0), eps=number(self.eps, "ε", 0.0, 1.0))

    @property
    def shape(self) -> tuple[int, int, int, int]:
        return self.n, self.c, self.h, self.w

    @property
    def m(self) -> int:
        """Values per channel that share one mean: N·H·W."""
        return self.n * self.h * self.w


@dataclass(frozen=True)
class RunningSettings:
    """`steps` training batches (seed, seed+1, …) and the weight `momentum` of the newest one (torch's rule)."""

    batch: BatchSettings = BatchSettings()
    momentum: float = 0.1
    steps: int = 30

    def __post_init__(self):
        if not isinstance(self.batch, BatchSettings):
            raise ValueError("batch must be a BatchSettings.")
        settle(self, momentum=number(self.momentum, "momentum", 0.0, 1.0),
               steps=whole(self.steps, "Training steps", 1, 300))


@dataclass(frozen=True)
class DemoSettings:
    """Two different learning rates, the steps per run and the demo's seed."""

    lr_small: float = 0.01
    lr_large: float = 0.1
    steps: int = 250
    seed: int = 2

    def __post_init__(self):
        for name in ("lr_small", "lr_large"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
                raise ValueError(f"The learning rates must be positive numbers (got {value!r}).")
            settle(self, **{name: float(value)})
        settle(self, steps=whole(self.steps, "Steps per run", 10, 600), seed=whole(self.seed, "The demo seed", 0, 99))
        if self.lr_small == self.lr_large:
            raise ValueError("Pick two different learning rates to compare.")

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


# --- Builders -----------------------------------------------------------------------------------

def lesson_batch(s: BatchSettings) -> np.ndarray:
    return bf.lesson_batch(*s.shape, s.seed)                                # (N, C, H, W)


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


def histories(r: RunningSettings) -> tuple[dict, dict]:
    """(convviz's running_history, torch's) for the same stream of batches."""
    b = r.batch
    args = (*b.shape, b.seed, r.steps, r.momentum, b.gamma, b.beta, b.eps)
    return bf.running_history(*args), bf.torch_history(*args)


def running_figure(r: RunningSettings, history: dict, channel: int):
    return bf.running_figure(history, channel, CHANNEL_MEANS[channel], CHANNEL_STDS[channel] ** 2, r.momentum)


def torch_snippet(r: RunningSettings) -> str:
    """The torch code that reproduces the running statistics (with this ε)."""
    b = r.batch
    code = bf.torch_snippet(*b.shape, b.seed, r.steps, r.momentum, b.gamma, b.beta)
    return code if b.eps == EPS else code.replace("eps=1e-5", f"eps={b.eps:g}")


def fold_example(s: BatchSettings) -> dict:
    return bf.fold_example(s.seed, s.gamma, s.beta, s.eps)


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
