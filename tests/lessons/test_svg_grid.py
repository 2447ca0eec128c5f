"""convviz.figures.svg_grid: the SVG twin of grid_figure shows the array's numbers where numpy prints them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from plotly.colors import sample_colorscale

from convviz.figures.common import MAX_CELLS_WITH_TEXT, short_number
from convviz.figures.svg_grid import cell_colours, grid_svg

NS = "{http://www.w3.org/2000/svg}"


def cells(svg: str) -> dict[tuple[int, int], dict]:
    """(row, col) -> {x, y, fill, text, title} of every cell group."""
    out = {}
    for g in ET.fromstring(svg).iter(f"{NS}g"):
        rect, text = g.find(f"{NS}rect"), g.find(f"{NS}text")
        out[int(g.get("data-row")), int(g.get("data-col"))] = dict(
            x=float(rect.get("x")), y=float(rect.get("y")), fill=rect.get("fill"),
            text=None if text is None else text.text or "", title=g.find(f"{NS}title").text)
    return out


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 24), st.integers(1, 24)),
              elements=st.floats(-1e4, 1e4, allow_nan=False)))
def test_every_value_sits_in_its_row_and_column(z):
    got = cells(grid_svg(z, "t"))
    assert set(got) == {(i, j) for i in range(z.shape[0]) for j in range(z.shape[1])}
    for (i, j), c in got.items():
        assert c["title"] == f"row {i}, col {j}: {short_number(z[i, j])}"
        assert c["text"] == (short_number(z[i, j]) if max(z.shape) <= MAX_CELLS_WITH_TEXT else None)
        if i:                                          # row 0 at the top, column 0 at the left
            assert c["y"] > got[i - 1, j]["y"] and c["x"] == got[i - 1, j]["x"]
        if j:
            assert c["x"] > got[i, j - 1]["x"] and c["y"] == got[i, j - 1]["y"]


def test_colours_are_plotly_rdbu_r_centred_on_zero():
    z = np.array([[-4.0, 0.0, 2.0, 4.0]])
    expected = sample_colorscale("RdBu_r", [0.0, 0.5, 0.75, 1.0])
    assert list(cell_colours(z)[0]) == expected
    assert cell_colours(np.zeros((1, 2)))[0, 0] == sample_colorscale("RdBu_r", [0.5])[0]   # all zero: white-ish


def test_nan_cells_are_grey_and_blank():
    got = cells(grid_svg(np.array([[np.nan, 1.0]]), "t"))
    assert got[0, 0]["fill"] == "rgb(217, 217, 217)" and got[0, 0]["text"] == ""
    assert got[0, 1]["text"] == "1"


def test_title_is_escaped_and_the_grid_scales_down():
    svg = grid_svg(np.eye(2), "a < b & c")
    root = ET.fromstring(svg)
    assert root.find(f"{NS}text").text == "a < b & c"
    assert "width: 100%" in root.get("style") and "max-width" in root.get("style")


def test_markdown_never_sees_its_special_characters():
    svg = grid_svg(np.array([[1.5, -2.0]]), "w_[0] * x_$1$ `a` ~b~")
    assert not any(c in svg for c in "*_$[]`~")
    assert ET.fromstring(svg).find(f"{NS}text").text == "w_[0] * x_$1$ `a` ~b~"


def test_projector_cells_are_larger():
    small, large = cells(grid_svg(np.eye(3), "t")), cells(grid_svg(np.eye(3), "t", large=True))
    assert large[0, 1]["x"] - large[0, 0]["x"] == pytest.approx(2 * (small[0, 1]["x"] - small[0, 0]["x"]))


def test_only_two_dimensional_grids():
    with pytest.raises(ValueError, match="2-D"):
        grid_svg(np.zeros((2, 2, 2)), "t")
