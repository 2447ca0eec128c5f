"""Lecturer mode in Chromium: a deep link opens a lesson in presentation mode, ▶ steps through
and the step lands in the link, the exported PNG and GIF download as valid images of their
stated size, the share dialog shows the link and its QR code, stepping while presenting keeps the figures in
place, and the keys go to an input when one has the focus. Every lesson in presentation mode at 1920×1080 and
1280×720 (screenshots present_*.png) is in test_every_page_browser.py.
"""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.support import link_caught_up, steady

from convviz.slides.exports import GIF_SIZE, PNG_SIZE
from convviz.testing.serve import wait_for_app


def open_page(page, url):
    # The shared 2-core machine also trains models: a cold page run can take 20 s or more there.
    page.set_default_timeout(90_000)
    expect.set_options(timeout=90_000)
    page.goto(url)
    page.locator("h1").first.wait_for()
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0, "an exception box is on the page"


def root_font_px(page) -> float:
    return float(page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)"))


def test_deep_link_in_presentation_mode_steps_and_exports(page, app_url, screenshots, tmp_path):
    open_page(page, f"{app_url}/convolution?present=1&pos=3")
    toggle = page.get_by_role("switch", name="Presentation mode")
    expect(toggle).to_be_checked()
    assert root_font_px(page) >= 19, "presentation mode enlarges the root font"
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    assert page.locator("[data-testid='stCode']").count() == 0, "code blocks are hidden in presentation mode"

    page.get_by_role("button", name="▶", exact=True).click()
    page.wait_for_url(re.compile(r"pos=4"))
    wait_for_app(page)
    assert "present=true" in page.url

    with page.expect_download() as png_download:
        page.get_by_role("button", name=re.compile("This step, PNG")).click()
    png = Image.open(png_download.value.path())
    assert png.format == "PNG" and png.size == PNG_SIZE

    with page.expect_download() as gif_download:
        page.get_by_role("button", name=re.compile("steps, GIF")).click()
    gif = Image.open(gif_download.value.path())
    assert gif.format == "GIF" and gif.size == GIF_SIZE and gif.n_frames == 9     # 3×3 output of a 5×5 input
    screenshots.save(page, "present_convolution_step.png")


def test_autoplay_moves_the_step_and_pause_stops_it(page, app_url):
    open_page(page, f"{app_url}/transposed_convolution?tc_preset=note000&speed=fast")
    page.get_by_role("button", name=re.compile("Play")).first.click()
    page.wait_for_url(re.compile(r"tc_step=2"))            # two ticks of 0.5 s
    page.get_by_role("button", name=re.compile("Pause")).first.click()
    expect(page.get_by_role("button", name=re.compile("Play")).first).to_be_visible()
    stage = page.locator(".stage").first
    expect(stage).to_have_attribute("data-playing", "false")
    stopped = link_caught_up(page, "tc_step", stage)        # the step shown when Pause was clicked reached the link
    # The pause is what is tested: three ticks' worth in which the step must NOT move (an absence has no event).
    page.wait_for_timeout(1500)
    assert page.url == stopped


def test_a_hand_on_the_step_buttons_pauses_the_autoplay(page, app_url):
    open_page(page, f"{app_url}/convolution?speed=slow")
    page.get_by_role("button", name=re.compile("Play")).first.click()
    expect(page.get_by_role("button", name=re.compile("Pause")).first).to_be_visible()
    page.get_by_text("fast (0.5 s)").click()               # a new speed while playing (a full run: no error, still playing)
    page.wait_for_url(re.compile(r"speed=fast"))
    expect(page.get_by_role("button", name=re.compile("Pause")).first).to_be_visible()
    page.wait_for_url(re.compile(r"pos=3"))
    page.get_by_role("button", name="◀", exact=True).click()
    expect(page.get_by_role("button", name=re.compile("Play")).first).to_be_visible()
    stage = page.locator(".stage").first
    expect(stage).to_have_attribute("data-playing", "false")
    stopped = link_caught_up(page, "pos", stage)
    # The pause is what is tested: the autoplay (0.5 s a step) must NOT move the step in 1.5 s.
    page.wait_for_timeout(1500)
    assert page.url == stopped


def test_share_dialog_shows_the_link_and_a_qr_code(page, app_url):
    open_page(page, f"{app_url}/receptive_fields?preset=note002&layer=1")
    page.get_by_role("button", name=re.compile("Share this view")).click()
    dialog = page.get_by_role("dialog")
    link = dialog.locator("code", has_text="/receptive_fields?preset=note002&layer=1").first   # beside it: how to
    expect(link).to_be_visible()                                                              # share on the network
    assert app_url in link.inner_text()
    qr = dialog.locator("img").first
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 100


# Rounded [x, y, width, height] of every plotly chart, y from the page title (clicking scrolls the page).
CHART_BOXES = ("() => { const top = document.querySelector('h1').getBoundingClientRect().y;"
               " return [...document.querySelectorAll('[data-testid=stPlotlyChart]')].map(e => {"
               " const r = e.getBoundingClientRect(); return [r.x, r.y - top, r.width, r.height].map(Math.round); }); }")


