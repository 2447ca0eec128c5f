"""Batch norm in training mode: y = γ·(x − μ)/√(σ² + ε) + β with the batch's biased variance per channel
(convviz.batchnorm.batch_norm_train, as nn.BatchNorm2d), on batches whose σ is whole; the slips include BN's m/(m−1)."""

from __future__ import annotations

import math

import numpy as np

from convviz.batchnorm import batch_norm_train
from convviz.exercises.base import DECIMALS, Topic, grid, num, pick, signed


_SHAPES = [(1, 2, 2), (2, 1, 2), (2, 2, 1), (4, 1, 1)]      # (N, H, W): m = N·H·W = 4 values per channel


def _deviations() -> list[tuple[int, ...]]:
    """Four whole deviations from the mean, summing to 0, whose biased variance is 1, 4, 9 or 16: σ is whole."""
    found = []
    for a in range(-7, 8):
        for b in range(a, 8):
            for c in range(b, 8):
                d = -(a + b + c)
                if c <= d <= 7 and (a * a + b * b + c * c + d * d) in (4, 16, 36, 64):
                    found.append((a, b, c, d))
    return found


_DEVIATIONS = _deviations()


def _draw_batchnorm(rng) -> dict:
    while True:
        p = _draw_batchnorm_once(rng)
        y = float(batch_norm_train(np.array(p["x"], float), p["gamma"], p["beta"], p["eps"])[0][tuple(p["index"])])
        if abs(y * 10 ** DECIMALS % 1 - 0.5) > 0.05:          # not 0.125: rounding it is no coin toss
            return p


def _draw_batchnorm_once(rng) -> dict:
    n, h, w = pick(rng, _SHAPES)
    c = pick(rng, [1, 2, 2])
    x = np.zeros((n, c, h, w), dtype=int)
    for ch in range(c):
        dev = np.array(pick(rng, _DEVIATIONS))
        x[:, ch] = (int(rng.integers(-2, 5)) + rng.permutation(dev)).reshape(n, h, w)
    while True:
        index = [int(rng.integers(n)), int(rng.integers(c)), int(rng.integers(h)), int(rng.integers(w))]
        if x[tuple(index)] != x[:, index[1]].mean():          # x − μ = 0 would make the answer just β
            break
    return dict(x=x.tolist(), gamma=[pick(rng, [1.0, 2.0, 0.5, 1.5, -1.0]) for _ in range(c)],
                beta=[pick(rng, [0.0, 1.0, -1.0, 0.5, 2.0]) for _ in range(c)], eps=1e-5, index=index)


def _batchnorm_stats(p, unbiased=False):
    x = np.array(p["x"], dtype=float)
    n, c, h, w = p["index"]
    values = x[:, c].ravel()
    m = values.size
    mean = values.mean()
    var = ((values - mean) ** 2).sum() / (m - 1 if unbiased else m)
    return x[n, c, h, w], values, m, mean, var


def _batchnorm(p):
    x = np.array(p["x"], dtype=float)
    n, c, h, w = p["index"]
    answer = float(batch_norm_train(x, p["gamma"], p["beta"], p["eps"])[0][n, c, h, w])
    big_n, big_c, big_h, big_w = x.shape
    blocks = "\n\n".join(f"x[{i}, {ch}] =\n\n{grid(x[i, ch])}" for i in range(big_n) for ch in range(big_c))
    question = (f"A batch x of shape (N, C, H, W) = ({big_n}, {big_c}, {big_h}, {big_w}) goes through "
                f"`nn.BatchNorm2d({big_c}, eps={p['eps']:g})` in **training mode**, with "
                f"γ = ({', '.join(num(v) for v in p['gamma'])}) and β = ({', '.join(num(v) for v in p['beta'])}) "
                f"(one per channel).\n\n"
                f"{blocks}\n\nWhat is the output y[{n}, {c}, {h}, {w}]? Round to {DECIMALS} decimals.")
    value, values, m, mean, var = _batchnorm_stats(p)
    g, b = p["gamma"][c], p["beta"][c]
    xhat = (value - mean) / math.sqrt(var + p["eps"])
    explanation = (
        f"Channel {c} has m = N·H·W = {m} values: {', '.join(num(v) for v in values)}.\n\n"
        f"μ = (1/m) Σ x = {num(values.sum())}/{m} = {num(mean)}; "
        f"σ² = (1/m) Σ (x − μ)² = {num(((values - mean) ** 2).sum())}/{m} = {num(var)} "
        f"(training mode divides by m, not m − 1).\n\n"
        f"x̂ = (x − μ)/√(σ² + ε) = ({num(value)} − {signed(mean)})/√({num(var)} + {p['eps']:g}) ≈ {num(xhat)}.\n\n"
        f"y = γ·x̂ + β = {signed(g)}·{signed(xhat)} + {signed(b)} ≈ **{answer:.{DECIMALS}f}**.")
    return question, answer, explanation


def _batchnorm_first(p):
    c = p["index"][1]
    return (f"Take channel {c}'s values over the whole batch (all N, H and W: m = N·H·W of them) and find their "
            f"mean μ and variance σ².")


def _batchnorm_slips(p):
    value, values, m, mean, var = _batchnorm_stats(p)
    _, _, _, _, var_u = _batchnorm_stats(p, unbiased=True)
    x = np.array(p["x"], dtype=float)
    n, c, h, w = p["index"]
    g, b, eps = p["gamma"][c], p["beta"][c], p["eps"]
    xhat = (value - mean) / math.sqrt(var + eps)
    out = [
        (g * (value - mean) / math.sqrt(var_u + eps) + b,
         f"In training mode BN divides by the batch's own (biased) variance, (1/m)Σ(x − μ)²; the m/(m−1) = {m}/{m - 1} "
         f"correction is only for the running estimate used in eval mode."),
        (xhat, "Then scale and shift: y = γ·x̂ + β."),
        (g * xhat, f"Add β = {num(b)}."),
        (xhat + b, f"Multiply by γ = {num(g)} before adding β."),
        (g * (value - mean) / (var + eps) + b, "Divide by the standard deviation √(σ² + ε), not by the variance."),
        (b * xhat + g, "γ scales and β shifts: y = γ·x̂ + β."),
    ]
    whole = x.ravel()
    if x.shape[1] > 1:
        out.append((g * (value - whole.mean()) / math.sqrt(whole.var() + eps) + b,
                    f"Batch norm keeps statistics per channel: use channel {c}'s values only."))
    own = x[n, c].ravel()
    if x.shape[0] > 1 and own.size > 1 and own.var() > 0:
        out.append((g * (value - own.mean()) / math.sqrt(own.var() + eps) + b,
                    "Take the statistics over the whole batch (every sample's channel-c values), not one sample."))
    return out


TOPIC = Topic(
    "Batch norm in training mode", _draw_batchnorm, _batchnorm, _batchnorm_first, _batchnorm_slips,
    general="Per channel, over N, H and W: μ, then σ² = (1/m)Σ(x − μ)², then x̂ = (x − μ)/√(σ² + ε), "
            "then y = γ·x̂ + β.",
    tolerance=0.5 * 10 ** -DECIMALS)
