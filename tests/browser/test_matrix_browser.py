"""The matrix page in Chromium: it renders with no exception box, a control changes the numbers, the stage
(A beside x and y) highlights a row's window and a column's outputs on hover, keys step the rows and the
link follows, a click on a picture's grid selects a cell, and a too-large matrix is refused with a message.

Screenshots land in tests/browser/screenshots/matrix_*.png to be looked at.
"""

import ast
import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from convviz.conv import cross_correlate2d
from convviz.testing.serve import wait_for_app
from convviz.lessons.convolution_matrix import MatrixSettings, matrix_arrays, matrix_lesson
from convviz.lessons.scenes.convolution_matrix import column_cells, row_cells
from tests.browser.test_stage_views_browser import shoot
from tests.support import stage_cells, stage_font_sizes, steady_box


def open_page(page, url):
    page.goto(url)
    wait_for_app(page)
    # A deep link on a fresh server runs twice (require_app_navigation reruns it under app.py): wait for
    # the last section, not only for the first idle state. Long: two cores shared with training jobs.
    page.get_by_text("Wrap-around padding").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0, "an exception box is on the page"


def save(page, screenshots, name):
    """screenshots.save once every chart has drawn at the tall size (charts draw only when in view; a resize
    redraws them, which on a loaded machine can take longer than the helper's short pause)."""
    size = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 12000)})
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
                           ".every(c => c.querySelector('.main-svg'))", timeout=60_000)
    # Widgets still loading their code show grey skeletons: wait until none is left.
    page.wait_for_function("() => !document.querySelector('[data-testid^=stSkeleton]')", timeout=60_000)
    wait_for_app(page)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")   # drawn, not queued
    screenshots.save(page, name)           # same (tall) size: no new layout that could blank the charts
    page.set_viewport_size(size)


def ax_printed(page):
    """A x as printed under the torch code (the second code block, in its folded expander: textContent)."""
    return np.array(ast.literal_eval(page.locator("[data-testid='stCode'] code").nth(1).text_content()))


def expected(**sizes):
    view = ("none", "random", "random", 0, sizes.get("c", 1), sizes.get("co", 1), sizes.get("h", 4), sizes.get("w", 4), 3, 3)
    x, w = matrix_arrays(MatrixSettings(*view))
    return cross_correlate2d(x, w, stride=sizes.get("s", 1), padding=sizes.get("p", 0)).ravel()


def test_default_view_then_a_control_changes_the_numbers(page, app_url, screenshots):
    open_page(page, f"{app_url}/convolution_matrix")
    assert page.get_by_role("heading", name="Convolution as a matrix").first.is_visible()
    np.testing.assert_allclose(ax_printed(page), expected())
    save(page, screenshots, "matrix_default.png")
    box = page.get_by_label("Padding p", exact=True)
    box.fill("1")
    box.press("Enter")
    n = expected(p=1).size                                   # 16 outputs instead of 4
    page.wait_for_function("n => { const c = document.querySelectorAll('[data-testid=stCode] code');"
                           " return c.length > 1 && JSON.parse(c[1].textContent).length === n; }", arg=n)
    wait_for_app(page)
    np.testing.assert_allclose(ax_printed(page), expected(p=1))
    assert "mx_p=1" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
    save(page, screenshots, "matrix_padding1.png")


def test_preset_with_symbols_and_a_selected_cell(page, app_url, screenshots):
    open_page(page, f"{app_url}/convolution_matrix?mx_preset=note001&mx_labels=symbols&mx_row=1&mx_col=6")
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "A[1, 6] =" in body and "with weight w[0, 0, 1, 1]" in body
    save(page, screenshots, "matrix_note001_symbols.png")


def cells(*groups, grids=("matrix", "input", "output")):
    return {(g, *map(int, c)) for g, group in zip(grids, groups) for c in group}


def a_cell(page, r, q):
    return page.locator(f".stage .cell[data-grid=matrix][data-row='{r}'][data-col='{q}']")


def test_hovering_a_row_and_a_column_of_a_marks_exactly_their_cells(page, app_url, screenshots):
    """note 001's 4×16 A with padding 1 (16 × 16): a row's window and output, a column's input and the outputs it
    feeds, the cells convviz computes (lessons.scenes.convolution_matrix.row_cells / column_cells)."""
    open_page(page, f"{app_url}/convolution_matrix?mx_p=1")
    lesson = matrix_lesson(MatrixSettings(padding=1))
    page.locator(".stage").scroll_into_view_if_needed()
    for r, q in [(5, 5), (0, 15), (12, 3)]:
        a_cell(page, r, q).hover()
        assert stage_cells(page, ".cell.peek") == cells(*row_cells(lesson, r))            # row r: window + output
        assert stage_cells(page, ".cell.reads") == cells(*column_cells(lesson, q))        # column q: input + fed
    page.locator(".stage .cell[data-grid=input][data-row='0'][data-col='0']").hover()   # an input cell: its column
    assert stage_cells(page, ".cell.reads") == cells(*column_cells(lesson, 0))
    assert {c for c in stage_cells(page, ".cell.reads") if c[0] == "output"} == {("output", 0, 0, 0), ("output", 0, 0, 1),
                                                                                  ("output", 0, 1, 0), ("output", 0, 1, 1)}
    page.locator(".stage .cell[data-grid=output][data-row='2'][data-col='1']").hover()  # an output cell: its row
    assert stage_cells(page, ".cell.peek") == cells(*row_cells(lesson, 9))
    shoot(page, screenshots, "matrix_stage_hover")