@pytest.mark.parametrize("path, key, start", [("convolution", "pos", 3), ("transposed_convolution", "tc_step", 1),
                                              ("receptive_fields", "layer", 3)])
def test_stepping_while_presenting_does_not_move_the_figures(page, app_url, path, key, start):
    """A projector audience loses its place when the figure jumps: ▶ changes the numbers, not the layout."""
    extra = "&tc_preset=note000" if path == "transposed_convolution" else "&preset=vgg16" if path == "receptive_fields" else ""
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{app_url}/{path}?present=1&{key}={start}{extra}")
    before = steady(page, CHART_BOXES)[:2]
    page.locator(".stage button[data-action=next]").click()   # the stage's ▶ (the receptive page's unit has one too)
    page.wait_for_url(re.compile(rf"{key}={start + 1}"))
    wait_for_app(page)
    assert steady(page, CHART_BOXES)[:2] == before


# --- a presenter's clicker (issue 33) ---------------------------------------------------------------------------
FOCUSED = """() => { let a = document.activeElement;
                     while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
                     return a ? (a.classList.contains('stage') ? 'stage' : a.tagName.toLowerCase()) : null; }"""
STAGE_TOP = "() => document.querySelector('h1').getBoundingClientRect().y"


def main_stage(page):
    stage = page.locator(".stage").first
    expect(stage).to_have_attribute("data-kind", "sliding_window")
    return stage


def test_a_fresh_presenting_page_steps_on_pagedown_and_never_scrolls(page, app_url):
    """Issue 33: a clicker's PageDown on a freshly opened page (focus on the body) steps the lesson's figure; after
    a click on the title it still steps and the page does not scroll; ←/→, PageUp and space too."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{app_url}/convolution?present=1")
    stage = main_stage(page)
    assert page.evaluate(FOCUSED) == "body"
    top = page.evaluate(STAGE_TOP)
    page.keyboard.press("PageDown")
    expect(stage).to_have_attribute("data-step", "1")
    assert page.evaluate(FOCUSED) == "stage", "the stage takes the focus"
    page.locator("h1").first.click()
    for key in ["PageDown", "PageDown", "ArrowRight", "ArrowLeft", "PageUp", "ArrowRight"]:   # 1+1+1+1−1−1+1
        page.keyboard.press(key)
    expect(stage).to_have_attribute("data-step", "3")
    page.wait_for_url(re.compile(r"pos=3"))
    wait_for_app(page)
    page.get_by_role("button", name="Share this view").focus()       # a button: arrows step, space presses it
    page.keyboard.press("ArrowRight")
    expect(stage).to_have_attribute("data-step", "4")
    page.locator("h1").first.click()
    page.keyboard.press(" ")
    expect(stage).to_have_attribute("data-playing", "true")
    page.keyboard.press(" ")
    expect(stage).to_have_attribute("data-playing", "false")
    assert page.evaluate(STAGE_TOP) == top, "the page scrolled"


def test_keys_typed_into_an_input_are_left_to_it(page, app_url):
    """Presenting, a focused text field keeps its own keys (the cursor moves, the figure does not); not presenting,
    PageDown on the page is the browser's (a student reading scrolls), the figure stays."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{app_url}/convolution?present=1")
    stage = main_stage(page)
    page.evaluate("() => { const i = document.createElement('input'); i.id = 'typed'; i.value = 'abc';"
                  "        document.querySelector('h1').after(i); i.focus(); }")
    for key in ["ArrowLeft", "ArrowLeft", "PageDown", " "]:
        page.keyboard.press(key)
    assert page.evaluate("() => [document.activeElement.id, document.activeElement.value]") == ["typed", "a bc"]
    assert stage.get_attribute("data-step") == "0" and stage.get_attribute("data-playing") == "false"

    open_page(page, f"{app_url}/convolution")
    stage = main_stage(page)
    page.keyboard.press("PageDown")
    page.keyboard.press("ArrowRight")
    # The pause is what is tested: without presenting the keys must NOT step, and an absence has no event to wait on.
    page.wait_for_timeout(400)
    assert stage.get_attribute("data-step") == "0"


@pytest.mark.parametrize("present", ["", "present=1&"])
def test_the_arrows_keep_working_after_the_last_step(page, app_url, present):
    """Issue 33: ▶ to the last step disables ▶; its focus moves to the stage (not the body), so ←/→ still step;
    the same with ◀ at the first step."""
    open_page(page, f"{app_url}/convolution?{present}pos=7")          # 3×3 output: steps 0–8
    stage = main_stage(page)
    stage.locator("button[data-action=next]").click()
    expect(stage).to_have_attribute("data-step", "8")
    expect(stage.locator("button[data-action=next]")).to_be_disabled()
    assert page.evaluate(FOCUSED) == "stage"
    page.keyboard.press("ArrowLeft")
    expect(stage).to_have_attribute("data-step", "7")
    page.keyboard.press("ArrowRight")
    expect(stage).to_have_attribute("data-step", "8")
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    stage.locator("button[data-action=prev]").click()
    expect(stage).to_have_attribute("data-step", "0")
    assert page.evaluate(FOCUSED) == "stage"
    page.keyboard.press("ArrowRight")
    expect(stage).to_have_attribute("data-step", "1")
