"""Scenes for the stage (convviz/ui/stage): what a step-by-step view shows, as a JSON-able dict.

The browser only draws and moves a scene; every number in it comes from the tested compute code
(convviz.window.window_step for the sliding window's cells and products, convviz.conv for the
output, convviz.pooling and convviz.zoo for pooling). The format (the data contract) is written
down in convviz/ui/stage/README.md; tests/lessons/test_scenes.py checks that the builders emit it
and that the cells a step highlights are the window convviz (and torch's F.unfold) computes.

A scene is generic: grids of cells, steps that each highlight sets of cells (listed, or a shared
pattern moved by an offset) and make one target cell, and links (hovering a cell of one grid marks
the targets of every step that reads it). `step_cells` and `steps_reading` below are the Python
twins of what stage.js does with them.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

from convviz.figures.common import short_number
from convviz.pooling import avg_pool2d, central_sample_pool2d, lp_pool2d, max_pool2d, weighted_avg_pool2d
from convviz.window import all_window_steps, one_map_view, padded_input
from convviz.zoo import max_pool2d_winners

VERSION = 1
TERM_BUDGET = 6000      # steps × taps above which the per-step products are left out (the page's table has them)
GRID_KEYS = ("id", "label", "role", "channels", "rows", "cols", "values", "text", "origin", "inner",
             "unread_rows", "unread_cols", "channel_labels")
STEP_KEYS = ("highlights", "target")                     # and, optionally, "terms" and "formula"
SCENE_KEYS = ("version", "kind", "id", "title", "grids", "patterns", "steps", "fixed", "links", "step_noun",
              "term_names", "bias", "source", "caption")


def _finish(scene: dict) -> dict:
    """The scene with its id: a hash of its content (the stage redraws from scratch when it changes)."""
    scene["id"] = hashlib.sha1(json.dumps(scene, sort_keys=True).encode()).hexdigest()[:16]
    return scene


def grid(gid: str, label: str, values, *, role: str, origin=(0, 0), inner=None, channel_labels=None,
         unread_rows=(), unread_cols=()) -> dict:
    """One grid of cells: values (C, R, Q) (or (R, Q)), their labels, and where the real cells are.

    `origin` is the (row, col) shown as index 0 (the padding before it); `inner` the real cells'
    {row, col, rows, cols} (outside: padding); NaN is an empty cell.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[None] if v.ndim == 2 else v
    c, r, q = v.shape
    out = {"id": gid, "label": label, "role": role, "channels": c, "rows": r, "cols": q,
           "values": [[[None if np.isnan(a) else float(f"{a:.6g}") for a in row] for row in ch] for ch in v],
           "text": [[[short_number(a) for a in row] for row in ch] for ch in v],
           "origin": [int(origin[0]), int(origin[1])],
           "inner": inner or {"row": 0, "col": 0, "rows": r, "cols": q},
           "unread_rows": [int(i) for i in unread_rows], "unread_cols": [int(j) for j in unread_cols],
           "channel_labels": list(channel_labels or ([f"channel {k}" for k in range(c)] if c > 1 else [""]))}
    return out


def _unread(read: set[int], first: int, count: int) -> list[int]:
    """Indices first … first+count−1 (real cells, padded coordinates) no window reads."""
    return [k for k in range(first, first + count) if k not in read]