def test_keys_step_the_rows_a_click_picks_a_column_and_the_link_follows(page, app_url, screenshots):
    open_page(page, f"{app_url}/convolution_matrix?mx_preset=note001&mx_row=1")
    lesson = matrix_lesson(MatrixSettings.from_controls(preset="note001"))
    stage = page.locator(".stage")
    stage.scroll_into_view_if_needed()
    expect(stage).to_have_attribute("data-step", "1")
    assert {c for c in stage_cells(page, ".cell.win")} == cells(*row_cells(lesson, 1)[:2])
    stage.focus()
    page.keyboard.press("ArrowRight")
    expect(stage).to_have_attribute("data-step", "2")
    assert stage_cells(page, ".cell.target") == {("output", 0, 1, 0)}
    page.keyboard.press("PageDown")
    expect(stage).to_have_attribute("data-step", "3")
    page.keyboard.press("PageUp")
    page.keyboard.press("ArrowLeft")
    expect(stage).to_have_attribute("data-step", "1")
    page.keyboard.press("End")
    expect(stage).to_have_attribute("data-step", "3")
    page.wait_for_url(re.compile(r"mx_row=3"))
    a_cell(page, 2, 6).click()                                  # a cell of A: its row and its column
    expect(stage).to_have_attribute("data-step", "2")
    expect(stage).to_have_attribute("data-col", "6")
    assert stage_cells(page, ".cell.picked") == cells(*column_cells(lesson, 6))
    page.wait_for_url(re.compile(r"mx_col=6"))
    page.wait_for_url(re.compile(r"mx_row=2"))
    wait_for_app(page)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "A[2, 6] =" in body and "Column 2 (magenta) is output (1, 0)'s window" in body     # the sections follow
    page.locator(".stage .cell[data-grid=input][data-row='3'][data-col='3']").click()   # an input cell: its column
    expect(stage).to_have_attribute("data-col", "15")
    page.wait_for_url(re.compile(r"mx_col=15"))
    wait_for_app(page)
    assert "A[2, 15] =" in page.locator("[data-testid='stMain']").inner_text()
    expect(stage).to_have_attribute("data-step", "2")          # the page's rerun did not pull the stage back
    page.reload()                                               # the link reopens the same row and column
    wait_for_app(page)
    expect(page.locator(".stage")).to_have_attribute("data-step", "2")
    expect(page.locator(".stage")).to_have_attribute("data-col", "15")


def test_clicking_an_input_cell_of_the_picture_selects_its_column(page, app_url):
    open_page(page, f"{app_url}/convolution_matrix?mx_h=6&mx_w=6&mx_p=2")      # A 64 × 36: the plotly picture
    chart = page.locator("[data-testid='stPlotlyChart']").nth(1)          # the input grid
    chart.scroll_into_view_if_needed()
    box = steady_box(page, chart.locator(".nsewdrag").first)
    # Cell (row 2, column 3) of a 6×6 grid: aim at its centre.
    page.mouse.click(box["x"] + box["width"] * 3.5 / 6, box["y"] + box["height"] * 2.5 / 6)
    page.wait_for_function("() => location.search.includes('mx_col=15')")
    wait_for_app(page)
    assert "input cell (channel 0, row 2, column 3)" in page.locator("[data-testid='stMain']").inner_text()


def test_multichannel_and_too_large_views(page, app_url, screenshots):
    open_page(page, f"{app_url}/convolution_matrix?mx_preset=cnn")
    assert "channel blocks" in page.locator("[data-testid='stMain']").inner_text()
    save(page, screenshots, "matrix_cnn.png")
    open_page(page, f"{app_url}/convolution_matrix?mx_h=24&mx_w=24&mx_p=1&mx_s=2")
    save(page, screenshots, "matrix_large_picture.png")
    open_page(page, f"{app_url}/convolution_matrix?mx_c=3&mx_co=3&mx_h=32&mx_w=32&mx_s=abc")
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "this page builds at most 1,048,576" in body and "mx_s='abc' is not a number" in body
    assert "Wrap-around padding" in body                                   # the rest of the page still works


# --- Issue 24: the lecturer link opens on A, numbers readable on a laptop and a projector ------------
LECTURER = (Path(__file__).resolve().parents[2] / "README.md").read_text().split("## For lecturers", 1)[1]
LECTURER_LINKS = re.findall(r"http://localhost:8501/convolution_matrix\?[^\s:]+", LECTURER.split("\n## ", 1)[0])


@pytest.mark.parametrize("link", LECTURER_LINKS)
def test_lecturer_link_opens_on_the_matrix_it_names(tabs, app_url, screenshots, link):
    page = tabs.open(viewport={"width": 1920, "height": 1080})
    try:
        open_page(page, link.replace("http://localhost:8501", app_url))
        assert "mx_preset=note001" in link                                   # "note 001's 4×16 matrix"
        stage = page.locator(".stage")
        expect(stage).to_have_attribute("data-kind", "matrix")
        assert page.locator(".stage .cell[data-grid=matrix]").count() == 4 * 16
        box = stage.evaluate("e => { const r = e.getBoundingClientRect(); return {top: r.top, height: r.height}; }")
        assert box["top"] < 540 and box["height"] >= 0.45 * 1080, box
        page.screenshot(path=str(screenshots / "lecturer_matrix_note001.png"))
    finally:
        page.close()


@pytest.mark.parametrize("present", [False, True])
def test_cell_numbers_are_readable_on_a_laptop_and_a_projector(tabs, app_url, present):
    """The matrix's cell labels were ~10 px (plotly); on the stage ≥ 14 px on a laptop, ≥ 24 px presenting."""
    found = stage_font_sizes(tabs, f"{app_url}/convolution_matrix?mx_p=1", ("matrix", "input", "output"),
                             present=present)                                   # one page load for the three grids
    for grid, sizes in found.items():
        assert sizes and min(sizes) >= (24 if present else 14), (grid, sizes[:5])
