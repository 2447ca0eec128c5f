"""What an exercise's picture shows (convviz/lessons/exercises.py), against the lessons' own compute code:
the window's cells against convviz.window, the grids' sizes against the convolution, the revealed
receptive-field table against the answer; and the figures hold the answer back until revealed."""

import numpy as np
import pytest

from convviz.conv import convolve2d, cross_correlate2d
from convviz.exercises import from_params, generate
from convviz.figures.common import short_number
from convviz.lessons import exercises as drawn
from convviz.lessons.scenes.common import step_cells
from convviz.lessons.scenes.convolution import window_scene
from convviz.window import window_step

SEEDS = range(60)


def texts(fig) -> list[str]:
    """Every label drawn on the figure's heatmaps and the subplot titles."""
    out = [a.text for a in fig.layout.annotations]
    for trace in fig.data:
        if trace.text is not None:
            out += [str(t) for row in trace.text for t in (row if isinstance(row, (list, tuple, np.ndarray)) else [row])]
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_window_cells_are_the_window_code_cells(seed):
    p = generate("output_value", seed).params
    step = window_step(np.array(p["x"], float), np.array(p["w"], float), p["row"], p["col"], stride=p["stride"],
                       padding=p["padding"], dilation=p["dilation"], flip=p["op"] == "conv")
    assert drawn.window_cells(p) == step.rows_cols()


@pytest.mark.parametrize("seed", SEEDS)
def test_output_grid_is_the_convolution_output(seed):
    p = generate("output_value", seed).params
    compute = convolve2d if p["op"] == "conv" else cross_correlate2d
    y = compute(np.array(p["x"], float), np.array(p["w"], float), p["bias"], p["stride"], p["padding"], p["dilation"])
    assert drawn.output_grid(p) == y.shape


def test_window_cells_by_hand():
    """A 2×2 kernel, dilation 2, stride 2, output (1, 0): taps at rows 2 and 4, columns 0 and 2 of the padded input."""
    p = dict(x=[[0] * 5] * 5, w=[[1, 1], [1, 1]], bias=0, stride=2, padding=0, dilation=2, row=1, col=0, op="xcorr")
    assert drawn.window_cells(p) == [(2, 0), (2, 2), (4, 0), (4, 2)]
    assert drawn.output_grid(p) == (2, 2)


@pytest.mark.parametrize("topic", ["output_size", "transposed_output_size"])
@pytest.mark.parametrize("seed", range(30))
def test_size_scene(topic, seed):
    ex = generate(topic, seed)
    scene = drawn.size_scene(ex)
    p = ex.params
    assert scene.out == ex.answer
    assert scene.side == p["n"] + (0 if scene.transposed else 2 * p["padding"])
    assert scene.span == p["dilation"] * (p["k"] - 1) + 1
    assert len(scene.taps) == p["k"] ** 2 and max(max(t) for t in scene.taps) == scene.span - 1
    assert scene.transposed == (topic == "transposed_output_size")


def test_kernel_taps_leave_holes():
    assert drawn.kernel_taps(2, 3) == [(0, 0), (0, 3), (3, 0), (3, 3)]


@pytest.mark.parametrize("seed", range(30))
def test_receptive_rows_end_at_the_answer(seed):
    ex = generate("receptive_field", seed)
    rows = drawn.receptive_rows(ex.params)
    assert len(rows) == len(ex.params["layers"]) + 1
    assert rows[0] == {"after": "input", "n": ex.params["n"], "j": 1, "r": 1, "start": 0.5}
    assert rows[-1][ex.params["quantity"]] == ex.answer
    assert [r["kernel"] for r in drawn.layer_rows(ex.params)] == [d["kernel_size"] for d in ex.params["layers"]]


def test_parameter_rows():
    ex = from_params("parameters", dict(c_in=4, c_out=8, kernel_size=3, groups=2, bias=True))
    assert drawn.parameter_rows(ex.params)[3] == {"setting": "groups", "value": "2"}


@pytest.mark.parametrize("topic", ["output_size", "transposed_output_size", "output_value"])
@pytest.mark.parametrize("seed", range(8))
def test_figure_holds_the_answer_back(topic, seed):
    ex = generate(topic, seed)
    hidden, shown = texts(drawn.figure(ex, revealed=False)), texts(drawn.figure(ex, revealed=True))
    assert "?" in hidden and "?" not in shown
    if topic == "output_value":
        answer = f"y[{ex.params['row']}][{ex.params['col']}] = {int(ex.answer)}"      # the output's title
        assert any(answer in t for t in shown) and not any(answer in t for t in hidden)
    else:
        size = f"output {ex.answer}×{ex.answer}"
        assert size in shown and size not in hidden


def test_revealed_value_figure_outlines_the_window():
    ex = generate("output_value", 4)
    cells = drawn.window_cells(ex.params)
    hidden, shown = drawn.figure(ex, False), drawn.figure(ex, True)
    paths = [s.path for s in shown.layout.shapes if s.type == "path"]
    assert len(paths) == 1 and paths[0].count("M") == len(cells)
    r, c = cells[0]
    assert paths[0].startswith(f"M{c - 0.5},{r - 0.5}")
    assert not [s for s in hidden.layout.shapes if s.type == "path"]


def test_tables_and_batchnorm_have_no_figure():
    for topic in ("receptive_field", "parameters", "batchnorm"):
        assert drawn.figure(generate(topic, 1)) is None
    with pytest.raises(ValueError):
        drawn.size_scene(generate("parameters", 1))


