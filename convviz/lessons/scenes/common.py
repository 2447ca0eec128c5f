"""Scenes for the stage (convviz/ui/stage): what a step-by-step view shows, as a JSON-able dict, and what
every lesson's scenes share.

The browser only draws and moves a scene; every number in it comes from the tested compute code. The
format (the data contract) is written down in convviz/ui/stage/README.md; tests/lessons/test_scenes.py
checks that the builders emit it. Each lesson's builders are in the module named like its page
(convolution: the sliding window; convolution_zoo: pooling; transposed_convolution: the scatter;
receptive_fields: the field layer by layer; convolution_matrix: A beside x and y). Those modules also
build the exports' frames (convviz.slides.exports.Scene, one per step: `*_frame`, `*_frames`).

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

VERSION = 1
TERM_BUDGET = 6000      # steps × taps above which the per-step products are left out (the page's table has them)
GRID_KEYS = ("id", "label", "role", "channels", "rows", "cols", "values", "text", "origin", "inner",
             "unread_rows", "unread_cols", "channel_labels")
STEP_KEYS = ("highlights", "target")                     # and, optionally, "terms" and "formula"
SCENE_KEYS = ("version", "kind", "id", "title", "grids", "patterns", "steps", "fixed", "links", "step_noun",
              "term_names", "bias", "source", "caption")
MAX_FRAMES = 120      # an export's animation of more steps would be megabytes; the first MAX_FRAMES are kept


def finish(scene: dict) -> dict:
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


def unread(read: set[int], first: int, count: int) -> list[int]:
    """Indices first … first+count−1 (real cells, padded coordinates) no window reads."""
    return [k for k in range(first, first + count) if k not in read]


def first_steps(scene: dict, count: int, **extra) -> dict:
    """`scene` cut to its first `count` steps, with the optional keys `extra` (README), under a new id."""
    if not 1 <= count <= len(scene["steps"]):
        raise ValueError(f"A scene of {len(scene['steps'])} steps has no first {count}.")
    rest = {k: v for k, v in scene.items() if k != "id"}
    return finish({**rest, "steps": scene["steps"][:count], **extra})


def frame_steps(count: int) -> range:
    """The steps an exported animation shows: all of them, or the first MAX_FRAMES."""
    return range(min(count, MAX_FRAMES))


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
