"""The compare view (convviz/ui/compare, issue 32 item 5) in Chromium, on /denoising's default sample: the
before/after divider moves under the mouse and the keyboard without a script run; a click or a dragged rectangle
on the picture moves the zoom box: the number boxes, the link, the caption and the zoomed panels follow, and the
link reopens the same zoom. Screenshots at 1440×900 and 390×844: tests/browser/screenshots/compare_*.png.
"""

import re

import pytest
from playwright.sync_api import expect

from convviz import restore
from convviz.lessons.denoising import ZoomSettings
from convviz.testing.serve import wait_for_app
from convviz.ui.compare.geometry import zoom_from_fractions
from tests.support import open_in_browser, steady_box, watch_script_runs

NETWORK_TIMEOUT = 120_000
pytestmark = pytest.mark.skipif(not restore.weights_path(restore.DENOISER).exists(),
                                reason="assets/models/ffdnet_gray.safetensors is not shipped")
LABELS = ("Zoom centre x (% of width)", "Zoom centre y (% of height)", "Zoom box side (pixels)")


def open_compare(page, url):
    open_in_browser(page, url)
    page.get_by_text("Network PSNR").wait_for(timeout=NETWORK_TIMEOUT)
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    frame = page.locator(".cmp-frame")
    frame.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid^=stBidiComponent]')].some(h => "
                           "[...(h.shadowRoot || h).querySelectorAll('.cmp-img')].every(i => i.complete && i.naturalWidth))")
    return frame


def split(page) -> float:
    return float(page.locator(".cmp-handle").get_attribute("aria-valuenow"))


def zoom_numbers(page) -> tuple[int, int, int]:
    return tuple(int(page.get_by_label(label, exact=True).input_value()) for label in LABELS)


def picture_size(page) -> tuple[int, int]:
    """The picture's full size: the default sample is under the preview's limit, so the preview is full size."""
    return tuple(page.locator(".cmp-after").evaluate("i => [i.naturalWidth, i.naturalHeight]"))


def zoom_panel(page) -> str:
    """The image inside the denoised result's zoom (the plotly image trace's data URL)."""
    return page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].find(p => "
                         "(p.layout?.title?.text || '').includes('zoom: denoised')).data[0].source")


def wait_for_link(page, zoom: ZoomSettings):
    """Until the link holds the zoom (zx, zy, zs; a default value is left out of it)."""
    parts = [f"{k}={v}" for k, v, default in (("zx", zoom.x, 50), ("zy", zoom.y, 50), ("zs", zoom.side, 64))
             if v != default]
    page.wait_for_function("parts => parts.every(p => new RegExp('[?&]' + p + '(&|$)').test(location.search))", arg=parts)


def drag(page, frame, start, end):
    box = steady_box(page, frame)
    at = lambda f: (box["x"] + f[0] * box["width"], box["y"] + f[1] * box["height"])
    page.mouse.move(*at(start))
    page.mouse.down()
    for t in (0.3, 0.7, 1.0):
        page.mouse.move(*at((start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))))
    page.mouse.up()
    to_fraction = lambda p: ((p[0] - box["x"]) / box["width"], (p[1] - box["y"]) / box["height"])
    return to_fraction(at(start)) + to_fraction(at(end))


def test_divider_moves_by_mouse_and_keyboard_without_a_run(page, app_url, screenshots):
    page.set_viewport_size({"width": 1440, "height": 900})
    frame = open_compare(page, f"{app_url}/denoising")
    handle = page.locator(".cmp-handle")
    expect(handle).to_have_attribute("role", "slider")
    assert "noisy input on the left" in handle.get_attribute("aria-label")
    assert split(page) == 50
    runs = watch_script_runs(page)
    box, grip = steady_box(page, frame), steady_box(page, handle)
    page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 0.4 * box["width"], grip["y"] + 10)
    page.mouse.move(box["x"] + 0.25 * box["width"], grip["y"] + 10)
    page.mouse.up()
    assert abs(split(page) - 25) <= 1
    clip = page.locator(".cmp-before").evaluate("e => e.style.clipPath")
    assert re.fullmatch(r"inset\(0(px)? 7[45](\.\d+)?% 0(px)? 0(px)?\)", clip), clip
    # the divider line is where the before picture is cut
    line = page.locator(".cmp-divider").bounding_box()
    assert abs(line["x"] + line["width"] / 2 - (box["x"] + split(page) / 100 * box["width"])) <= 3
    handle.focus()
    start = split(page)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert split(page) == pytest.approx(start + 6, abs=0.6)
    page.keyboard.press("Shift+ArrowLeft")
    assert split(page) == pytest.approx(start - 4, abs=0.6)
    page.keyboard.press("End")
    assert split(page) == 100
    page.keyboard.press("Home")
    assert split(page) == 0 and "0% noisy input" in handle.get_attribute("aria-valuetext")
    page.keyboard.press("PageUp")
    assert split(page) == 10
    assert page.evaluate("window.__runs") == runs                 # all in the browser: no script run
    assert "zx=" not in page.url
    assert box["height"] <= 0.6 * 900 + 1                         # the panels below start within a laptop's screen
    page.screenshot(path=str(screenshots / "compare_divider_1440x900.png"))   # the screen as seen, not stretched


