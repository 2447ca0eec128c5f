"""The convolution zoo lesson's scene: a pooling window, step by step, for the stage (pooling_scene)."""

from __future__ import annotations

import numpy as np

from convviz.figures.common import short_number
from convviz.lessons.scenes.common import VERSION, finish, grid, unread
from convviz.pooling import avg_pool2d, central_sample_pool2d, lp_pool2d, max_pool2d, weighted_avg_pool2d
from convviz.window import all_window_steps, padded_input
from convviz.zoo import max_pool2d_winners

POOL_NAMES = {"max": "max", "avg": "mean", "stride": "central sample", "lp": "Lp norm", "wavg": "weighted average"}


def pooled(x, op: str, kernel_size: int, stride: int, padding: int = 0, p_norm: float = 2.0, weights=None) -> np.ndarray:
    """y of one pooling (convviz.pooling), op a key of POOL_NAMES."""
    if op == "max":
        return max_pool2d(x, kernel_size, stride, padding)
    if op == "avg":
        return avg_pool2d(x, kernel_size, stride, padding)
    if op == "stride":
        return central_sample_pool2d(x, kernel_size, stride, padding)
    if op == "lp":
        return lp_pool2d(x, p_norm, kernel_size, stride)
    if op == "wavg":
        return weighted_avg_pool2d(x, weights, stride, padding)
    raise ValueError(f"Unknown pooling {op!r}; choose one of {', '.join(POOL_NAMES)}.")


def pooling_scene(x, op: str, kernel_size: int, stride: int, padding: int = 0, p_norm: float = 2.0,
                  weights=None) -> dict:
    """Pooling's window, step by step, over a 2-D x: which cells each output summarizes (the same
    window geometry as a k×k convolution, so convviz.window gives the cells), and y from convviz.pooling.
    Max pooling marks each window's winner (convviz.zoo.max_pool2d_winners)."""
    x = np.asarray(x, dtype=np.float64)
    k, p = int(kernel_size), int(padding)
    y = pooled(x, op, k, stride, p, p_norm, weights)
    kernel = np.ones((k, k)) if weights is None else np.asarray(weights, dtype=np.float64)
    steps = all_window_steps(x, kernel, stride=stride, padding=p)
    h, wd = x.shape
    first = steps[0].taps
    r0, c0 = first[0].row, first[0].col
    winners = max_pool2d_winners(x, k, stride, p) if op == "max" else None
    read_rows = {t.row for s in steps for t in s.taps if not t.is_padding}
    read_cols = {t.col for s in steps for t in s.taps if not t.is_padding}
    shown = np.where(np.pad(np.ones_like(x), p) > 0, padded_input(x, p)[0], np.nan) if op == "max" else padded_input(x, p)[0]
    grids = [grid("input", "input x, padded" if p else "input x", shown, role="source", origin=(p, p),
                  inner={"row": p, "col": p, "rows": h, "cols": wd},
                  unread_rows=unread(read_rows, p, h), unread_cols=unread(read_cols, p, wd))]
    if op == "wavg":
        grids.append(grid("kernel", "weights w", kernel, role="weights"))
    grids.append(grid("output", f"{POOL_NAMES[op]} pooled y", y, role="target"))
    out = []
    for s in steps:
        i, j = s.i, s.j
        values = [short_number(t.x) if not t.is_padding else ("pad" if op == "max" else "0") for t in s.taps]
        step = {"highlights": [{"grid": "input", "pattern": "window", "at": [s.taps[0].row - r0, s.taps[0].col - c0]}],
                "target": {"grid": "output", "cell": [0, i, j]}}
        if winners is not None:
            wr, wc = (int(v) for v in winners[i, j])
            step["highlights"].append({"grid": "input", "cells": [[0, wr + p, wc + p]], "mark": "winner"})
        if op == "wavg":
            step["terms"] = [[t.x, t.w, t.product] for t in s.taps]
        summary = {"max": f"max({', '.join(values)})", "avg": f"({' + '.join(values)}) / {k * k}",
                   "stride": "the window's centre cell", "lp": f"(Σ x^{p_norm:g})^(1/{p_norm:g})",
                   "wavg": "Σ w·x"}[op]
        step["formula"] = f"y[{i}, {j}] = {summary} = {short_number(y[i, j])}"
        out.append(step)
    return finish({
        "version": VERSION, "kind": "pooling", "title": f"{POOL_NAMES[op]} pooling, step by step",
        "grids": grids, "patterns": {"window": [[t.channel, t.row - r0, t.col - c0] for t in first],
                                     "kernel": [[0, t.a, t.b] for t in first]},
        "steps": out, "links": [{"from": "input", "to": "output"}, {"from": "output", "to": "input"}],
        "fixed": [{"grid": "kernel", "pattern": "kernel", "at": [0, 0]}] if op == "wavg" else [],
        "step_noun": "Output cell", "term_names": ["x", "w", "w·x"] if op == "wavg" else [], "bias": 0.0,
        "source": "input",
        "caption": f"window {k}×{k}, stride {stride}, padding {p}",
    })
