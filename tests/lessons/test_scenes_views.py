"""The stage's scatter, receptive-field and matrix scenes against convviz and torch, and against the README.

- scatter (convviz.lessons.scenes.transposed_convolution.scatter_scene): each step stamps exactly the cells
  conv_transpose2d writes for that input cell; the running sums and counts its `set`s leave after the
  last step are F.conv_transpose2d (uncropped, then cropped) and the overlap counts;
- receptive field (convviz.lessons.scenes.receptive_fields.field_stage_scene): the box of each step is
  convviz.receptive's field and the rows/columns where a torch autograd gradient is non-zero;
- matrix (convviz.lessons.scenes.convolution_matrix.matrix_scene): a row's highlighted inputs are A's non-zeros
  and torch's F.unfold window; a column's hovered outputs are its non-zeros.
"""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.figures.common import short_number
from convviz.lessons.scenes import common as scenes
from convviz.lessons.convolution_matrix import MatrixSettings, matrix_lesson
from convviz.lessons.receptive_fields import FieldSettings
from convviz.lessons.scenes.common import step_cells, steps_reading
from convviz.lessons.scenes.convolution_matrix import matrix_scene
from convviz.lessons.scenes.receptive_fields import anchored_units, field_stage_scene
from convviz.lessons.scenes.transposed_convolution import scatter_scene
from convviz.lessons.transposed_convolution import TransposedLayer
from convviz.receptive import field_bounds
from convviz.transposed import overlap_counts_2d
from convviz.window import window_step

OPTIONAL_SCENE = {"hovers", "row_groups", "col_groups", "cell_px", "step_label"}
OPTIONAL_GRID = {"image", "faint"}
OPTIONAL_STEP = {"terms", "formula", "set", "status"}


def shown_after(scene: dict, t: int, grid_id: str) -> np.ndarray:
    """What grid `grid_id` shows after step t: its text overwritten by the `set`s of steps 0 … t (stage.js)."""
    g = next(g for g in scene["grids"] if g["id"] == grid_id)
    text = np.array(g["text"], dtype=object)
    for step in scene["steps"][: t + 1]:
        for s in step.get("set", []):
            if s["grid"] == grid_id:
                for (c, r, q), value in zip(s["cells"], s["text"]):
                    text[c, r, q] = value
    return text


def as_numbers(text: np.ndarray) -> np.ndarray:
    return np.array([[float(v) if v != "" else 0.0 for v in row] for row in text[0]])


def check_contract(scene: dict) -> None:
    """The README's keys and types, the optional ones included."""
    json.dumps(scene, allow_nan=False)
    assert set(scenes.SCENE_KEYS) <= set(scene) <= set(scenes.SCENE_KEYS) | OPTIONAL_SCENE
    assert scene["version"] == scenes.VERSION and len(scene["id"]) == 16
    ids = [g["id"] for g in scene["grids"]]
    assert scene["source"] in ids
    for g in scene["grids"]:
        assert set(scenes.GRID_KEYS) <= set(g) <= set(scenes.GRID_KEYS) | OPTIONAL_GRID
        shape = (g["channels"], g["rows"], g["cols"])
        if "image" in g:                                   # a photo: no cells, so no numbers
            assert g["image"].startswith("data:image/png;base64,") and g["values"] == g["text"] == []
        else:
            assert np.array(g["values"], dtype=float).shape == shape and np.array(g["text"]).shape == shape
    for link in scene["links"]:
        assert {link["from"], link["to"]} <= set(ids)
    for step in scene["steps"]:
        assert set(scenes.STEP_KEYS) <= set(step) <= set(scenes.STEP_KEYS) | OPTIONAL_STEP
        assert step["target"]["grid"] in ids and len(step["target"]["cell"]) == 3
        for h in step["highlights"] + scene["fixed"]:
            assert h["grid"] in ids
            assert ("pattern" in h and len(h["at"]) == 2) or "cells" in h or len(h["box"]) == 5
        for s in step.get("set", []):
            assert s["grid"] in ids and len(s["cells"]) == len(s["text"]) == len(s["values"])
            assert all(isinstance(v, str) for v in s["text"])
            assert [short_number(v) for v in s["values"]] == s["text"]      # the number each cell shows, for the exports
        assert isinstance(step.get("status", ""), str)
    for grid_id, hv in scene.get("hovers", {}).items():
        assert grid_id in ids and set(hv) <= {"rows", "cols", "row_steps", "col_pick"}
        for which in ("rows", "cols"):
            assert isinstance(hv.get(which, []), list) or hv[which] in ("r", "q", "flat")
    for group in scene.get("row_groups", []) + scene.get("col_groups", []):
        assert all(h["grid"] in ids and "cells" in h for h in group)


