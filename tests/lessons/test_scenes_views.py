"""The stage's scatter, receptive-field and matrix scenes against convviz and torch, and against the README.

- scatter (convviz.lessons.transposed_convolution.scatter_scene): each step stamps exactly the cells
  conv_transpose2d writes for that input cell; the running sums and counts its `set`s leave after the
  last step are F.conv_transpose2d (uncropped, then cropped) and the overlap counts;
- receptive field (convviz.lessons.receptive_fields.field_stage_scene): the box of each step is
  convviz.receptive's field and the rows/columns where a torch autograd gradient is non-zero;
- matrix (convviz.lessons.convolution_matrix.matrix_scene): a row's highlighted inputs are A's non-zeros
  and torch's F.unfold window; a column's hovered outputs are its non-zeros.
"""

import json

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.lessons import scenes
from convviz.lessons.scenes import step_cells, steps_reading
from convviz.lessons.transposed_convolution import TransposedLayer, scatter_scene
from convviz.transposed import overlap_counts_2d

OPTIONAL_SCENE = {"hovers"}
OPTIONAL_GRID = {"image"}
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
        assert np.array(g["values"], dtype=float).shape == shape and np.array(g["text"]).shape == shape
        if "image" in g:
            assert g["image"].startswith("data:image/png;base64,")
    for link in scene["links"]:
        assert {link["from"], link["to"]} <= set(ids)
    for step in scene["steps"]:
        assert set(scenes.STEP_KEYS) <= set(step) <= set(scenes.STEP_KEYS) | OPTIONAL_STEP
        assert step["target"]["grid"] in ids and len(step["target"]["cell"]) == 3
        for h in step["highlights"] + scene["fixed"]:
            assert h["grid"] in ids
            assert ("pattern" in h and len(h["at"]) == 2) or "cells" in h or len(h["box"]) == 5
        for s in step.get("set", []):
            assert s["grid"] in ids and len(s["cells"]) == len(s["text"])
            assert all(isinstance(v, str) for v in s["text"])
        assert isinstance(step.get("status", ""), str)
    for grid_id, hv in scene.get("hovers", {}).items():
        assert grid_id in ids and set(hv) <= {"rows", "cols", "row_steps"}


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
