"""Helpers shared by the AppTest files: open a page from a link's query, read its text, check it is clean."""

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(path, *, timeout: float = 120, session=None, **query) -> AppTest:
    """Run `path` (relative to the repository, e.g. "pages/convolution.py") as if opened from a link
    with `query`, after putting `session` into session state. The first run of a process loads torch
    (and a model on the restoration pages): slow on 2 busy cores, hence the generous timeout."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
    return at.run()


def text_of(at) -> str:
    """All markdown on the page, one element a line."""
    return "\n".join(m.value for m in at.markdown)


def warnings_of(at) -> str:
    return "\n".join(w.value for w in at.warning)


def problems(at) -> str:
    """Every error and warning box, in one string."""
    return " ".join(e.value for e in at.error) + " " + " ".join(w.value for w in at.warning)


def assert_clean(at):
    """No exception box on the page; returns the AppTest for chaining."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_with_bad_values(page, bad: dict[str, tuple[str, str]]) -> AppTest:
    """Open `page` (a function of the link's query) with every bad value of `bad` ({key: (value, words its message
    must hold)}) at once: the run is clean and each value gets its own message; returns the AppTest for the page's
    own checks (what is shown instead, the torch checks)."""
    at = assert_clean(page(**{key: value for key, (value, _) in bad.items()}))
    said = problems(at)
    for key, (_, words) in bad.items():
        assert words in said, key
    return at


def flat(node, path=()):
    """The page's elements in order, each as (type, the types of the blocks around it, element)."""
    for child in node.children.values():
        kind = getattr(child, "type", type(child).__name__)
        if isinstance(getattr(child, "children", None), dict) and child.children:
            yield from flat(child, path + (kind,))
        else:
            yield kind, path, child


# --- Browser (Playwright) helpers ---------------------------------------------------------------

def open_in_browser(page, url, *, network_idle: bool = True):
    """Go to `url`, wait for the script's run to finish, and check there is no exception box (`network_idle`: see
    wait_for_app)."""
    from convviz.testing.serve import wait_for_app

    page.goto(url)
    wait_for_app(page, network_idle=network_idle)
    assert page.locator("[data-testid='stException']").count() == 0, "an exception box is on the page"


def open_long_page(page, url, last_heading: str, seconds: float = 90):
    """Open a long page and wait until its last section's heading is there and the run has ended, allowing every
    wait `seconds` (the shared 2-core test machine runs other jobs: a first run of the transposed page took 20 s).
    A cold server imports torch and plotly on its first run and the app can report notRunning before that run
    starts, hence the heading first."""
    from playwright.sync_api import expect

    from convviz.testing.serve import wait_for_app

    page.set_default_timeout(seconds * 1000)
    expect.set_options(timeout=seconds * 1000)
    page.goto(url)
    page.get_by_role("heading", name=last_heading).wait_for()
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0, "an exception box is on the page"


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def set_number(page, label, value):
    """Type `value` into the number input labelled `label` and press Enter (one script run)."""
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")


def choose_option(page, label, option, attempts: int = 4):
    """Open the select box labelled `label` and click `option` (a name or a regex).

    A rerun that lands while the list is open (a component reporting its first value, say) can close it; on a
    loaded machine that happens often enough to fail a test. So the list is reopened until the option shows,
    each wait a condition with a timeout, never a sleep."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_role("combobox", name=label)
    wanted = page.get_by_role("option", name=option)
    for attempt in range(attempts):
        box.click()
        try:
            wanted.wait_for(state="visible", timeout=5_000)
            wanted.click(timeout=5_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")


def watch_script_runs(page) -> int:
    """Start counting the app's script runs in the page (read window.__runs later); returns 0."""
    return page.evaluate("window.__runs = 0; new MutationObserver(() => window.__runs++).observe("
                         "document.querySelector('[data-testid=stApp]'), {attributes: true, "
                         "attributeFilter: ['data-test-script-state']}); 0")


def click_figure_slider(page, fraction: float):
    """Click the first plotly figure slider's rail at `fraction` of its width (plotly frames, no server)."""
    rail = page.locator("[data-testid='stPlotlyChart'] .slider-rail-touch-rect").first
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    page.mouse.click(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2)


def set_numbers(at, **values):
    """Set number inputs by key, one script run each (as a user typing them one by one); returns `at`."""
    for key, value in values.items():
        at.number_input(key=key).set_value(value).run()
    return at


def stage_cells(page, selector) -> set[tuple[str, int, int, int]]:
    """(grid, channel, row, col) of every stage cell matching `selector` (e.g. '.cell.peek')."""
    found = page.locator(f".stage {selector}").evaluate_all(
        "els => els.map(e => [e.dataset.grid, +e.dataset.channel, +e.dataset.row, +e.dataset.col])")
    return {tuple(c) for c in found}


def open_stage(page, url, *, network_idle: bool = True):
    """Open `url` (clean) and scroll the stage into view; returns its locator."""
    open_in_browser(page, url, network_idle=network_idle)
    stage = page.locator(".stage")
    stage.scroll_into_view_if_needed()
    return stage


def settled(page, in_url: str, screenshots=None, name: str | None = None):
    """After a change: the run has finished, the link holds `in_url`, no exception box; then a screenshot."""
    from convviz.testing.serve import wait_for_app

    wait_for_app(page)
    assert in_url in page.url, page.url
    assert page.locator("[data-testid='stException']").count() == 0
    if screenshots is not None:
        screenshots.save(page, name)


