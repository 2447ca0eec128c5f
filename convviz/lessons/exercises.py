"""What an exercise's picture shows, as plain numbers (issue 25): which cells a window covers, the grids'
sizes, the rows of a layer table. The figures (convviz/figures/exercises.py) only draw these; the tests
(tests/lessons/test_exercise_figures.py) check the cells against convviz.window, the lessons' own window code.

Coordinates are in the zero-padded input, row 0 at the top, as on the convolution page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz.arithmetic import conv_output_size, effective_kernel_size
from convviz.exercises import Exercise
from convviz.figures.exercises import size_figure, value_figure
from convviz.lessons.scenes.common import first_steps
from convviz.lessons.scenes.convolution import window_scene
from convviz.receptive import Layer, receptive_field_table

SIZE_TOPICS = ("output_size", "transposed_output_size")
FIGURE_TOPICS = SIZE_TOPICS + ("output_value",)                     # drawn as a plotly figure
TABLE_TOPICS = ("receptive_field", "parameters")                    # drawn as a small table


def kernel_taps(k: int, dilation: int) -> list[tuple[int, int]]:
    """Offsets (row, col) of a k×k kernel's taps from its top-left tap: d cells apart, holes between."""
    return [(a * dilation, b * dilation) for a in range(k) for b in range(k)]


def window_cells(params: dict) -> list[tuple[int, int]]:
    """Padded-input cells read for output y[row][col] of an `output_value` exercise, in tap order:
    (row·s + a·d, col·s + b·d). The flip of true convolution changes which weight meets which cell, not the cells."""
    top, left = params["row"] * params["stride"], params["col"] * params["stride"]
    return [(top + dr, left + dc) for dr, dc in kernel_taps(len(params["w"]), params["dilation"])]


def output_grid(params: dict) -> tuple[int, int]:
    """(rows, cols) of the output of an `output_value` exercise."""
    k, s, p, d = len(params["w"]), params["stride"], params["padding"], params["dilation"]
    return conv_output_size(len(params["x"]), k, s, p, d), conv_output_size(len(params["x"][0]), k, s, p, d)


def reveal_scene(exercise: Exercise) -> dict:
    """The reveal of an `output_value` exercise: the convolution lesson's sliding-window scene for its x, w, bias,
    stride, padding, dilation and op (convviz.lessons.scenes.convolution.window_scene, the kernel flipped for "conv"), its steps
    from output cell (0, 0) up to the asked one in reading order, so that the stage's autoplay walks the window
    there and stops (`stop_at_end`) on its products and their sum, the answer."""
    p = exercise.params
    if exercise.topic != "output_value":
        raise ValueError(f"reveal_scene walks the window of an output_value exercise, not {exercise.topic!r}.")
    scene = window_scene(np.array(p["x"], dtype=np.float64), np.array(p["w"], dtype=np.float64), p["bias"], p["stride"],
                         p["padding"], p["dilation"], flip=p["op"] == "conv")
    cols = output_grid(p)[1]
    return first_steps(scene, p["row"] * cols + p["col"] + 1, stop_at_end=True,
                       title=f"The sliding window, walking to y[{p['row']}][{p['col']}]")


def _signed(index: int) -> str:
    """An index of x as the grid labels it; a padding cell before row (column) 0 is −1, −2, …"""
    return f"−{-index}" if index < 0 else str(index)


SIZE_REVEAL_CELL_PX = (16, 36)      # cells without numbers: small enough that a 16×16 padded input fits the column


