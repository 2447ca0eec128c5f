"""The stage (convviz/ui/stage) in Chromium, on the convolution page's sliding window and the zoo's pooling.

Hovering an output cell highlights exactly the window convviz computes (convviz.lessons.scenes.convolution, checked
against window_step and F.unfold in tests/lessons/test_scenes.py); hovering an input cell marks
every output that reads it; dragging moves the window; ←/→, PageUp/PageDown and space step and play
when the stage has focus; the URL's pos follows after the debounce; the exported SVG and the products
table show the step on screen. Screenshots at 1440×900 and 390×844 land in tests/browser/screenshots/.
"""

import re

import numpy as np
from playwright.sync_api import expect

from convviz.lessons.convolution import ConvLayer, step_scene
from convviz.lessons.scenes.common import step_cells, steps_reading
from convviz.lessons.scenes.convolution import window_scene
from convviz.slides.exports import png_bytes
from convviz.testing.serve import wait_for_app
from tests.support import open_stage, run_started, stage_cells, steady, steady_box, watch_script_runs

# two channels, padding, dilation and stride: every kind of cell at once (holes, padding, unread columns)
QUERY = "c=2&h=6&w=7&ph=1&pw=0&dh=2&dw=1&sw=2&kh=2&kw=3"
LAYER = ConvLayer(c=2, h=6, w=7, kh=2, kw=3, padding=(1, 0), dilation=(2, 1), stride=(1, 2))


def scene():
    x, w = LAYER.arrays()
    return window_scene(x, w, LAYER.bias, LAYER.stride, LAYER.padding, LAYER.dilation)


def status(page) -> str:
    return page.locator(".stage-status").inner_text()


