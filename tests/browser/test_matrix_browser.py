"""The matrix page in Chromium: it renders with no exception box, a control changes the numbers,
a click on a grid selects a cell, and a too-large matrix is refused with a message.

Screenshots land in tests/browser/screenshots/matrix_*.png to be looked at.
"""

import ast

import numpy as np

from convviz.conv import cross_correlate2d
from convviz.testing.serve import wait_for_app
from convviz.lessons.convolution_matrix import MatrixSettings, matrix_arrays


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
    """A x as printed under the torch code (the second code block)."""
    return np.array(ast.literal_eval(page.locator("[data-testid='stCode'] code").nth(1).inner_text()))


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
                           " return c.length > 1 && JSON.parse(c[1].innerText).length === n; }", arg=n)
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


def test_clicking_an_input_cell_selects_its_column(page, app_url):
    open_page(page, f"{app_url}/convolution_matrix?mx_preset=note001")
    chart = page.locator("[data-testid='stPlotlyChart']").nth(1)          # the input grid
    chart.scroll_into_view_if_needed()
    box = chart.locator(".nsewdrag").first.bounding_box()
    # Cell (row 2, column 3) of a 4×4 grid: aim at its centre.
    page.mouse.click(box["x"] + box["width"] * 3.5 / 4, box["y"] + box["height"] * 2.5 / 4)
    page.wait_for_function("() => location.search.includes('mx_col=11')")
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
