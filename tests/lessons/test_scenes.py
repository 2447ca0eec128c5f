"""The stage's scenes (convviz.lessons.scenes/) against convviz and torch, and against their README.

For random stride, padding, dilation and channels, each step of the sliding-window scene highlights
exactly the cells convviz.window.window_step reads and torch's F.unfold gathers (in the same order);
its products plus the bias are F.conv2d's output cell. Pooling scenes give torch's pooled values.
The keys and types the builders emit are the ones convviz/ui/stage/README.md documents.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.lessons.scenes import common as scenes
from convviz.lessons.scenes.common import step_cells, steps_reading
from convviz.lessons.scenes.convolution import window_scene
from convviz.lessons.scenes.convolution_zoo import pooling_scene
from convviz.pooling import gaussian_pool_weights
from convviz.window import window_step
from tests.strategies import conv_cases

README = Path(__file__).resolve().parents[2] / "convviz" / "ui" / "stage" / "README.md"


def unfold_cells(c, hp, wp, kernel, stride, dilation) -> list[list[tuple[int, int, int]]]:
    """For each output position (reading order), the padded-input cells F.unfold gathers, as (c, row, col)."""
    index = torch.arange(c * hp * wp, dtype=torch.float64).reshape(1, c, hp, wp)
    columns = F.unfold(index, kernel, dilation=dilation, stride=stride)[0].T      # (L, C·kh·kw)
    return [[tuple(int(v) for v in np.unravel_index(int(i), (c, hp, wp))) for i in col] for col in columns]


@settings(max_examples=40, deadline=None)
@given(conv_cases(max_size=9), st.booleans())
def test_window_cells_are_window_step_and_unfold_and_products_sum_to_conv2d(case, flip):
    x, w, b, stride, padding, dilation = case
    kernel = w[0]                                                       # the stage shows one output map
    scene = window_scene(x, kernel, b[0], stride, padding, dilation, flip=flip)
    used = np.flip(kernel, (-2, -1)).copy() if flip else kernel
    y = F.conv2d(torch.from_numpy(x)[None], torch.from_numpy(used)[None], torch.tensor([b[0]]), stride=stride,
                 padding=padding, dilation=dilation)[0, 0].numpy()
    (c, h, wd), (ph, pw) = x.shape, padding
    unfolded = unfold_cells(c, h + 2 * ph, wd + 2 * pw, kernel.shape[-2:], stride, dilation)
    assert len(scene["steps"]) == y.size == len(unfolded)
    output = np.array(next(g for g in scene["grids"] if g["id"] == "output")["values"])[0]
    np.testing.assert_allclose(output, y, rtol=1e-5, atol=1e-9)     # values are rounded to 6 digits for shading
    for t, step in enumerate(scene["steps"]):
        i, j = divmod(t, y.shape[1])
        assert step["target"] == {"grid": "output", "cell": [0, i, j]}
        taps = window_step(x, kernel, i, j, bias=b[0], stride=stride, padding=padding, dilation=dilation, flip=flip).taps
        assert step_cells(scene, t, "input") == [(tap.channel, tap.row, tap.col) for tap in taps] == unfolded[t]
        assert step_cells(scene, t, "kernel") == [(tap.channel, tap.a, tap.b) for tap in taps]
        assert step_cells(scene, t, "output") == [(0, i, j)]
        terms = np.array(step["terms"])                                 # small cases: always listed
        np.testing.assert_allclose(terms[:, 0] * terms[:, 1], terms[:, 2])
        assert abs(terms[:, 2].sum() + scene["bias"] - y[i, j]) < 1e-9


@settings(max_examples=25, deadline=None)
@given(conv_cases(max_size=7))
def test_hovering_an_input_cell_names_the_outputs_that_read_it_and_unread_rows_are_unread(case):
    x, w, b, stride, padding, dilation = case
    scene = window_scene(x, w[0], b[0], stride, padding, dilation)
    (c, h, wd), (ph, pw) = x.shape, padding
    unfolded = unfold_cells(c, h + 2 * ph, wd + 2 * pw, w.shape[-2:], stride, dilation)
    for cell in [(0, ph, pw), (c - 1, ph + h - 1, pw + wd - 1), (0, ph + h // 2, pw + wd // 2)]:
        assert steps_reading(scene, "input", cell) == [t for t, cells in enumerate(unfolded) if cell in cells]
    grid = scene["grids"][0]
    read = {(r, q) for cells in unfolded for _, r, q in cells if ph <= r < ph + h and pw <= q < pw + wd}   # real cells
    assert grid["unread_rows"] == [r for r in range(ph, ph + h) if all(rr != r for rr, _ in read)]
    assert grid["unread_cols"] == [q for q in range(pw, pw + wd) if all(qq != q for _, qq in read)]


def test_padding_and_dilation_holes_in_a_known_case():
    """5×5 input, 3×3 kernel, padding 1, dilation 2: the first window reads rows/cols -1, 1, 3 of the input."""
    scene = window_scene(np.arange(25.0).reshape(5, 5), np.ones((3, 3)), padding=1, dilation=2)
    grid = scene["grids"][0]
    assert grid["inner"] == {"row": 1, "col": 1, "rows": 5, "cols": 5} and grid["origin"] == [1, 1]
    assert step_cells(scene, 0, "input") == [(0, r, q) for r in (0, 2, 4) for q in (0, 2, 4)]
    assert grid["text"][0][0] == ["0"] * 7 and grid["text"][0][1][1:6] == ["0", "1", "2", "3", "4"]
    assert len(scene["steps"]) == 9 and grid["unread_rows"] == [] and grid["unread_cols"] == []
    assert window_scene(np.zeros((4, 4)), np.ones((2, 2)), stride=3)["grids"][0]["unread_rows"] == [2, 3]


def test_large_scenes_leave_the_products_to_the_table():
    big = window_scene(np.ones((3, 32, 31)), np.ones((3, 3, 5)), padding=(2, 4), dilation=(2, 3))
    assert all("terms" not in s for s in big["steps"]) and big["term_names"] == []
    assert len(big["steps"]) * 45 > scenes.TERM_BUDGET
    assert len(json.dumps(big)) < 300_000, "the largest view the page allows stays a small message"


@pytest.mark.parametrize("op, torch_pool", [("max", F.max_pool2d), ("avg", F.avg_pool2d)])
@pytest.mark.parametrize("k, s, p", [(2, 2, 0), (3, 2, 1), (2, 1, 1), (3, 3, 0)])
def test_pooling_scene_cells_and_values_match_torch(op, torch_pool, k, s, p):
    x = np.random.default_rng(k * 10 + s + p).permutation(36).reshape(6, 6).astype(float)
    scene = pooling_scene(x, op, k, s, p)
    y = torch_pool(torch.from_numpy(x)[None, None], k, s, p)[0, 0].numpy()
    unfolded = unfold_cells(1, 6 + 2 * p, 6 + 2 * p, (k, k), s, 1)
    assert len(scene["steps"]) == y.size
    for t, step in enumerate(scene["steps"]):
        i, j = divmod(t, y.shape[1])
        assert step_cells(scene, t, "input") == unfolded[t]
        assert step["formula"].endswith(f"= {scenes.short_number(y[i, j])}")
        if op == "max":                                             # the winner is in the window and is y
            (winner,) = [h for h in step["highlights"] if h.get("mark") == "winner"]
            (cell,) = winner["cells"]
            assert tuple(cell) in unfolded[t] and x[cell[1] - p, cell[2] - p] == y[i, j]
    assert np.array(scene["grids"][-1]["values"][0]) == pytest.approx(y, rel=1e-5)   # 6 digits, for shading


def test_weighted_average_pooling_terms_sum_to_the_output():
    x = np.arange(36.0).reshape(6, 6)
    w = gaussian_pool_weights(3, 1.0)
    scene = pooling_scene(x, "wavg", 3, 2, 1, weights=w)
    y = F.conv2d(torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None], stride=2, padding=1)[0, 0].numpy()
    for t, step in enumerate(scene["steps"]):
        assert abs(sum(term[2] for term in step["terms"]) - y.flat[t]) < 1e-9


# --- The data contract ---------------------------------------------------------------------------
def readme_keys(heading: str) -> list[str]:
    """The keys in the first column of the first table after `heading` (a regex) in the README."""
    after = re.split(heading, README.read_text(), maxsplit=1)[1].splitlines()
    start = next(n for n, line in enumerate(after) if line.startswith("|"))
    rows = [line for line in after[start:] if line.startswith("|")]
    end = next((n for n, line in enumerate(after[start:]) if not line.startswith("|")), len(rows))
    return [key for line in rows[2:end] for key in re.findall(r"`([a-z_0-9]+)`", line.split("|")[1])]


SCENES = {
    "window": window_scene(np.arange(30.0).reshape(2, 3, 5), np.ones((2, 2, 2)), 1.5, (2, 1), (1, 0), (1, 2)),
    "window-flip": window_scene(np.ones((4, 4)), np.arange(4.0).reshape(2, 2), flip=True),
    "max-pool": pooling_scene(np.arange(16.0).reshape(4, 4), "max", 2, 2, 1),
    "wavg-pool": pooling_scene(np.arange(16.0).reshape(4, 4), "wavg", 3, 1, 1, weights=gaussian_pool_weights(3, 1.0)),
}


def test_readme_documents_exactly_the_keys_the_builders_use():
    assert readme_keys(r"## Scene \(version 1\)") == list(scenes.SCENE_KEYS)
    assert readme_keys(r"\*\*Grid\*\*") == list(scenes.GRID_KEYS)
    assert set(readme_keys(r"\*\*Step\*\*")) == set(scenes.STEP_KEYS) | {"terms", "formula"}


@pytest.mark.parametrize("name", SCENES)
def test_scene_has_the_documented_keys_and_types(name):
    scene = SCENES[name]
    json.dumps(scene, allow_nan=False)                                  # JSON as it is sent
    assert set(scene) == set(scenes.SCENE_KEYS)
    assert scene["version"] == 1 and isinstance(scene["id"], str) and len(scene["id"]) == 16
    assert all(isinstance(scene[k], str) for k in ("kind", "title", "step_noun", "source", "caption"))
    assert isinstance(scene["bias"], float) and all(isinstance(n, str) for n in scene["term_names"])
    ids = [g["id"] for g in scene["grids"]]
    assert scene["source"] in ids
    for g in scene["grids"]:
        assert set(g) == set(scenes.GRID_KEYS) and g["role"] in ("source", "weights", "target")
        shape = (g["channels"], g["rows"], g["cols"])
        assert np.array(g["values"], dtype=float).shape == shape and np.array(g["text"]).shape == shape
        assert all(isinstance(v, (float, type(None))) for ch in g["values"] for row in ch for v in row)
        assert set(g["inner"]) == {"row", "col", "rows", "cols"} and len(g["channel_labels"]) == g["channels"]
        assert all(isinstance(v, int) for v in g["origin"] + g["unread_rows"] + g["unread_cols"])
    for pattern in scene["patterns"].values():
        assert all(len(cell) == 3 and all(isinstance(v, int) for v in cell) for cell in pattern)
    for link in scene["links"]:
        assert set(link) == {"from", "to"} and {link["from"], link["to"]} <= set(ids)
    for step in scene["steps"]:
        assert set(scenes.STEP_KEYS) <= set(step) <= set(scenes.STEP_KEYS) | {"terms", "formula"}
        assert step["target"]["grid"] in ids and len(step["target"]["cell"]) == 3
        for h in step["highlights"] + scene["fixed"]:
            assert h["grid"] in ids and (("pattern" in h and h["pattern"] in scene["patterns"] and len(h["at"]) == 2)
                                         or all(len(cell) == 3 for cell in h["cells"]))
        if "terms" in step:
            assert len(step["terms"][0]) == len(scene["term_names"]) == 3
            assert len(step["terms"]) == len(step_cells(scene, scene["steps"].index(step), scene["source"]))


def test_the_id_changes_with_the_numbers_and_only_with_them():
    a = window_scene(np.ones((3, 3)), np.ones((2, 2)))
    assert a["id"] == window_scene(np.ones((3, 3)), np.ones((2, 2)))["id"]
    assert a["id"] != window_scene(np.ones((3, 3)), np.ones((2, 2)), bias=1.0)["id"]