@pytest.mark.parametrize("seed", SEEDS)
def test_reveal_scene_walks_the_window_to_the_asked_cell(seed):
    """The reveal's stage scene: reading order from output (0, 0), its last step the asked (row, col), its window
    there convviz.window's cells, its products (and bias) summing to the answer, which the output cell shows."""
    ex = generate("output_value", seed)
    p = ex.params
    scene = drawn.reveal_scene(ex)
    rows, cols = drawn.output_grid(p)
    assert [s["target"]["cell"] for s in scene["steps"]] == [[0, t // cols, t % cols] for t in range(len(scene["steps"]))]
    assert scene["steps"][-1]["target"] == {"grid": "output", "cell": [0, p["row"], p["col"]]}
    assert scene["stop_at_end"] is True
    last = len(scene["steps"]) - 1
    window = [(r, c) for _, r, c in step_cells(scene, last, "input")]
    assert window == drawn.window_cells(p)
    terms = scene["steps"][-1]["terms"]
    x = np.pad(np.array(p["x"], float), p["padding"])
    assert [t[0] for t in terms] == [x[r, c] for r, c in window]
    assert sum(t[2] for t in terms) + scene["bias"] == pytest.approx(ex.answer)
    output = next(g for g in scene["grids"] if g["id"] == "output")
    assert (output["rows"], output["cols"]) == (rows, cols)
    assert output["values"][0][p["row"]][p["col"]] == pytest.approx(ex.answer)
    assert output["text"][0][p["row"]][p["col"]] == short_number(ex.answer)
    kernel = next(g for g in scene["grids"] if g["id"] == "kernel")
    w = np.array(p["w"], float)
    assert kernel["values"][0] == (w[::-1, ::-1] if p["op"] == "conv" else w).tolist()


def test_reveal_scene_by_hand_and_only_for_output_value():
    """Output (1, 1) of a 2×2 output: four steps, the window at rows 1–2, columns 1–2 of x, 1·1 + 1·1 + 0 + 0 = 2."""
    ex = from_params("output_value", dict(x=[[0, 0, 0], [0, 1, 0], [0, 0, 1]], w=[[1, 0], [0, 1]], bias=0, stride=1,
                                          padding=0, dilation=1, row=1, col=1, op="xcorr"))
    scene = drawn.reveal_scene(ex)
    assert len(scene["steps"]) == 4 and ex.answer == 2
    assert step_cells(scene, 3, "input") == [(0, 1, 1), (0, 1, 2), (0, 2, 1), (0, 2, 2)]
    assert [t[2] for t in scene["steps"][3]["terms"]] == [1, 0, 0, 1]
    assert scene["id"] != window_scene(np.array(ex.params["x"], float), np.array(ex.params["w"], float))["id"]
    with pytest.raises(ValueError):
        drawn.reveal_scene(generate("output_size", 1))


@pytest.mark.parametrize("seed", SEEDS)
def test_size_reveal_walks_the_top_row_then_the_last_column(seed):
    """The output_size reveal: the window at output (0, 0) … (0, out−1), then down to (out−1, out−1), where it
    stops; each step's window the taps convviz.window reads there, inside the padded input; the output grid
    out×out (the answer) with no number shown until a step ✓s its cell."""
    ex = generate("output_size", seed)
    p, out = ex.params, int(ex.answer)
    scene = drawn.size_reveal_scene(ex)
    walk = [[0, 0, j] for j in range(out)] + [[0, i, out - 1] for i in range(1, out)]
    assert [s["target"]["cell"] for s in scene["steps"]] == walk
    assert scene["stop_at_end"] is True and scene["term_names"] == [] and "output {0}×{0}".format(out) in scene["caption"]
    output = next(g for g in scene["grids"] if g["id"] == "output")
    assert (output["rows"], output["cols"]) == (out, out)
    assert all(t == "" for g in scene["grids"] for ch in g["text"] for row in ch for t in row)
    side = p["n"] + 2 * p["padding"]
    x = np.zeros((p["n"], p["n"]))
    for t, (_, i, j) in enumerate(walk):
        cells = [(r, c) for _, r, c in step_cells(scene, t, "input")]
        step = window_step(x, np.ones((p["k"], p["k"])), i, j, stride=p["stride"], padding=p["padding"],
                           dilation=p["dilation"])
        assert cells == step.rows_cols()
        assert max(max(rc) for rc in cells) < side
        assert scene["steps"][t]["set"] == [{"grid": "output", "cells": [[0, i, j]], "text": ["✓"]}]
    span = p["dilation"] * (p["k"] - 1) + 1
    assert (out - 1) * p["stride"] + span <= side < out * p["stride"] + span     # one more stride would not fit
    first, last = -p["padding"], -p["padding"] + (out - 1) * p["stride"]   # x's own indices (negative: padding)
    spans = lambda a: f"{a} to {a + span - 1}".replace("-", "−")             # noqa: E731
    assert scene["steps"][0]["status"] == f"output (0, 0): the window on rows {spans(first)}, columns {spans(first)}"
    assert scene["steps"][-1]["status"].endswith(f"on rows {spans(last)}, columns {spans(last)}")
    assert scene["steps"][-1]["formula"].endswith(
        f"⌊({p['n']} + 2·{p['padding']} − {span}) / {p['stride']}⌋ + 1 = {out}")
    with pytest.raises(ValueError):
        drawn.size_reveal_scene(generate("output_value", seed))