def test_hovering_an_output_cell_highlights_exactly_its_window(page, app_url):
    open_stage(page, f"{app_url}/convolution?{QUERY}")
    s = scene()
    ho, wo = LAYER.output_shape
    for i, j in [(0, 0), (ho - 1, wo - 1), (ho // 2, 1)]:
        page.locator(f".cell[data-grid=output][data-row='{i}'][data-col='{j}']").hover()
        t = i * wo + j
        want = {("input", c, r, q) for c, r, q in step_cells(s, t, "input")}
        got = {cell for cell in stage_cells(page, ".cell.peek") if cell[0] == "input"}
        assert got == want and len(want) == 2 * 2 * 3
        # the products listed are this cell's: one per tap, and the head names it
        expect(page.locator(".terms-head")).to_have_text(f"Output cell ({i}, {j})" + (" (hovered)" if t else ""))
        assert page.locator(".term").count() == 12
    page.mouse.move(0, 0)
    expect(page.locator(".terms-head")).to_have_text("Output cell (0, 0)")


def test_hovering_an_input_cell_marks_every_output_that_reads_it(page, app_url):
    open_stage(page, f"{app_url}/convolution?{QUERY}")
    s, (_, wo) = scene(), LAYER.output_shape
    for c, r, q in [(0, 1, 0), (1, 3, 4), (0, 6, 6), (1, 0, 3)]:          # padded coordinates (row 0 is padding)
        page.locator(f".cell[data-grid=input][data-channel='{c}'][data-row='{r}'][data-col='{q}']").hover()
        want = {("output", 0, *divmod(t, wo)) for t in steps_reading(s, "input", (c, r, q))}
        assert stage_cells(page, ".cell.reads") == want
    # every real row and column is read here (none marked; test_unread_rows… has some), and the padding
    # rows carry data-padding
    assert s["grids"][0]["unread_rows"] == s["grids"][0]["unread_cols"] == [] and not stage_cells(page, ".cell[data-unread]")
    assert stage_cells(page, ".cell[data-padding]") == {("input", c, r, q) for c in range(2) for r in (0, 7) for q in range(7)}


def test_unread_rows_and_dilation_holes_are_drawn(page, app_url):
    # 6×5 input, 3×3 kernel, stride 2 down, dilation 2 across: rows 0–4 and columns 0, 2, 4 are read
    open_stage(page, f"{app_url}/convolution?h=6&kh=3&sh=2&dw=2")
    unread = {(r, q) for _, _, r, q in stage_cells(page, ".cell[data-unread]")}
    assert unread == {(r, q) for r in range(6) for q in range(5) if r == 5 or q in (1, 3)}
    holes = stage_cells(page, ".cell.hole")                                    # dilation 2 across: columns 1 and 3
    assert {(r, q) for _, _, r, q in holes} == {(r, q) for r in range(3) for q in (1, 3)}


def test_drag_moves_the_window_and_the_link_follows(page, app_url):
    open_stage(page, f"{app_url}/convolution")                           # 5×5, 3×3: a 3×3 output
    runs = watch_script_runs(page)
    start = steady_box(page, page.locator(".cell.win[data-grid=input][data-row='1'][data-col='1']"))
    size = start["width"] + 2
    page.mouse.move(start["x"] + size / 2, start["y"] + size / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + size * 2.5, start["y"] + size * 1.5, steps=8)   # two right, one down
    page.mouse.up()
    assert status(page).startswith("Output cell (1, 2)")
    assert page.evaluate("window.__runs") == runs == 0, "the window moved in the browser"
    page.wait_for_url(re.compile(r"pos=5"))
    wait_for_app(page)
    page.get_by_text("Output cell (1, 2): the window's").wait_for()


def test_keys_step_and_play_and_the_link_and_exports_follow(page, app_url, tmp_path):
    stage = open_stage(page, f"{app_url}/convolution?pos=1")
    assert status(page).startswith("Output cell (0, 1)")
    stage.focus()
    for key in ["ArrowRight", "ArrowRight", "PageDown", "ArrowLeft", "PageUp", "ArrowRight", "ArrowRight"]:
        page.keyboard.press(key)
    assert status(page).startswith("Output cell (1, 1)")                # 1 +1 +1 +1 −1 −1 +1 +1 = 4
    page.wait_for_url(re.compile(r"pos=4"))
    wait_for_app(page)
    page.get_by_text("Output cell (1, 1): the window's").wait_for()     # the products table follows
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("This step, SVG")).click()
    svg = open(download.value.path(), encoding="utf-8").read()
    assert "Output cell (1, 1) = " in svg and "y[1, 1] = Σ x·w over 9 products" in svg, "the export shows the step on screen"

    stage.focus()
    page.keyboard.press("Space")                                        # play (1 s a step), then pause
    expect(stage).to_have_attribute("data-playing", "true")
    expect(stage).not_to_have_attribute("data-step", "4", timeout=5000)
    page.keyboard.press("Space")
    expect(stage).to_have_attribute("data-playing", "false")
    shown = stage.get_attribute("data-step")
    page.wait_for_url(re.compile(rf"pos={shown}\b"))
    # The pause is what is tested: paused, the step must NOT move in 1.5 s (an absence has no event to wait on).
    page.wait_for_timeout(1500)
    assert stage.get_attribute("data-step") == shown


def agrees_on(page, pos: int):
    """Issue 24's one step state: the stage, the products line under it, the URL's pos and the "This step, PNG"
    export all show step `pos` of the default 5×5 / 3×3 view (3×3 output)."""
    i, j = divmod(pos, 3)
    expect(page.locator(".stage")).to_have_attribute("data-step", str(pos))
    assert status(page).startswith(f"Output cell ({i}, {j})")
    page.wait_for_url(re.compile(rf"pos={pos}\b") if pos else re.compile(r"^(?!.*pos=)"))
    wait_for_app(page)
    page.get_by_text(f"Output cell ({i}, {j}): the window's").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("This step, PNG")).click()
    with open(download.value.path(), "rb") as f:
        assert f.read() == png_bytes(step_scene(ConvLayer(), pos)), f"the PNG export is not step {pos}"


def test_every_way_of_moving_the_step_moves_the_stage_table_link_and_export_together(page, app_url):
    stage = open_stage(page, f"{app_url}/convolution?pos=2")             # the link
    agrees_on(page, 2)
    page.get_by_role("button", name="▶", exact=True).click()             # the stage's buttons
    agrees_on(page, 3)
    page.locator(".cell[data-grid=output][data-row='2'][data-col='1']").click()   # a click on an output cell
    agrees_on(page, 7)
    stage.focus()
    page.keyboard.press("Home")                                          # the keys
    agrees_on(page, 0)
    page.locator(".stage-slider").fill("5")                              # the stage's own slider
    agrees_on(page, 5)
    start = steady_box(page, page.locator(".cell.win[data-grid=input][data-row='1'][data-col='2']"))
    size = start["width"] + 2
    page.mouse.move(start["x"] + size / 2, start["y"] + size / 2)
    page.mouse.down()
    page.mouse.move(start["x"] - size * 1.5, start["y"] - size * 0.5, steps=8)   # a drag: two left, one up
    page.mouse.up()
    agrees_on(page, 0)


