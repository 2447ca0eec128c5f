"""The convolution page in Chromium: the home page links to it, a control changes the numbers, a deep link reopens
the view, and the stage's slider moves the window without the server. That every page renders with no exception
box is in test_every_page_browser.py.

Screenshots land in tests/browser/screenshots/ (one per page and view) to be looked at.
"""

import ast
import re

import numpy as np
from playwright.sync_api import expect

from convviz.conv import cross_correlate2d
from convviz.lessons.shared.examples import input_values, kernel_values
from convviz.testing.serve import wait_for_app
from tests.support import set_number, watch_script_runs


def open_page(page, url):
    page.goto(url)
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0, "an exception box is on the page"


def printed_output(page):
    """The output list printed under the PyTorch code (the last code block)."""
    return np.array(ast.literal_eval(page.locator("[data-testid='stCode'] code").last.inner_text()))


def test_home_links_to_the_lessons(page, app_url):
    open_page(page, app_url)
    page.locator("[data-testid=stMain]").get_by_role("link", name="Convolution").first.click()
    page.wait_for_url("**/convolution")
    wait_for_app(page)
    assert page.get_by_role("heading", name="Convolution").first.is_visible()


def test_changing_a_control_updates_numbers_and_link(page, app_url, screenshots):
    open_page(page, f"{app_url}/convolution")
    x, w = input_values("random", 1, 5, 5, 0), kernel_values("random", 1, 3, 3, 0)
    np.testing.assert_allclose(printed_output(page), cross_correlate2d(x, w))
    set_number(page, "Stride", 2)                               # the bar: both axes (square by default)
    expected = cross_correlate2d(x, w, stride=(2, 2))
    page.wait_for_function("n => document.querySelectorAll('[data-testid=stCode] code').length && "
                           "JSON.parse(document.querySelectorAll('[data-testid=stCode] code')[1].innerText).length === n",
                           arg=expected.shape[0])
    wait_for_app(page)
    np.testing.assert_allclose(printed_output(page), expected)
    assert "sh=2" in page.url
    screenshots.save(page, "convolution_stride2.png")


def test_deep_link_reopens_the_view(page, app_url, screenshots):
    open_page(page, f"{app_url}/convolution?preset=ex71&pos=5&op=xcorr&filter=laplacian")
    assert page.get_by_text("y[1, 1] = 10").first.is_visible()
    # the greyed boxes show the exercise's own sizes (issue 24), More settings' ones too (folded, still there)
    for label, value in [("Kernel size", "3"), ("Padding", "1"), ("Stride", "1"), ("Channels C", "3"),
                         ("Input height H", "4"), ("Input width W", "4"), ("Bias b", "2.00")]:
        box = page.get_by_label(label, exact=True)
        assert (box.input_value(), box.is_disabled()) == (value, True), label
    assert page.get_by_text("printed as 11").first.is_visible()
    np.testing.assert_allclose(printed_output(page)[0], [0, 5, 8, -1])
    screenshots.save(page, "convolution_exercise_7_1.png")


def test_bad_link_shows_a_message_not_a_traceback(page, app_url, screenshots):
    open_page(page, f"{app_url}/convolution?kh=-1&sh=abc&h=2&kw=7")
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "kh='-1' is outside" in body and "sh='abc' is not a number" in body
    assert "no window fits" in body
    screenshots.save(page, "convolution_bad_link.png")


def test_stage_slider_moves_the_window_in_the_browser(page, app_url):
    """The sliding window is drawn and moved in the browser (convviz.ui.stage): the window, the output
    cell and the status change before any script run; one fragment run follows the debounce."""
    open_page(page, f"{app_url}/convolution?sh=2&ph=1")
    status = page.locator(".stage-status")
    assert status.inner_text().startswith("Output cell (0, 0)")
    runs = watch_script_runs(page)
    page.locator(".stage-slider").fill("5")                 # a range input: set and 'input' fired
    after = status.inner_text()
    assert page.evaluate("window.__runs") == runs == 0, "the stage moves without the server"
    x, w = input_values("random", 1, 5, 5, 0), kernel_values("random", 1, 3, 3, 0)
    y = cross_correlate2d(x, w, stride=(2, 1), padding=(1, 0))
    i, j = map(int, re.match(r"Output cell \((\d+), (\d+)\)", after).groups())
    assert (i, j) == divmod(5, y.shape[1]) and f"= {y[i, j]:g} ·" in after
    target = page.locator(".cell.target")
    assert (target.get_attribute("data-row"), target.get_attribute("data-col")) == (str(i), str(j))
    page.wait_for_url(re.compile(r"pos=5"))                  # 300 ms later the step reaches the server


def test_next_button_steps_the_window_and_the_link(page, app_url):
    open_page(page, f"{app_url}/convolution")
    page.get_by_role("button", name="▶", exact=True).click()
    page.get_by_text("Output cell (0, 1): the window's").wait_for()
    wait_for_app(page)
    assert "pos=1" in page.url
    x, w = input_values("random", 1, 5, 5, 0), kernel_values("random", 1, 3, 3, 0)
    assert page.get_by_text(f"y[0, 1] = {cross_correlate2d(x, w)[0, 1]:g}").first.is_visible()


def test_deep_link_on_a_fresh_server_gets_the_app_navigation(browser):
    """Until app.py has run once, Streamlit runs pages/*.py alone for a deep link (its v1 mode)."""
    from convviz.testing.serve import running_app

    with running_app() as url:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.goto(f"{url}/convolution?sh=2")
        # the first run may still be the v1 one (a flat list of file names) until its rerun lands
        nav = page.locator("[data-testid='stSidebarNav']")
        expect(nav).to_contain_text("Arithmetic", timeout=60_000)
        wait_for_app(page)
        assert "Home" in nav.inner_text()
        assert page.get_by_label("Stride (height)", exact=True).input_value() == "2"
        context.close()