# --- Sliding window (convolution) --------------------------------------------------------------
def window_scene(x, w, bias=0.0, stride=1, padding=0, dilation=1, flip=False) -> dict:
    """The sliding window of one output map: the padded input (every channel), the kernel as it
    multiplies (flipped for a true convolution) and the output; step t is output cell divmod(t, W')."""
    view = one_map_view(x, w, bias, stride, padding, dilation, flip)
    xs, kernel, y = view.x, view.kernel, view.y                          # (C, H, W), (C, kh, kw), (H', W')
    (ph, pw) = view.padding
    c, h, wd = xs.shape
    steps = all_window_steps(xs, kernel, bias=view.bias, stride=view.stride, padding=view.padding,
                             dilation=view.dilation)                    # kernel already flipped: no second flip
    first = steps[0].taps
    r0, c0 = first[0].row, first[0].col
    pattern = [[t.channel, t.row - r0, t.col - c0] for t in first]     # the window, relative to its first tap
    with_terms = len(steps) * len(first) <= TERM_BUDGET
    read_rows = {t.row for s in steps for t in s.taps if not t.is_padding}
    read_cols = {t.col for s in steps for t in s.taps if not t.is_padding}
    labels = [f"channel {k}" for k in range(c)] if c > 1 else [""]
    grids = [
        grid("input", "input x, padded" if (ph or pw) else "input x", padded_input(xs, (ph, pw)), role="source",
             origin=(ph, pw), inner={"row": ph, "col": pw, "rows": h, "cols": wd}, channel_labels=labels,
             unread_rows=_unread(read_rows, ph, h), unread_cols=_unread(read_cols, pw, wd)),
        grid("kernel", "kernel w, flipped" if flip else "kernel w", kernel, role="weights", channel_labels=labels),
        grid("output", "output y", y, role="target"),
    ]
    kernel_cells = [[t.channel, t.a, t.b] for t in first]
    out = []
    for s in steps:
        step = {"highlights": [{"grid": "input", "pattern": "window", "at": [s.taps[0].row - r0, s.taps[0].col - c0]}],
                "target": {"grid": "output", "cell": [0, s.i, s.j]}}
        if with_terms:
            step["terms"] = [[t.x, t.w, t.product] for t in s.taps]
        out.append(step)
    (sh, sw), (dh, dw) = view.stride, view.dilation
    return _finish({
        "version": VERSION, "kind": "sliding_window", "title": "The sliding window",
        "grids": grids, "patterns": {"window": pattern, "kernel": kernel_cells}, "steps": out,
        "fixed": [{"grid": "kernel", "pattern": "kernel", "at": [0, 0]}], "step_noun": "Output cell",
        "links": [{"from": "input", "to": "output"}, {"from": "output", "to": "input"}],
        "term_names": ["x", "w", "x·w"] if with_terms else [], "bias": view.bias, "source": "input",
        "caption": f"stride {sh}×{sw}, padding {ph}×{pw}, dilation {dh}×{dw}"
                   + (", kernel flipped (true convolution)" if flip else ""),
    })


def first_steps(scene: dict, count: int, **extra) -> dict:
    """`scene` cut to its first `count` steps, with the optional keys `extra` (README), under a new id."""
    if not 1 <= count <= len(scene["steps"]):
        raise ValueError(f"A scene of {len(scene['steps'])} steps has no first {count}.")
    rest = {k: v for k, v in scene.items() if k != "id"}
    return _finish({**rest, "steps": scene["steps"][:count], **extra})


# --- Pooling ------------------------------------------------------------------------------------
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
                  unread_rows=_unread(read_rows, p, h), unread_cols=_unread(read_cols, p, wd))]
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
    return _finish({
        "version": VERSION, "kind": "pooling", "title": f"{POOL_NAMES[op]} pooling, step by step",
        "grids": grids, "patterns": {"window": [[t.channel, t.row - r0, t.col - c0] for t in first],
                                     "kernel": [[0, t.a, t.b] for t in first]},
        "steps": out, "links": [{"from": "input", "to": "output"}, {"from": "output", "to": "input"}],
        "fixed": [{"grid": "kernel", "pattern": "kernel", "at": [0, 0]}] if op == "wavg" else [],
        "step_noun": "Output cell", "term_names": ["x", "w", "w·x"] if op == "wavg" else [], "bias": 0.0,
        "source": "input",
        "caption": f"window {k}×{k}, stride {stride}, padding {p}",
    })


# --- What stage.js does with a scene, in Python (for tests and the page's table) ---------------
def step_cells(scene: dict, t: int, grid_id: str) -> list[tuple[int, int, int]]:
    """The (channel, row, col) cells step `t` highlights in grid `grid_id`, in order: its own highlights
    (patterns moved by `at`; marks such as a max-pooling winner left out), then the scene's fixed ones,
    then its target cell."""
    step = scene["steps"][t]
    cells = []
    for h in step["highlights"] + scene.get("fixed", []):
        if h["grid"] != grid_id or h.get("mark"):
            continue
        if "pattern" in h:
            dr, dc = h["at"]
            cells += [(c, r + dr, q + dc) for c, r, q in scene["patterns"][h["pattern"]]]
        elif "box" in h:                                   # README, optional keys: a rectangle, corners included
            c, r0, q0, r1, q1 = h["box"]
            cells += [(c, r, q) for r in range(r0, r1 + 1) for q in range(q0, q1 + 1)]
        else:
            cells += [tuple(cell) for cell in h["cells"]]
    if step["target"]["grid"] == grid_id:
        cells.append(tuple(step["target"]["cell"]))
    return cells


def steps_reading(scene: dict, grid_id: str, cell) -> list[int]:
    """The steps whose highlights in `grid_id` include `cell` (channel, row, col): hovering it marks their targets."""
    cell = tuple(cell)
    return [t for t in range(len(scene["steps"])) if cell in step_cells(scene, t, grid_id)]
