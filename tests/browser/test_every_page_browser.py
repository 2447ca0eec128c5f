"""Every page on the three screens of issue 24, one load of each page per screen (Chromium).

- Laptop, 1440×900: the page renders with no exception box and asks no other server for anything (classrooms are
  offline); axe-core (WCAG 2.0/2.1 A and AA) finds no serious or critical violation in the app's own elements; a
  lesson's first figure starts above the fold; the stage's cell numbers are at least 14 px.
- Projector, 1920×1080 presenting (?present=1): the switch is on, nothing is wider than the screen, the first
  figure starts in the top half and is at least 45 % of the screen tall with at most 4 number/select boxes in
  view, stage numbers at least 24 px; the same page on a 1280×720 projector is no wider than it, a lesson's
  title row has the switch and "Share this view" side by side, and the stage's tallest grid fits half its height
  (or its cells are at a projector's least, 56 px) with numbers still at least 24 px; "Share this view" shows the
  page's own link and its QR code, and the link reopens the same page.
- Phone, 390×844: nothing runs off the screen sideways; the figure comes before the settings.

Screenshots land in tests/browser/screenshots/ to be looked at. The per-topic files keep what needs its own
steps (test_accessibility_browser: captions; test_share_browser: the network address; test_phone_browser: taps).
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from convviz.testing.serve import wait_for_app
from convviz.ui.widgets.layout import LESSONS, QUIZ
from tests.browser.test_accessibility_browser import serious_violations
from tests.browser.test_share_browser import assert_qr_of, code_boxes, open_share_dialog
from tests.support import steady

LESSON_PAGES = [lesson.page.removesuffix(".py") for lesson in LESSONS if lesson.available]
PAGES = ["", *LESSON_PAGES, QUIZ.page.removesuffix(".py")]       # "" is the home page
FIGURE_FIRST = ["convolution_zoo", "batch_normalization", "convolution", "transposed_convolution",
                "receptive_fields", "convolution_matrix", "denoising", "super_resolution"]
STAGE_PAGES = ["convolution", "transposed_convolution"]
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
    """A new tab of width × height on the page `name` (with `query`), run to the end, every plotly chart drawn."""
    page = tabs.open(viewport={"width": width, "height": height})
    page.set_default_timeout(90_000)
    extra = "&".join(q for q in (TINY.get(name, ""), query) if q)
    page.goto(f"{app_url}/{name}" + (f"?{extra}" if extra else ""))
    page.locator("h1").first.wait_for(timeout=120_000)      # a fresh server may rerun through app.py first
    wait_for_app(page, timeout=120_000)
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
                           ".every(c => c.querySelector('.main-svg'))", timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0, "an exception box is on the page"
    return page


def first_figure(page) -> dict:
    """The first figure's box (top, height) in viewport pixels, with the page scrolled to the top: the page's main
    picture where it marks one (a container keyed main_figure, e.g. the restoration pages' row of images), else
    the first plotly chart or stage component."""
    return page.evaluate("() => { const main = document.querySelector('[data-testid=stMain]');"
                         " const el = main.querySelector('.st-key-main_figure') || main.querySelector("
                         "'[data-testid=stPlotlyChart], [data-testid^=stBidiComponent]');"
                         " const r = el.getBoundingClientRect(); return {top: r.top, height: r.height}; }")


def middle(locator) -> float:
    """The vertical middle of `locator`'s box, in viewport pixels."""
    box = locator.bounding_box()
    return box["y"] + box["height"] / 2


def wider_than_the_screen(page) -> int:
    return page.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth - window.innerWidth")


def assert_stage_cells(page, name: str, width: int, height: int, least: int) -> None:
    """Issue 24: the stage's cell numbers are at least `least` px, every cell is the same size, and the picture uses
    the width it has (at least 60% of the stage's, or it is height-bound)."""
    fonts = page.locator(".stage .cell text").evaluate_all("ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize))")
    assert fonts and min(fonts) >= least, f"{name} at {width}: cell numbers of {min(fonts)} px"
    cells = page.locator(".stage .cell rect").evaluate_all("rs => rs.map(r => Math.round(r.getBoundingClientRect().width))")
    assert len(set(cells)) == 1, f"{name} at {width}: cells of {sorted(set(cells))} px"
    svg, stage = page.locator(".stage svg").bounding_box(), page.locator(".stage").bounding_box()
    assert svg["width"] >= 0.6 * stage["width"] or svg["height"] >= 0.4 * height, f"{name} at {width}: the picture is {svg}"


@pytest.mark.parametrize("name", PAGES, ids=lambda p: p or "home")
def test_every_page_on_a_laptop(tabs, app_url, screenshots, name):
    before = len(tabs.outside)                  # what the browser tests' tabs asked other servers for (conftest)
    page = open_at(tabs, app_url, name, 1440, 900)
    try:
        assert page.locator("h1").first.is_visible()
        # Classrooms are offline: every script, style, font, picture and icon comes from the app's own server.
        assert tabs.outside[before:] == [], f"{name or 'home'} asks other servers for {tabs.outside[before:]}"
        page.screenshot(path=str(screenshots / f"laptop_{name or 'home'}.png"))
        if name in FIGURE_FIRST:
            figure = first_figure(page)
            assert figure["top"] < 900 - 200, f"{name}: the first figure starts at {figure['top']:.0f} px"
        if name in STAGE_PAGES:
            assert_stage_cells(page, name, 1440, 900, 14)
        serious = serious_violations(page)
        assert not serious, serious
        screenshots.save(page, f"{name or 'home'}.png")
    finally:
        page.close()


@pytest.mark.parametrize("name", [*LESSON_PAGES, QUIZ.page.removesuffix(".py")])
def test_every_page_on_a_projector_and_its_share_link(tabs, app_url, screenshots, name):
    page = open_at(tabs, app_url, name, 1920, 1080, "present=1")
    try:
        expect(page.get_by_role("switch", name="Presentation mode")).to_be_checked()
        assert wider_than_the_screen(page) <= 1, f"{name} is wider than a 1920-pixel screen"
        page.screenshot(path=str(screenshots / f"present_{name}_1920x1080.png"))      # what the room sees
        if name in FIGURE_FIRST:
            figure = first_figure(page)
            assert figure["top"] < 540, f"{name}: the figure starts at {figure['top']:.0f} px"
            assert figure["height"] >= 0.45 * 1080, f"{name}: the figure is {figure['height']:.0f} px tall"
            boxes = page.locator("[data-testid=stMain] [data-testid=stNumberInput]:visible, "
                                 "[data-testid=stMain] [data-testid=stSelectbox]:visible").count()
            assert boxes <= 4, f"{name}: {boxes} number/select boxes in view"
        if name in STAGE_PAGES:
            assert_stage_cells(page, name, 1920, 1080, 24)
        screenshots.save(page, f"present_{name}_1920x1080_full.png")

        page.set_viewport_size({"width": 1280, "height": 720})          # a smaller projector: the layout is CSS
        steady(page)
        assert wider_than_the_screen(page) <= 1, f"{name} is wider than a 1280-pixel screen"
        if name:                                # a lesson's title row: the switch and the share button side by side,
            switch, share = (middle(page.get_by_role(role, name=label).first)      # not stacked (a taller row)
                             for role, label in (("switch", "Presentation mode"), ("button", "Share this view")))
            assert abs(switch - share) <= 4, f"{name}: the switch's middle at {switch:.0f} px, the button's at {share:.0f}"
        if name in STAGE_PAGES:     # numbers still ≥ 24 px; the tallest grid and its heading (1.5 cells) fit half the
            assert_stage_cells(page, name, 1280, 720, 24)       # height, unless its cells are at a projector's least
            rows = page.locator(".stage .cell").evaluate_all("cs => Math.max(...cs.map(c => +c.dataset.row)) + 1")
            cell = page.locator(".stage .cell rect").first.bounding_box()["height"]
            assert (rows + 1.5) * cell <= 0.5 * 720 or cell <= 56, f"{name} at 1280×720: {rows} rows of {cell:.0f} px"
        page.screenshot(path=str(screenshots / f"present_{name}_1280x720.png"))

        # Issue 33: the share link is the page's own path and query (not streamlit's suffix-trimmed
        # st.context.url), the QR code encodes it, and opening it shows the same page.
        view = urlsplit(page.url)
        dialog = open_share_dialog(page)
        shown = code_boxes(dialog)[0]
        assert urlsplit(shown).path == f"/{name}", shown
        assert parse_qs(urlsplit(shown).query) == parse_qs(view.query) | {"present": ["true"]}, (shown, page.url)
        assert_qr_of(page, dialog, shown)
        title = page.locator("h1").first.inner_text()
        other = page.context.new_page()
        try:
            other.goto(shown)
            wait_for_app(other)
            assert urlsplit(other.url).path == f"/{name}"
            assert other.locator("h1").first.inner_text() == title
        finally:
            other.close()
    finally:
        page.close()


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