def size_reveal_scene(exercise: Exercise) -> dict:
    """The reveal of an `output_size` exercise on the convolution lesson's stage: its window (window_scene over an
    n×n input with its padding, a k×k kernel with its dilation and stride) walks along the output's top row, then
    down its last column, and stops on the bottom-right output cell: how many positions fit across and down.
    The cells carry no numbers (the question has none); each output cell reached gets a ✓."""
    p = exercise.params
    if exercise.topic != "output_size":
        raise ValueError(f"size_reveal_scene walks the window of an output_size exercise, not {exercise.topic!r}.")
    n, k, s, pad, d = p["n"], p["k"], p["stride"], p["padding"], p["dilation"]
    full = window_scene(np.zeros((n, n)), np.ones((k, k)), 0.0, s, pad, d)
    out, span = int(exercise.answer), effective_kernel_size(k, d)
    if (full["grids"][2]["rows"], full["grids"][2]["cols"]) != (out, out):
        raise ValueError(f"The window makes a {full['grids'][2]['rows']}×{full['grids'][2]['cols']} output, not {out}×{out}.")
    grids = [{**g, "text": [[[""] * g["cols"] for _ in range(g["rows"])] for _ in range(g["channels"])]} for g in full["grids"]]
    fit = f"⌊({n} + 2·{pad} − {span}) / {s}⌋ + 1 = {out}"
    steps = []
    for i, j in [(0, j) for j in range(out)] + [(i, out - 1) for i in range(1, out)]:
        step = {key: v for key, v in full["steps"][i * out + j].items() if key != "terms"}
        rows, cols = (f"{_signed(a * s - pad)} to {_signed(a * s - pad + span - 1)}" for a in (i, j))   # x's indices
        across = f"{j + 1} of {out} positions across" if i == 0 else f"{i + 1} of {out} positions down"
        steps.append({**step, "set": [{"grid": "output", "cells": [[0, i, j]], "text": ["✓"]}],
                      "status": f"output ({i}, {j}): the window on rows {rows}, columns {cols}",
                      "formula": f"{across}; every position: {fit}" if (i, j) == (out - 1, out - 1) else across})
    return first_steps({**full, "grids": grids, "steps": steps, "term_names": []}, len(steps), stop_at_end=True,
                       step_noun="Window position", cell_px=list(SIZE_REVEAL_CELL_PX),
                       title=f"The window, fitting {out}×{out} times", caption=f"{full['caption']} · output {out}×{out}")


STAGE_REVEALS = {"output_value": reveal_scene, "output_size": size_reveal_scene}   # topic → its reveal's scene


@dataclass(frozen=True)
class SizeScene:
    """An output-size question as a picture: the n×n input inside its padding ring (a transposed conv
    crops its padding from the output instead, so no ring), the kernel's taps at the top-left, the output."""
    n: int
    ring: int                           # padding cells drawn around the input
    span: int                           # d(k−1)+1: the cells the dilated kernel spans
    taps: list[tuple[int, int]]         # in padded coordinates, the window at the top-left
    out: int                            # the answer: output rows (= columns)
    transposed: bool

    @property
    def side(self) -> int:
        """Rows (= columns) of the drawn input, ring included."""
        return self.n + 2 * self.ring


def size_scene(exercise: Exercise) -> SizeScene:
    p = exercise.params
    if exercise.topic not in SIZE_TOPICS:
        raise ValueError(f"size_scene draws {' and '.join(SIZE_TOPICS)}, not {exercise.topic!r}.")
    transposed = exercise.topic == "transposed_output_size"
    return SizeScene(n=p["n"], ring=0 if transposed else p["padding"], span=effective_kernel_size(p["k"], p["dilation"]),
                     taps=kernel_taps(p["k"], p["dilation"]), out=int(exercise.answer), transposed=transposed)


def layer_rows(params: dict) -> list[dict]:
    """The layer stack of a `receptive_field` exercise, one row a layer, for a table."""
    return [{"layer": f"{i}. {d['kind']}", "kernel": d["kernel_size"], "stride": d["stride"], "padding": d["padding"],
             "dilation": d["dilation"]} for i, d in enumerate(params["layers"], start=1)]


def receptive_rows(params: dict) -> list[dict]:
    """n, j, r and start after each layer (the revealed table), from the receptive-fields lesson's own code."""
    layers = [Layer(d["kind"], d["kernel_size"], d["stride"], d["padding"], d["dilation"]) for d in params["layers"]]
    return [{"after": row["name"], "n": row["n"], "j": row["j"], "r": row["r"], "start": float(row["start"])}
            for row in receptive_field_table(params["n"], layers)]


def parameter_rows(params: dict) -> list[dict]:
    """The settings of a `parameters` exercise as (setting, value) rows."""
    return [{"setting": key, "value": str(params[key])} for key in ("c_in", "c_out", "kernel_size", "groups", "bias")]


def figure(exercise: Exercise, revealed: bool = False):
    """The exercise on its lesson's kind of figure (a plotly figure), or None for a topic drawn as a table."""
    p = exercise.params
    if exercise.topic in SIZE_TOPICS:
        scene = size_scene(exercise)
        return size_figure(scene.n, scene.ring, scene.span, scene.taps, scene.out, transposed=scene.transposed,
                           revealed=revealed)
    if exercise.topic == "output_value":
        rows, cols = output_grid(p)
        return value_figure(p["x"], p["w"], rows, cols, p["padding"], p["row"], p["col"], window_cells(p),
                            exercise.answer, flip=p["op"] == "conv", revealed=revealed)
    return None