# --- The scatter -------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(h=st.integers(1, 4), w=st.integers(1, 4), k=st.integers(1, 4), s=st.integers(1, 3), p=st.integers(0, 2),
       a=st.integers(0, 2), d=st.integers(1, 2), seed=st.integers(0, 50))
def test_scatter_steps_stamp_what_conv_transpose2d_writes_and_end_at_torch(h, w, k, s, p, a, d, seed):
    try:
        layer = TransposedLayer(h=h, w=w, k=k, s=s, p=p, output_padding=a, d=d, seed=seed)
    except ValueError:
        return                                           # no such layer (the page says why)
    scene = scatter_scene(layer)
    check_contract(scene)
    x, kernel = layer.arrays()
    assert len(scene["steps"]) == x.size
    xt, wt = torch.from_numpy(x)[None, None], torch.from_numpy(kernel)[None, None]
    full = F.conv_transpose2d(xt, wt, stride=s, dilation=d)[0, 0].numpy()               # uncropped
    for t, (i, j) in enumerate(np.ndindex(h, w)):
        one = np.zeros_like(x)
        one[i, j] = 1.0                                                                  # input cell t alone
        lit = F.conv_transpose2d(torch.from_numpy(one)[None, None], torch.ones_like(wt), stride=s, dilation=d)[0, 0]
        want = sorted((0, int(r), int(q)) for r, q in zip(*np.nonzero(lit.numpy())))
        assert sorted(step_cells(scene, t, "sum")) == want == sorted(step_cells(scene, t, "count"))
        assert set(step_cells(scene, t, "input")) == {(0, i, j)}                  # highlighted and its target
    g = next(g for g in scene["grids"] if g["id"] == "sum")
    ph, pw, ho, wo = g["inner"]["row"], g["inner"]["col"], g["inner"]["rows"], g["inner"]["cols"]
    total = as_numbers(shown_after(scene, x.size - 1, "sum"))
    np.testing.assert_allclose(total[: full.shape[0], : full.shape[1]], full, rtol=1e-3, atol=1e-6)
    torch_y = F.conv_transpose2d(xt, wt, stride=s, padding=p, output_padding=a, dilation=d)[0, 0].numpy()
    np.testing.assert_allclose(total[ph:ph + ho, pw:pw + wo], torch_y, rtol=1e-3, atol=1e-6)
    counts = as_numbers(shown_after(scene, x.size - 1, "count"))[ph:ph + ho, pw:pw + wo]
    if d == 1 and a == 0:
        np.testing.assert_array_equal(counts, overlap_counts_2d((h, w), (k, k), (s, s), (p, p)))


def test_scatter_counts_build_up_step_by_step_in_note_000():
    layer = TransposedLayer.from_preset("note000")
    scene = scatter_scene(layer)
    counts = [as_numbers(shown_after(scene, t, "count")) for t in range(4)]
    assert counts[0].sum() == 4 and counts[3].sum() == 16            # one 2×2 stamp per step
    sums = [as_numbers(shown_after(scene, t, "sum")) for t in range(4)]
    np.testing.assert_array_equal(sums[1][:2, 2:], [[0, 1], [2, 3]])   # x[0, 1] = 1 stamps the kernel itself
    assert steps_reading(scene, "sum", (0, 0, 0)) == [0]              # hovering output (0, 0): only input (0, 0)


