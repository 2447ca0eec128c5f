"""The stage (convviz/ui/stage) on the transposed scatter, the receptive field and the matrix, in Chromium.

Stepping (buttons, keys) moves the highlight at once and the URL's step param follows after the debounce;
hovering highlights the cells convviz computes (the scenes are checked against convviz and torch in
tests/lessons/test_scenes_views.py). Screenshots at 1440×900 and 390×844 land in tests/browser/screenshots/.
"""

import re

from playwright.sync_api import expect

from convviz.lessons.scenes.common import steps_reading
from convviz.lessons.scenes.transposed_convolution import scatter_scene
from convviz.lessons.transposed_convolution import TransposedLayer
from convviz.testing.serve import wait_for_app
from tests.support import open_stage, stage_cells, steady


def cell_text(page, grid, r, q) -> str:
    return page.locator(f".stage .cell[data-grid={grid}][data-row='{r}'][data-col='{q}'] text").text_content()


def shoot(page, screenshots, name):
    """The stage at 1440×900 and at a phone's 390×844 (the viewport put back after)."""
    size = page.viewport_size
    for width, height, suffix in [(1440, 900, ""), (390, 844, "_phone")]:
        page.set_viewport_size({"width": width, "height": height})
        steady(page)
        page.locator(".stage").scroll_into_view_if_needed()
        page.locator(".stage").screenshot(path=str(screenshots / f"{name}{suffix}.png"))
    page.set_viewport_size(size)


# --- The transposed scatter ------------------------------------------------------------------------
def test_scatter_steps_build_up_the_sum_and_counts_and_the_url_follows(page, app_url, screenshots):
    stage = open_stage(page, f"{app_url}/transposed_convolution?tc_preset=note000")
    expect(page.locator(".stage-status")).to_contain_text("Input cell (0, 0) = 0 · step 1 of 4")
    assert cell_text(page, "count", 0, 0) == "1" and cell_text(page, "count", 0, 2) == ""   # one stamp so far
    stage.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".stage-status")).to_contain_text("Input cell (0, 1) = 1 · step 2 of 4")
    assert stage_cells(page, ".cell.win") >= {("sum", 0, r, q) for r in (0, 1) for q in (2, 3)}
    assert [cell_text(page, "sum", r, q) for r in (0, 1) for q in (2, 3)] == ["0", "1", "2", "3"]   # x[0, 1]·w
    page.wait_for_url(re.compile(r"tc_step=1"))
    page.keyboard.press("End")
    expect(page.locator(".stage-status")).to_contain_text("step 4 of 4")
    final = [[cell_text(page, "sum", r, q) for q in range(4)] for r in range(4)]
    assert final == [["0", "0", "0", "1"], ["0", "0", "2", "3"], ["0", "2", "0", "3"], ["4", "6", "6", "9"]]
    assert all(cell_text(page, "count", r, q) == "1" for r in range(4) for q in range(4))      # s = k: no overlap
    page.wait_for_url(re.compile(r"tc_step=3"))
    wait_for_app(page)
    shoot(page, screenshots, "stage_scatter")


def test_scatter_hover_an_output_shows_the_inputs_that_stamp_it(page, app_url, screenshots):
    open_stage(page, f"{app_url}/transposed_convolution?tc_k=3&tc_s=2&tc_p=1&tc_step=4")
    scene = scatter_scene(TransposedLayer(k=3, s=2, p=1))
    expect(page.locator(".stage-status")).to_contain_text("Input cell (1, 1)")
    for r, q in [(2, 2), (1, 1), (4, 3)]:
        page.locator(f".stage .cell[data-grid=sum][data-row='{r}'][data-col='{q}']").hover()
        want = {("input", 0, *divmod(t, 3)) for t in steps_reading(scene, "sum", (0, r, q))}
        assert stage_cells(page, ".cell.reads") == want and want
    # overlap: output (2, 2) of the uncropped sum gets the stamps of inputs (0, 0), (0, 1), (1, 0), (1, 1)
    page.locator(".stage").focus()
    page.keyboard.press("End")
    assert cell_text(page, "count", 2, 2) == "4" and cell_text(page, "count", 1, 1) == "1"
    shoot(page, screenshots, "stage_scatter_overlap")


# --- The receptive field, layer by layer -------------------------------------------------------------
def test_receptive_field_steps_through_layers_and_the_link_follows(page, app_url, screenshots):
    stage = open_stage(page, f"{app_url}/receptive_fields?preset=note002&layer=1&unit=2")
    expect(page.locator(".stage-status")).to_contain_text("Layer 1 (conv1: conv k3 s2 p1): n = 3, j = 2, r = 3")
    # unit (0, 2) of layer 1 sees input rows −1 … 1, columns 3 … 5; the grid starts at row/column −3 (layer 2's field)
    field = stage_cells(page, ".cell.win")
    assert {c for c in field if c[0] == "input"} == {("input", 0, r, q) for r in range(2, 5) for q in range(6, 9)}
    assert {c for c in stage_cells(page, ".cell[data-padding]") if c[1:3] == (0, 2)} == {("input", 0, 2, q) for q in range(11)}
    assert ("r", 0, 0, 1) in stage_cells(page, ".cell.target")
    stage.focus()
    page.keyboard.press("ArrowRight")                        # layer 2: the unit whose field is centred nearest
    expect(page.locator(".stage-status")).to_contain_text("Layer 2 (conv2: conv k3 s2 p1): n = 2, j = 4, r = 7")
    assert len({c for c in stage_cells(page, ".cell.win") if c[0] == "input"}) == 49
    page.wait_for_url(re.compile(r"unit=1"))                 # layer=last is the default: left out of the link
    assert "layer=" not in page.url
    wait_for_app(page)
    shoot(page, screenshots, "stage_receptive_cells")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(r"layer=1"))


def test_receptive_field_box_on_the_photo(page, app_url, screenshots):
    stage = open_stage(page, f"{app_url}/receptive_fields?preset=vgg16&layer=17&unit=45&erf=false")
    expect(page.locator(".stage-status")).to_contain_text("Layer 17")
    assert page.locator(".stage image.photo").count() == 1 and page.locator(".stage .cell[data-grid=input]").count() == 0
    outline = page.locator(".stage .window-outline")
    before = float(outline.get_attribute("width"))
    stage.focus()
    page.keyboard.press("ArrowRight")                        # pool5: r 196 → 212
    expect(page.locator(".stage-status")).to_contain_text("r = 212")
    after = float(outline.get_attribute("width"))
    assert abs(after / before - 212 / 196) < 0.01
    wait_for_app(page)
    shoot(page, screenshots, "stage_receptive_photo")