def test_a_dragged_rectangle_and_a_click_set_the_zoom_and_the_link(page, app_url, screenshots, browser):
    page.set_viewport_size({"width": 1440, "height": 900})
    frame = open_compare(page, f"{app_url}/denoising")
    width, height = picture_size(page)
    side = zoom_numbers(page)[2]
    panel = zoom_panel(page)
    rect = drag(page, frame, (0.12, 0.18), (0.34, 0.41))
    want = zoom_from_fractions(rect, width, height, side)
    expect(page.get_by_label(LABELS[0], exact=True)).to_have_value(str(want.x), timeout=NETWORK_TIMEOUT)
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    assert zoom_numbers(page) == (want.x, want.y, want.side)
    wait_for_link(page, want)
    x0, y0, w, h = want.box(width, height)
    expect(page.get_by_text(f"The magenta box ({w}×{h} pixels at x = {x0}, y = {y0})")).to_be_visible()
    assert zoom_panel(page) != panel                              # the zoomed panels follow
    # the magenta box on the picture is Python's box
    shown = page.locator(".cmp-zoom").evaluate("e => [e.style.left, e.style.top, e.style.width].map(parseFloat)")
    assert shown == pytest.approx([100 * x0 / width, 100 * y0 / height, 100 * w / width], abs=0.01)
    screenshots.save(page, "compare_zoom_1440.png")

    panel = zoom_panel(page)
    click = drag(page, frame, (0.8, 0.7), (0.8, 0.7))             # a click: centred there, the side kept
    want = zoom_from_fractions(click, width, height, want.side)
    expect(page.get_by_label(LABELS[0], exact=True)).to_have_value(str(want.x), timeout=NETWORK_TIMEOUT)
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    assert zoom_numbers(page) == (want.x, want.y, want.side)
    wait_for_link(page, want)
    assert zoom_panel(page) != panel

    link = page.url                                               # the copied link reopens the same zoom
    other = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    try:
        open_compare(other, link)
        assert zoom_numbers(other) == (want.x, want.y, want.side)
        x0, y0, w, h = ZoomSettings(want.x, want.y, want.side).box(width, height)
        shown = other.locator(".cmp-zoom").evaluate("e => [e.style.left, e.style.top].map(parseFloat)")
        assert shown == pytest.approx([100 * x0 / width, 100 * y0 / height], abs=0.01)
    finally:
        other.context.close()


def test_phone_layout_and_a_tap_centres_the_zoom(tabs, app_url, screenshots):
    page = tabs.open(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        frame = open_compare(page, f"{app_url}/denoising")
        box = frame.bounding_box()
        assert box["width"] <= 390 and box["x"] >= 0              # nothing runs off the screen sideways
        handle = page.locator(".cmp-handle").bounding_box()
        assert handle["width"] >= 44 and handle["height"] >= 44    # a finger-sized target
        page.locator(".cmp-handle").focus()
        page.keyboard.press("ArrowLeft")
        assert split(page) == 48
        assert page.locator(".cmp-hint").inner_text().startswith("Drag the round handle to compare; tap the picture")
        frame.screenshot(path=str(screenshots / "compare_view_390.png"))
        page.screenshot(path=str(screenshots / "compare_phone_390x844.png"))
        width, height = picture_size(page)
        side = zoom_numbers(page)[2]
        page.touchscreen.tap(box["x"] + 0.75 * box["width"], box["y"] + 0.25 * box["height"])
        want = zoom_from_fractions((0.75, 0.25, 0.75, 0.25), width, height, side)
        wait_for_link(page, want)
        wait_for_app(page, timeout=NETWORK_TIMEOUT)
        assert zoom_numbers(page) == (want.x, want.y, side)
    finally:
        page.close()
    assert not errors, errors


def test_super_resolution_compares_bicubic_with_the_network_and_a_rectangle_zooms(page, app_url, screenshots):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_in_browser(page, f"{app_url}/super_resolution?scale=2")
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    frame = page.locator(".cmp-frame")
    frame.scroll_into_view_if_needed()
    handle = page.locator(".cmp-handle")
    assert "Bicubic on the left" in handle.get_attribute("aria-label")
    width, height = picture_size(page)
    side = int(page.get_by_label("Zoom box side (output pixels)", exact=True).input_value())
    rect = drag(page, frame, (0.6, 0.3), (0.7, 0.45))
    want = zoom_from_fractions(rect, width, height, side)
    expect(page.get_by_label(LABELS[0], exact=True)).to_have_value(str(want.x), timeout=NETWORK_TIMEOUT)
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    wait_for_link(page, want)
    assert int(page.get_by_label("Zoom box side (output pixels)", exact=True).input_value()) == want.side
    page.screenshot(path=str(screenshots / "compare_sr_1440x900.png"))


def test_presenting_keeps_the_view_and_its_keys(page, app_url, screenshots):
    """While presenting, ← → on the focused divider move it (not the page's stage: there is none here, and the
    keys are taken before the page-wide clicker listener)."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    frame = open_compare(page, f"{app_url}/denoising?present=1")
    assert frame.bounding_box()["height"] <= 0.6 * 1080 + 1
    assert float(page.locator(".cmp-label-before").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20
    page.locator(".cmp-handle").focus()
    page.keyboard.press("ArrowRight")
    assert split(page) == 52
    page.screenshot(path=str(screenshots / "compare_present_1920.png"))