# --- The receptive field, layer by layer -------------------------------------------------------
def autograd_field(n: int, layers, unit) -> tuple[range, range]:
    """Input rows and columns where ∂ y[unit] / ∂ x ≠ 0 through the stack in torch (weights 1, average pools)."""
    x = torch.ones(1, 1, n, n, dtype=torch.float64, requires_grad=True)
    y = x
    for layer in layers:
        if layer.kind == "conv":
            w = torch.ones(1, 1, layer.kernel_size, layer.kernel_size, dtype=torch.float64)
            y = F.conv2d(y, w, stride=layer.stride, padding=layer.padding, dilation=layer.dilation)
        else:
            y = F.avg_pool2d(y, layer.kernel_size, layer.stride, layer.padding)
    y[0, 0, unit[0], unit[1]].backward()
    rows, cols = np.nonzero(x.grad[0, 0].numpy())
    return range(rows.min(), rows.max() + 1), range(cols.min(), cols.max() + 1)


RF_STACKS = {"note002": (5, "c3s2p1,c3s2p1"), "dilated": (16, "c3,c3d2,c3d4"), "pool": (12, "c3p1,p2s2,c3s2p1,p2s2p1"),
             "even": (10, "c2s2,c4s1p1,p3s2p1")}


@pytest.mark.parametrize("name", RF_STACKS)
@pytest.mark.parametrize("where", ["first", "last", "middle"])
def test_field_box_of_every_layer_is_convviz_receptive_and_autograd(name, where):
    n, text = RF_STACKS[name]
    settings = FieldSettings.from_text(n, text)
    table = settings.table()
    depth = len(settings.layers)
    last_n = table[-1]["n"]
    unit = {"first": (0, 0), "last": (last_n - 1, last_n - 1), "middle": (last_n // 2, (last_n - 1) // 2)}[where]
    scene = field_stage_scene(settings, depth, unit)
    check_contract(scene)
    units = anchored_units(settings, depth, unit)
    assert units[-1] == unit and len(scene["steps"]) == depth
    g = scene["grids"][0]
    r0 = g["origin"][0]                                                       # input row 0 in grid rows
    for t, (row, u) in enumerate(zip(table[1:], units)):
        (lo_r, hi_r), (lo_c, hi_c) = field_bounds(row, u[0]), field_bounds(row, u[1])
        box = [(c, r - r0, q - r0) for c, r, q in step_cells(scene, t, "input")]
        rows, cols = sorted({r for _, r, _ in box}), sorted({q for _, _, q in box})
        assert rows == list(range(int(lo_r), int(hi_r))) and cols == list(range(int(lo_c), int(hi_c)))
        assert len(box) == row["r"] ** 2                                     # r × r cells, padding included
        inside_r, inside_c = autograd_field(n, settings.layers[: t + 1], u)
        assert list(inside_r) == [r for r in rows if 0 <= r < n] and list(inside_c) == [q for q in cols if 0 <= q < n]
        step = scene["steps"][t]
        assert step["target"] == {"grid": "r", "cell": [0, 0, t + 1]}
        assert f"n = {row['n']}, j = {row['j']}, r = {row['r']}, start = {row['start']:g}" in step["status"]


def test_units_follow_the_chosen_field_and_large_inputs_draw_the_photo():
    settings = FieldSettings.from_preset("vgg16")
    table = settings.table()
    units = anchored_units(settings, 17, (3, 3))
    assert units[16] == (3, 3)
    centre = table[17]["start"] + 3 * table[17]["j"]
    for row, (ui, _) in zip(table[1:], units):                                # nearest centre in every layer
        assert abs(row["start"] + ui * row["j"] - centre) <= row["j"] / 2 or ui in (0, row["n"] - 1)
    scene = field_stage_scene(settings, 17, (3, 3))
    check_contract(scene)
    photo = scene["grids"][0]
    assert photo["image"].startswith("data:image/png;base64,") and photo["values"] == [] == photo["text"]
    c, r0, q0, r1, q1 = scene["steps"][16]["highlights"][0]["box"]
    assert r1 - r0 + 1 == q1 - q0 + 1 == table[17]["r"]
    c, r0, q0, r1, q1 = scene["steps"][-1]["highlights"][0]["box"]
    assert r1 - r0 + 1 == q1 - q0 + 1 == 212                                  # published: VGG-16 pool5 r = 212


# --- The matrix: rows are windows, columns are the outputs an input feeds ------------------------------
@settings(max_examples=25, deadline=None)
@given(c=st.integers(1, 2), co=st.integers(1, 2), h=st.integers(1, 5), w=st.integers(1, 5), k=st.integers(1, 3),
       s=st.integers(1, 2), p=st.integers(0, 2), d=st.integers(1, 2), kernel=st.sampled_from(["ones", "random"]))
def test_matrix_rows_are_convviz_windows_and_columns_the_outputs_they_feed(c, co, h, w, k, s, p, d, kernel):
    try:
        settings = MatrixSettings(kernel=kernel, c=c, c_out=co, h=h, w=w, kh=k, kw=k, stride=s, padding=p, dilation=d)
    except ValueError:
        return                                           # no window fits (the page says why)
    lesson = matrix_lesson(settings)
    scene = matrix_scene(lesson)
    check_contract(scene)
    a, x, kernel_w = lesson.a, lesson.x, lesson.kernel
    n_rows, n_cols = a.shape
    assert len(scene["steps"]) == len(scene["row_groups"]) == n_rows and len(scene["col_groups"]) == n_cols
    index = torch.arange(1, x.size + 1, dtype=torch.float64).reshape(1, *x.shape)
    unfold = F.unfold(index, k, dilation=d, padding=p, stride=s)[0]           # (C·k·k, H'·W')
    for t in range(n_rows):
        o, i, j = np.unravel_index(t, lesson.y.shape)
        window = window_step(x, kernel_w, i, j, out_channel=o, stride=s, padding=p, dilation=d)
        real = sorted((tap.channel, tap.row - p, tap.col - p) for tap in window.taps if not tap.is_padding)
        on_input = sorted(step_cells(scene, t, "input"))
        assert on_input == real                                              # convviz.window's window
        flat = sorted(int(np.ravel_multi_index(cell, x.shape)) for cell in on_input)
        assert flat == np.flatnonzero(lesson.pattern[t]).tolist()           # A's structural non-zeros
        if kernel == "ones":                                                  # no zero weight: the non-zeros of A
            assert flat == np.flatnonzero(a[t]).tolist()
        read = unfold[:, i * lesson.y.shape[2] + j]                          # flat index + 1, 0 for padding
        assert flat == sorted(int(v) - 1 for v in read[read > 0])           # torch's F.unfold window
        assert sorted(step_cells(scene, t, "matrix")) == [(0, t, q) for q in flat]
        assert step_cells(scene, t, "output") == [(o, i, j)]
        x_terms = [term[0] for term in scene["steps"][t]["terms"]]
        assert x_terms == [float(x[tuple(cell)]) for cell in sorted(on_input)]   # the products, in the window's order
        assert sum(term[2] for term in scene["steps"][t]["terms"]) == pytest.approx(lesson.y[o, i, j])
    for q in range(n_cols):
        fed = [cell for g in scene["col_groups"][q] if g["grid"] == "output" for cell in g["cells"]]
        want = [list(np.unravel_index(r, lesson.y.shape)) for r in np.flatnonzero(lesson.pattern[:, q])]
        assert fed == [[int(v) for v in cell] for cell in want]
        outputs = sorted({tuple(int(v) for v in scene["steps"][t]["target"]["cell"])
                          for t in steps_reading(scene, "input", np.unravel_index(q, x.shape))})
        assert outputs == sorted(tuple(cell) for cell in fed)                 # the stage's links agree


def test_matrix_scene_of_note_001_faint_zeros_and_symbols():
    lesson = matrix_lesson(MatrixSettings.from_controls(preset="note001", labels="symbols"))
    scene = matrix_scene(lesson)
    assert [g["id"] for g in scene["grids"]] == ["output", "matrix", "input"]         # y = A x
    matrix = scene["grids"][1]
    assert (matrix["rows"], matrix["cols"]) == (4, 16)
    assert matrix["text"][0][0][:6] == ["w00", "w01", "w02", "0", "w10", "w11"]
    assert len(matrix["faint"]) == 4 * 16 - 4 * 9 and [0, 0, 3] in matrix["faint"]
    assert scene["hovers"]["matrix"] == {"rows": "r", "cols": "q", "row_steps": True, "col_pick": True}
