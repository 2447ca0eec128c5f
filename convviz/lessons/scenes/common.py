"""Scenes for the stage (convviz/ui/stage): what a step-by-step view shows, as a JSON-able dict, and what
every lesson's scenes share.

The browser only draws and moves a scene; every number in it comes from the tested compute code. The
format (the data contract) is written down in convviz/ui/stage/README.md; tests/lessons/test_scenes.py
checks that the builders emit it. Each lesson's builders are in the module named like its page
(convolution: the sliding window; convolution_zoo: pooling; transposed_convolution: the scatter;
receptive_fields: the field layer by layer; convolution_matrix: A beside x and y). The exports (PNG, SVG,
GIF for slides) are drawn from the same scenes: `export_frame` below turns step t into a
convviz.slides.exports.Scene, so one builder per lesson serves the stage and the exports.

A scene is generic: grids of cells, steps that each highlight sets of cells (listed, or a shared
pattern moved by an offset) and make one target cell, and links (hovering a cell of one grid marks
the targets of every step that reads it). `step_cells` and `steps_reading` below are the Python
twins of what stage.js does with them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json

import numpy as np
from PIL import Image

from convviz.figures.common import short_number
from convviz.slides.exports import Box, Panel, Scene

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


# --- The exports: a scene's step as a picture for slides (convviz.slides.exports) ----------------------
def export_frame(scene: dict, t: int) -> Scene:
    """Step `t` of a stage scene as an export's picture: every grid's channels side by side (value colours,
    padding grey, cells with no number pale, the `set`s of steps 0 … t applied), a magenta box around what
    the step reads and makes, and the stage's status line, the step's sum or formula and the caption under it."""
    t = min(max(int(t), 0), len(scene["steps"]) - 1)
    step = scene["steps"][t]
    panels = [_panel(scene, g, c, t) for g in scene["grids"] for c in range(g["channels"])]
    (tc, ti, tj), target = step["target"]["cell"], _grid(scene, step["target"]["grid"])
    label = f"{scene['step_noun']} ({ti}, {tj})"
    status = step.get("status") or f"{label} = {_texts(scene, target, t)[tc][ti][tj]}"
    lines = [step["formula"]] if step.get("formula") else []
    if step.get("terms"):
        bias = f" + bias {short_number(scene['bias'])}" if scene["bias"] else ""
        lines = [f"y[{ti}, {tj}] = Σ {scene['term_names'][-1]} over {len(step['terms'])} products{bias} "
                 f"= {_texts(scene, target, t)[tc][ti][tj]}"]
    return Scene(tuple(panels), f"{status} · step {t + 1} of {len(scene['steps'])}",
                 tuple(lines + ([scene["caption"]] if scene.get("caption") else [])))


def export_frames(scene: dict) -> list[Scene]:
    """The exported animation: one picture per step, or the first MAX_FRAMES."""
    return [export_frame(scene, t) for t in range(min(len(scene["steps"]), MAX_FRAMES))]


def _grid(scene: dict, grid_id: str) -> dict:
    return next(g for g in scene["grids"] if g["id"] == grid_id)


def _sets(scene: dict, grid_id: str, last: int):
    """(cell, text, value) of every `set` on the grid in steps 0 … last, in order (later ones win)."""
    for step in scene["steps"][:last + 1]:
        for s in step.get("set", []):
            if s["grid"] == grid_id:
                yield from zip(s["cells"], s["text"], s["values"])


def _texts(scene: dict, g: dict, t: int) -> list:
    """The grid's text after step t (its own, overwritten by the steps' `set`s), C × R × Q."""
    text = [[list(row) for row in ch] for ch in g["text"]]
    for (c, r, q), shown, _ in _sets(scene, g["id"], t):
        text[c][r][q] = shown
    return text


def _boxes(cells) -> tuple[Box, ...]:
    """One box around the cells when they fill a rectangle, else one per cell (a dilated window)."""
    if not cells:
        return ()
    rows, cols = [r for r, _ in cells], [q for _, q in cells]
    r0, r1, q0, q1 = min(rows), max(rows), min(cols), max(cols)
    if len(set(cells)) == (r1 - r0 + 1) * (q1 - q0 + 1):
        return (Box(r0, q0, r1, q1),)
    return tuple(Box(r, q, r, q) for r, q in dict.fromkeys(cells))


def _values(scene: dict, g: dict, c: int, last: int) -> np.ndarray:
    """Channel c of the grid's values after step `last` (NaN: no number), R × Q."""
    z = np.array([[np.nan if v is None else v for v in row] for row in g["values"][c]], dtype=np.float64)
    for (k, r, q), _, value in _sets(scene, g["id"], last):
        if k == c:
            z[r, q] = value
    return z


def _panel(scene: dict, g: dict, c: int, t: int) -> Panel:
    """Channel c of grid g at step t."""
    title = " · ".join(s for s in (g["label"], g["channel_labels"][c]) if s)
    rows, cols, inner = g["rows"], g["cols"], g["inner"]
    cells = [(r, q) for k, r, q in step_cells(scene, t, g["id"]) if k == c]
    boxes = _boxes(cells)
    if g.get("image"):                                        # a photo (README: optional keys), no numbers
        data = base64.b64decode(g["image"].split(",", 1)[1])
        photo = Image.open(io.BytesIO(data)).convert("RGB").resize((cols, rows), Image.NEAREST)
        return Panel(title, np.zeros((rows, cols)), boxes, labels=np.full((rows, cols), ""), rgb=np.asarray(photo))
    padding = np.ones((rows, cols), bool)
    padding[inner["row"]:inner["row"] + inner["rows"], inner["col"]:inner["col"] + inner["cols"]] = False
    zmax = float(np.nanmax(np.abs(_values(scene, g, c, len(scene["steps"]) - 1)), initial=0.0)) or 1.0
    z = _values(scene, g, c, t)                                # zmax over every step: no colour jumps between frames
    empty = np.isnan(z) & ~padding
    z[padding] = np.nan
    read = np.zeros((rows, cols), bool)
    read[tuple(np.array(cells, dtype=int).reshape(-1, 2).T)] = True
    return Panel(title, np.where(empty, 0.0, z), boxes, labels=np.array(_texts(scene, g, t)[c], dtype=object),
                 zmax=zmax, empty=empty, read=read)
