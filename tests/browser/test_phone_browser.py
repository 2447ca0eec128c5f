"""A phone and a laptop in Chromium: on a 390×844 touch screen the convolution stage keeps the window and its output
cell on one screen and answers taps; on a laptop the hint speaks of hover and keys. Every page on the three screens
(nothing off a phone's edge, the figure above the fold, presenting) is tested in test_every_page_browser.py."""

from playwright.sync_api import expect

from convviz.testing.serve import wait_for_app


def box_of(page, selector) -> dict:
    return page.locator(selector).first.bounding_box()


def test_a_phone_keeps_the_window_and_its_output_cell_on_one_screen(tabs, app_url, screenshots):
    """Issue 33: on a 390×844 phone the convolution stage fits within 390×760 (it was 366×1325: the window and the
    cell it makes were never on screen together): the input and the output side by side, the kernel under them;
    a tap on an output cell goes to its window, a tap on an input cell marks every output that reads it (and the
    marks stay after the finger lifts); the hint speaks of taps, not hover or arrow keys."""
    page = tabs.open(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    try:
        page.goto(f"{app_url}/convolution")
        page.locator("h1").first.wait_for(timeout=120_000)
        wait_for_app(page, timeout=120_000)
        stage = page.locator(".stage").first
        stage.scroll_into_view_if_needed()
        whole = stage.bounding_box()
        assert whole["width"] <= 390 and whole["height"] <= 760, f"the stage is {whole}"
        inp, out = box_of(page, ".panel[data-grid=input]"), box_of(page, ".panel[data-grid=output]")
        assert abs(inp["y"] - out["y"]) < 1 and out["x"] >= inp["x"] + inp["width"], (inp, out)   # side by side
        fonts = page.locator(".stage .cell text").evaluate_all("ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize))")
        assert min(fonts) >= 14, f"cell numbers of {min(fonts)} px"

        page.locator(".cell[data-grid=output][data-row='1'][data-col='2']").tap()
        expect(stage).to_have_attribute("data-step", "5")
        window = [page.locator(".cell.win[data-grid=input]").nth(n).bounding_box() for n in range(9)]
        made = box_of(page, ".cell.target[data-grid=output]")
        for b in window + [made]:                                      # cause and effect on the screen at once
            assert 0 <= b["y"] and b["y"] + b["height"] <= 844 and 0 <= b["x"] and b["x"] + b["width"] <= 390, b
        page.screenshot(path=str(screenshots / "phone_convolution_stage.png"))

        page.locator(".cell[data-grid=input][data-row='0'][data-col='0']").tap()
        expect(page.locator(".cell.reads")).to_have_count(1)            # (0, 0) is read by output (0, 0) alone
        page.locator(".cell[data-grid=input][data-row='2'][data-col='2']").tap()
        expect(page.locator(".cell.reads")).to_have_count(9)            # the centre: by all nine

        hint = page.locator("[data-testid=stCaptionContainer]", has_text="Grey: padding").first
        expect(hint.locator(".cv-touch")).to_be_visible()
        expect(hint.locator(".cv-pointer")).to_be_hidden()
        said = hint.evaluate("h => h.innerText")
        assert "tap" in said.lower() and "hover" not in said.lower() and "arrow" not in said.lower(), said
    finally:
        page.close()


def test_a_laptop_hint_speaks_of_hover_and_keys(page, app_url):
    page.goto(f"{app_url}/convolution")
    wait_for_app(page)
    hint = page.locator("[data-testid=stCaptionContainer]", has_text="Grey: padding").first
    expect(hint.locator(".cv-pointer")).to_be_visible()
    expect(hint.locator(".cv-touch")).to_be_hidden()
    assert "Hover an output cell" in hint.evaluate("h => h.innerText")