def stage_font_sizes(tabs, url: str, grids: tuple[str, ...], *, present: bool) -> dict[str, list[float]]:
    """grid -> the computed font size (px) of every number in that stage grid at `url`, all read from one load of
    the page, opened on a laptop (1440×900) or, presenting, on a projector (1920×1080, with present=1 added)."""
    size = {"width": 1920, "height": 1080} if present else {"width": 1440, "height": 900}
    page = tabs.open(viewport=size)
    try:
        open_in_browser(page, url + ("&present=1" if present else ""))
        return {grid: page.locator(f".stage .cell[data-grid={grid}] text").evaluate_all(
                    "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))") for grid in grids}
    finally:
        page.close()


def chart_specs(at) -> list[str]:
    """Each plotly chart's figure as JSON text with its characters as written ("×", not "\\u00d7"): plotly
    escapes them unless orjson happens to be installed, so a test must not search the raw spec."""
    return [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("plotly_chart")]


# --- Waiting on a condition, never a fixed sleep ------------------------------------------------

PLOTLY_BOXES = ("() => [...document.querySelectorAll("
                "'[data-testid=stPlotlyChart], [data-testid=stPlotlyChart] .main-svg')].map(e => {"
                " const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map(Math.round); })"
                ".concat([[document.querySelector('[data-testid=stMain]')?.scrollHeight ?? 0]])")


def steady(page, expression: str = PLOTLY_BOXES, arg=None, frames: int = 5, timeout: float = 30_000):
    """Wait until the JS function `expression` (called with `arg`, e.g. an element handle; it returns JSON data)
    gives the same value `frames` animation frames in a row, and return that value. The default: every plotly
    chart's box and SVG size and the page's height, i.e. plotly has laid out again after a resize or a scroll
    (before a screenshot). A stage lives in a shadow root: pass its element handle as `arg`."""
    handle = page.wait_for_function(
        """([key, frames, arg]) => {
             const value = JSON.stringify((%s)(arg));
             const seen = window.__steady ??= {};
             const s = seen[key] ??= {value: null, count: 0};
             s.count = s.value === value ? s.count + 1 : 0;
             s.value = value;
             if (s.count < frames) return false;
             delete seen[key];
             return value;
           }""" % expression, arg=[expression, frames, arg], polling="raf", timeout=timeout)
    return json.loads(handle.json_value())


BOX = "e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }"


def steady_box(page, locator) -> dict:
    """The box of `locator`'s element once it, and every plotly figure on the page, have kept still for a few
    frames: a box measured while the figures above are still drawing is stale by the time the mouse gets there."""
    steady(page)
    x, y, width, height = steady(page, BOX, locator.element_handle())
    return {"x": x, "y": y, "width": width, "height": height}


def open_grid_cell(page, grid, across: float, down: float, attempts: int = 3):
    """Double-click the data editor `grid` (a canvas grid) at the fraction (`across`, `down`) of its box and return
    its overlay editor. The grid is clicked only once its box has kept still for a few frames (the
    figures above it may still be drawing and push it down); a rerun that redraws the grid between the two
    clicks closes the editor, so the double click is tried again, each wait a condition with a timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    editor = page.locator("#portal input.gdg-input")
    for attempt in range(attempts):
        grid.scroll_into_view_if_needed()
        box = steady_box(page, grid)
        page.mouse.dblclick(box["x"] + box["width"] * across, box["y"] + box["height"] * down)
        try:
            editor.wait_for(state="visible", timeout=10_000)
            return editor
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")


def run_started(page, act):
    """Do `act()` (clicks, a key) and wait until it has started a script run (not until the run ends): a one-shot
    observer sees the app's run state change, so a run that is over before we look is not missed. A run so short
    that "running" and "notRunning" reach the page together changes no attribute; the link it writes (history's
    replaceState or pushState, which only the server's messages call here) is then the sign that it ran."""
    page.evaluate("""() => {
        window.__ran = false;
        const o = new MutationObserver(() => { window.__ran = true; o.disconnect(); });
        o.observe(document.querySelector('[data-testid=stApp]'), {attributes: true,
                                                                  attributeFilter: ['data-test-script-state']});
        for (const name of ['pushState', 'replaceState']) {
          const original = history[name];
          history[name] = function (...args) { window.__ran = true; return original.apply(this, args); };
        }
      }""")
    act()
    page.wait_for_function("() => window.__ran === true", timeout=60_000)


MAIN_AND_LINK = "() => [document.querySelector('[data-testid=stMain]').innerText, location.href]"


def after_a_change(page, act, timeout: float = 60_000):
    """Do `act()` (a click, a key) and wait until the page's text or link has changed and the run has finished.
    A fragment's run, or a short run, may never show the app as running: what it drew is the sign it ran."""
    from convviz.testing.serve import wait_for_app

    before = page.evaluate(MAIN_AND_LINK)
    act()
    page.wait_for_function(f"before => JSON.stringify(({MAIN_AND_LINK})()) !== JSON.stringify(before)", arg=before,
                           timeout=timeout)
    wait_for_app(page, timeout=timeout)


def link_caught_up(page, key: str, stage):
    """After the stage stopped: wait until the link's `key` is the step the stage shows (its debounced send has
    reached the server) and that run has finished; returns the URL. Step 0 may leave `key` out of the link."""
    from convviz.testing.serve import wait_for_app

    shown = stage.get_attribute("data-step")
    page.wait_for_url(re.compile(rf"[?&]{key}={shown}\b" if shown != "0" else rf"[?&]{key}=0\b|^(?!.*[?&]{key}=)"))
    wait_for_app(page)
    return page.url
