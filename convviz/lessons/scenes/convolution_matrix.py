"""The convolution-as-a-matrix lesson's scene: A beside the input x and the output y = A x, for the stage
(matrix_scene; lesson is the lesson's MatrixLesson), and which cells a row or a column of A links."""

from __future__ import annotations

import numpy as np

from convviz.figures.common import short_number
from convviz.lessons.scenes.common import VERSION, finish, grid

# --- A on the stage (convviz/ui/stage: a row of A <-> its window, a column <-> the outputs it feeds) -----

STAGE_MAX = (24, 48)        # A drawn cell by cell on the stage up to 24 rows × 48 columns; larger: the plotly picture


def stage_fits(shape: tuple[int, int]) -> bool:
    """Whether A of this shape is drawn on the stage (one SVG cell per entry), not as a picture."""
    return shape[0] <= STAGE_MAX[0] and shape[1] <= STAGE_MAX[1]


def row_cells(lesson, row: int) -> tuple[list, list, list]:
    """Row `row` of A: its structural non-zeros as A cells, as input cells (its window) and its output cell."""
    cols = np.flatnonzero(lesson.pattern[row])
    return ([[0, row, int(k)] for k in cols], [list(lesson.input_cell(int(k))) for k in cols],
            [list(lesson.output_cell(row))])


def column_cells(lesson, col: int) -> tuple[list, list, list]:
    """Column `col` of A: its structural non-zeros as A cells, its input cell and the output cells it feeds."""
    rows = np.flatnonzero(lesson.pattern[:, col])
    return ([[0, int(r), col] for r in rows], [list(lesson.input_cell(col))],
            [list(lesson.output_cell(int(r))) for r in rows])


def _groups(cells: tuple[list, list, list]) -> list[dict]:
    return [{"grid": g, "cells": c} for g, c in zip(("matrix", "input", "output"), cells) if c]


def matrix_scene(lesson) -> dict:
    """The stage's scene of A beside the input x and the output y = A x (README: the matrix view).

    Step t is row t of A: its non-zeros on A and its window on the input are highlighted, its output cell
    is the target, and its products x·A[t, k] are the terms. Hovering a cell of A marks its row's window
    and output (`row_groups`) and its column's input cell and the outputs it feeds (`col_groups`); hovering
    an input or output cell marks its column or row. Clicking A or the input picks a column (state `col`).
    Structural zeros of A (never read) are `faint`.
    """
    s, a, x, y = lesson.settings, lesson.a, lesson.x, lesson.y
    n_rows, n_cols = a.shape
    text = lesson.symbols() if s.symbols else np.array([[short_number(v) for v in r] for r in a], dtype=object)
    text = np.where(lesson.pattern, text, "0")
    matrix = grid("matrix", f"= A ({n_rows} × {n_cols})", a, role="weights")
    matrix["text"] = [text.tolist()]
    matrix["faint"] = [[0, int(r), int(q)] for r, q in zip(*np.nonzero(~lesson.pattern))]
    channels = lambda n, name: [f"{name} {k}" for k in range(n)] if n > 1 else [""]  # noqa: E731
    named = lambda name, what, n: name if n > 1 else f"{name} ({what})"  # noqa: E731  (short over a channel's panel)
    grids = [grid("output", named("y", "output", s.c_out), y, role="target", channel_labels=channels(s.c_out, "channel")),
             matrix,                                                                                  # y = A x
             grid("input", named("x", "input", s.c), x, role="source", channel_labels=channels(s.c, "channel"))]
    steps = []
    for t in range(n_rows):
        on_a, window, _ = row_cells(lesson, t)
        cols = np.flatnonzero(lesson.pattern[t])
        steps.append({"highlights": [{"grid": "matrix", "cells": on_a}, {"grid": "input", "cells": window}],
                      "target": {"grid": "output", "cell": list(lesson.output_cell(t))},
                      "terms": [[float(x.ravel()[k]), float(a[t, k]), float(x.ravel()[k] * a[t, k])] for k in cols]})
    return finish({
        "version": VERSION, "kind": "matrix", "title": "A convolution as a matrix: rows are windows, columns input cells",
        "grids": grids, "patterns": {}, "steps": steps, "fixed": [], "step_noun": "Output cell",
        "links": [{"from": "input", "to": "output"}], "term_names": ["x", "A", "x·A"], "bias": 0.0, "source": "input",
        "caption": f"Row t of A is output cell t and column k is input cell k, both in reading order (channel, row, "
                   f"column); faint cells of A are always 0. Stride {s.stride}, padding {s.padding}, dilation {s.dilation}.",
        "cell_px": [32, 60], "step_label": "Row of A",
        "row_groups": [_groups(row_cells(lesson, t)) for t in range(n_rows)],
        "col_groups": [_groups(column_cells(lesson, k)) for k in range(n_cols)],
        "hovers": {"matrix": {"rows": "r", "cols": "q", "row_steps": True, "col_pick": True},
                   "input": {"cols": "flat", "col_pick": True}, "output": {"rows": "flat"}},
    })