def test_a_link_with_play_starts_the_autoplay_and_one_without_does_not(page, app_url):
    """The README's lecturer link says "slow autoplay": with play=1 the scene runs on its own after load."""
    # network_idle=False: the autoplay starts a run every 0.5 s and each run sets the tab's icon again (a request),
    # so the page is never quiet for the half second networkidle waits for
    stage = open_stage(page, f"{app_url}/transposed_convolution?tc_preset=note000&tc_step=1&speed=fast&play=1",
                       network_idle=False)
    expect(stage).to_have_attribute("data-playing", "true")
    expect(stage).not_to_have_attribute("data-step", "1", timeout=5000)   # 0.5 s a step, by itself
    page.wait_for_url(re.compile(r"tc_step=[023]\b|^(?!.*tc_step=)"))     # and the link follows it
    stage = open_stage(page, f"{app_url}/transposed_convolution?tc_preset=note000&tc_step=1&speed=fast")
    expect(stage).to_have_attribute("data-playing", "false")
    # The pause is what is tested: without play=1 nothing may move in four ticks' worth (no event to wait on).
    page.wait_for_timeout(2000)
    assert stage.get_attribute("data-step") == "1" and "tc_step=1" in page.url


def test_the_stage_keeps_its_place_when_the_server_echoes_the_step(page, app_url):
    """Clicks faster than the round trip: the debounced echo must not pull the window back."""
    open_stage(page, f"{app_url}/convolution?h=8&w=8")                  # 6×6 output
    nxt = page.get_by_role("button", name="▶", exact=True)
    run_started(page, lambda: [nxt.click() for _ in range(3)])        # the first send reached the server: its
    for _ in range(4):                                                    # echo (step 3) comes back during these
        nxt.click()
    page.wait_for_url(re.compile(r"pos=7\b"))
    wait_for_app(page)
    expect(page.locator(".stage")).to_have_attribute("data-step", "7")
    shown = page.locator(".stage-status").element_handle()
    steady(page, "status => status.textContent", arg=shown)             # no late echo redraws it
    assert status(page).startswith("Output cell (1, 1)")


def test_screenshots_on_a_laptop_and_a_phone(tabs, app_url, screenshots):
    for width, height in [(1440, 900), (390, 844)]:
        page = tabs.open(viewport={"width": width, "height": height})
        try:
            stage = open_stage(page, f"{app_url}/convolution?{QUERY}&pos=3")
            font = page.locator(".cell[data-grid=input] text").first.evaluate("t => parseFloat(getComputedStyle(t).fontSize)")
            assert font >= 14, f"cell numbers are {font} px at {width} px wide"
            overflow = page.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth - window.innerWidth")
            assert overflow <= 1, "the page is not wider than the screen (a wide grid scrolls inside the stage)"
            page.locator(".cell[data-grid=output][data-row='1'][data-col='1']").hover()
            stage.evaluate("e => e.scrollIntoView({block: 'start'})")
            steady(page)
            page.screenshot(path=str(screenshots / f"stage_convolution_{width}x{height}.png"))   # what a student sees
        finally:
            page.close()


def test_the_zoo_pooling_window_steps_in_the_stage(page, app_url, screenshots):
    stage = open_stage(page, f"{app_url}/convolution_zoo?pl_k=3&pl_s=2&pl_p=1#pooling")
    stage = page.locator(".stage[data-kind=pooling]")
    stage.scroll_into_view_if_needed()
    from convviz.torch_ref.zoo import pooling_example
    ex = pooling_example("max", 3, 2, 1, 6, 0)
    page.locator(".stage[data-kind=pooling] .cell[data-grid=output][data-row='1'][data-col='2']").hover()
    expect(page.locator(".stage[data-kind=pooling] .terms-sum")).to_contain_text(f"= {ex['y'][1, 2]:g}")
    (r, q) = ex["winners"][1, 2]
    stage.focus()
    page.keyboard.press("End")
    last = ex["y"].shape
    assert page.locator(".stage[data-kind=pooling] .stage-status").inner_text().startswith(
        f"Output cell ({last[0] - 1}, {last[1] - 1})")
    winner = page.locator(".stage[data-kind=pooling] .cell.winner")
    assert winner.count() == 1
    wr, wc = ex["winners"][-1, -1]
    assert (winner.get_attribute("data-row"), winner.get_attribute("data-col")) == (str(wr + 1), str(wc + 1))
    assert np.isfinite(r + q)
    page.wait_for_url(re.compile(r"pl_step=8"))
    stage.evaluate("e => e.scrollIntoView({block: 'start'})")
    steady(page)
    page.screenshot(path=str(screenshots / "stage_pooling_1440.png"))
