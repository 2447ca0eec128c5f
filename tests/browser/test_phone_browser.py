"""Issue 24 on three screens, in Chromium: a phone (390×844) where nothing runs off the screen sideways on
any lesson, a laptop (1440×900) where the zoo's and batch norm's first figure starts above the fold, and a
projector (1920×1080, ?present=1) where their figure starts in the top half, is at least 45% of the screen
tall and at most 4 number/select boxes show. Screenshots of each land in tests/browser/screenshots/."""

import pytest
from playwright.sync_api import expect

from convviz.testing.serve import wait_for_app
from convviz.ui.widgets.layout import LESSONS

LESSON_PAGES = [lesson.page.removesuffix(".py") for lesson in LESSONS if lesson.available]
FIGURE_FIRST = ["convolution_zoo", "batch_normalization", "convolution", "transposed_convolution",
                "receptive_fields", "convolution_matrix", "denoising", "super_resolution"]
TINY = {"batch_normalization": "demo_steps=10"}      # the training demo on a tiny setting: a fast test

# Elements of the main block that stick out of the viewport, unless a box around them scrolls (or clips)
# them and that box itself fits: wide tables and code scroll inside their own box.
OFFENDERS = """() => {
  const vw = document.documentElement.clientWidth, main = document.querySelector('[data-testid=stMain]');
  const clipped = el => { for (let a = el.parentElement; a && a !== main; a = a.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(a).overflowX)) {
        const r = a.getBoundingClientRect(); if (r.left >= -1 && r.right <= vw + 1) return true; } } return false; };
  const out = [];
  for (const el of main.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || (r.left >= -1 && r.right <= vw + 1)) continue;
    if (clipped(el)) continue;
    out.push(`${el.tagName.toLowerCase()}.${(el.getAttribute('data-testid') || el.className.baseVal || el.className || '')
              .toString().slice(0, 40)} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return out.slice(0, 10); }"""


def open_at(tabs, app_url, name, width, height, query=""):
    page = tabs.open(viewport={"width": width, "height": height})
    extra = "&".join(q for q in (TINY.get(name, ""), query) if q)
    page.goto(f"{app_url}/{name}" + (f"?{extra}" if extra else ""))
    page.locator("h1").first.wait_for(timeout=120_000)      # a fresh server may rerun through app.py first
    wait_for_app(page, timeout=120_000)
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
                           ".every(c => c.querySelector('.main-svg'))", timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    return page


def first_figure(page) -> dict:
    """The first figure's box (top, height) in viewport pixels, with the page scrolled to the top: the page's main
    picture where it marks one (a container keyed main_figure, e.g. the restoration pages' row of images), else
    the first plotly chart or stage component."""
    return page.evaluate("() => { const main = document.querySelector('[data-testid=stMain]');"
                         " const el = main.querySelector('.st-key-main_figure') || main.querySelector("
                         "'[data-testid=stPlotlyChart], [data-testid^=stBidiComponent]');"
                         " const r = el.getBoundingClientRect(); return {top: r.top, height: r.height}; }")


@pytest.mark.parametrize("name", LESSON_PAGES)
def test_nothing_runs_off_a_phone_screen(tabs, app_url, screenshots, name):
    page = open_at(tabs, app_url, name, 390, 844)
    try:
        width = page.evaluate("document.scrollingElement.scrollWidth")
        main_width = page.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth")
        page.screenshot(path=str(screenshots / f"phone_{name}.png"))
        screenshots.save(page, f"phone_{name}_full.png")
        assert width <= 390 and main_width <= 390, f"{name}: the page is {max(width, main_width)} px wide on a phone"
        offenders = page.evaluate(OFFENDERS)
        assert offenders == [], f"{name}: wider than the phone: {offenders}"
        if name in FIGURE_FIRST:                  # the figure before the settings, on a phone too
            box = page.locator("[data-testid=stMain] [data-testid=stNumberInput]").first.bounding_box()
            assert first_figure(page)["top"] < box["y"]
    finally:
        page.close()


@pytest.mark.parametrize("name", FIGURE_FIRST)
def test_first_figure_above_the_fold_on_a_laptop(tabs, app_url, screenshots, name):
    page = open_at(tabs, app_url, name, 1440, 900)
    try:
        page.screenshot(path=str(screenshots / f"laptop_{name}.png"))
        figure = first_figure(page)
        assert figure["top"] < 900 - 200, f"{name}: the first figure starts at {figure['top']:.0f} px"
    finally:
        page.close()


@pytest.mark.parametrize("name", FIGURE_FIRST)
def test_presenting_shows_the_figure_in_the_top_half_large_with_few_boxes(tabs, app_url, screenshots, name):
    page = open_at(tabs, app_url, name, 1920, 1080, "present=1")
    try:
        page.screenshot(path=str(screenshots / f"present_1920_{name}.png"))
        figure = first_figure(page)
        assert figure["top"] < 540, f"{name}: the figure starts at {figure['top']:.0f} px"
        assert figure["height"] >= 0.45 * 1080, f"{name}: the figure is {figure['height']:.0f} px tall"
        boxes = page.locator("[data-testid=stMain] [data-testid=stNumberInput]:visible, "
                             "[data-testid=stMain] [data-testid=stSelectbox]:visible").count()
        assert boxes <= 4, f"{name}: {boxes} number/select boxes in view"
    finally:
        page.close()


STAGE_PAGES = ["convolution", "transposed_convolution"]


@pytest.mark.parametrize("name", STAGE_PAGES)
def test_the_stage_draws_large_equal_cells_with_readable_numbers(tabs, app_url, screenshots, name):
    """Issue 24: the stage's cell numbers are at least 14 px on a laptop and 24 px on a projector, every cell is
    the same size, and the picture uses the width it has (at least 60% of the stage's, or it is height-bound)."""
    for width, height, query, least in [(1440, 900, "", 14), (1920, 1080, "present=1", 24)]:
        page = open_at(tabs, app_url, name, width, height, query)
        try:
            fonts = page.locator(".stage .cell text").evaluate_all(
                "ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize))")
            assert fonts and min(fonts) >= least, f"{name} at {width}: cell numbers of {min(fonts)} px"
            cells = page.locator(".stage .cell rect").evaluate_all(
                "rs => rs.map(r => Math.round(r.getBoundingClientRect().width))")
            assert len(set(cells)) == 1, f"{name} at {width}: cells of {sorted(set(cells))} px"
            svg, stage = page.locator(".stage svg").bounding_box(), page.locator(".stage").bounding_box()
            tall = svg["height"] >= 0.4 * height
            assert svg["width"] >= 0.6 * stage["width"] or tall, f"{name} at {width}: the picture is {svg}"
            page.screenshot(path=str(screenshots / f"stage_cells_{name}_{width}.png"))
        finally:
            page.close()


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
