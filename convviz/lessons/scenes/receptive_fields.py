"""The receptive-field lesson's scene: the field of one unit layer by layer, for the stage and the exports
(field_stage_scene; the exports draw it with convviz.lessons.scenes.common.export_frame)."""

from __future__ import annotations

import numpy as np

from convviz.figures.common import png_data_uri, short_number
from convviz.lessons.scenes.common import VERSION, finish, grid
from convviz.lessons.shared.examples import photo, photo_size
from convviz.receptive import describe, field_bounds

# --- The field, layer by layer, on the stage (convviz/ui/stage; README: kind "receptive_field") ---

STAGE_CELLS_MAX = 40          # input rows/columns (padding included) drawn one cell each; wider: the photo
STAGE_PHOTO_PIXELS = 240      # the photo's PNG at most this many pixels per side


def anchored_units(settings, depth: int, unit: tuple[int, int]) -> list[tuple[int, int]]:
    """For layers 1 … L, the unit whose field is centred nearest the field of `unit` of layer `depth`
    (the same unit at `depth`): the field the stage shows as it steps through the layers (settings: the
    lesson's FieldSettings)."""
    table = settings.table()
    row = table[depth]
    centre = [row["start"] + u * row["j"] for u in unit]
    return [tuple(int(min(max(round((c - r["start"]) / r["j"]), 0), r["n"] - 1)) for c in centre)
            for r in table[1:]]


def _photo_uri(n: int, first: int, size: int) -> str:
    """The photo (the page's astronaut at photo_size(n)) on the input, grey padding around it, as a PNG."""
    px = min(size, STAGE_PHOTO_PIXELS)
    img = photo(photo_size(n))                                           # (ps, ps, 3) in [0, 1]
    where = first + (np.arange(px) + 0.5) * size / px                    # input coordinate of each PNG pixel
    inside = (where >= 0) & (where < n)
    index = np.clip((np.floor(where) * img.shape[0] / n).astype(int), 0, img.shape[0] - 1)
    out = np.full((px, px, 3), 0.82)
    out[np.ix_(inside, inside)] = img[np.ix_(index[inside], index[inside])]
    return png_data_uri(out)


def field_stage_scene(settings, depth: int, unit: tuple[int, int]) -> dict:
    """The field layer by layer: step t is layer t + 1, showing the box of the unit anchored_units picks there
    on the input (cells up to STAGE_CELLS_MAX per side, padding grey; wider: the photo), and that layer's
    n, j, r and start. Every bound from convviz.receptive (receptive_field_table, field_bounds)."""
    table, n = settings.table(), settings.n
    units = anchored_units(settings, depth, unit)
    bounds = [(field_bounds(row, u[0]), field_bounds(row, u[1])) for row, u in zip(table[1:], units)]
    first = min([0] + [int(np.floor(lo)) for b in bounds for lo, _ in b])
    last = max([n] + [int(np.ceil(hi)) for b in bounds for _, hi in b])
    size = last - first
    inner = {"row": -first, "col": -first, "rows": n, "cols": n}
    if size <= STAGE_CELLS_MAX:
        source = grid("input", f"{n}×{n} input and the field", np.full((size, size), np.nan), role="source",
                      origin=(-first, -first), inner=inner)
    else:                                  # a photo: one <image>, no cells (README: optional keys)
        source = {"id": "input", "label": f"{n}×{n} input (photo) and the field", "role": "source", "channels": 1,
                  "rows": size, "cols": size, "values": [], "text": [], "origin": [-first, -first], "inner": inner,
                  "unread_rows": [], "unread_cols": [], "channel_labels": [""],
                  "image": _photo_uri(n, first, size)}
    columns = range(len(table))
    grids = [source] + [grid(name, name, np.array([[float(row[name]) for row in table]]), role="target")
                        for name in ("n", "j", "r", "start")]
    for g in grids[1:]:
        g["text"] = [[[short_number(row[g["id"]]) for row in table]]]
    steps = []
    for t, (row, (ui, uj), ((lo_r, hi_r), (lo_c, hi_c))) in enumerate(zip(table[1:], units, bounds)):
        d = t + 1
        box = [0, int(lo_r) - first, int(lo_c) - first, int(hi_r) - 1 - first, int(hi_c) - 1 - first]
        steps.append({
            "highlights": [{"grid": "input", "box": box}] + [{"grid": name, "cells": [[0, 0, d]]}
                                                             for name in ("n", "j", "start")],
            "target": {"grid": "r", "cell": [0, 0, d]},
            "status": f"Layer {d} ({row['name']}: {describe(settings.layers[t])}): n = {row['n']}, j = {row['j']}, "
                      f"r = {row['r']}, start = {row['start']:g}",
            "formula": f"Unit ({ui}, {uj}): centre {row['start'] + ui * row['j']:g}, {row['start'] + uj * row['j']:g}; "
                       f"input rows {lo_r:g} … {hi_r - 1:g}, columns {lo_c:g} … {hi_c - 1:g}"})
    return finish({
        "version": VERSION, "kind": "receptive_field", "title": "The receptive field, layer by layer",
        "grids": grids, "patterns": {}, "steps": steps, "fixed": [], "links": [], "step_noun": "Layer", "step_label": "Layer",
        "cell_px": [32, 60],                                   # down to 32 px: a 9-cell field fits a phone
        "term_names": [], "bias": 0.0, "source": "input",
        "caption": "columns of n, j, r, start: layer 0 (the input) … " + str(columns[-1])
                   + "; magenta: the field; grey: zero padding",
    })
