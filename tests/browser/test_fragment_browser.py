"""A setting changed on /convolution reruns only the lesson's settings fragment (issue 23, item 3), in Chromium.

The figure, its controls and the sections computed from them (output size, cross-correlation, the torch
check, the backward pass) are one st.fragment (pages/convolution.py): a stride change re-sends those and
not the worked example, the photo filters or the exercise below them. The new numbers are convviz's, the
link follows, and a preset chosen inside the fragment still opens the worked example below it (a full rerun).
"""

import re

import numpy as np
from playwright.sync_api import expect

from convviz.figures.common import short_number
from convviz.lessons.convolution import ConvLayer, convolution_result
from convviz.testing.serve import wait_for_app
from tests.support import open_in_browser, watch_script_runs

BELOW = [b"filter_photo", b"filter_kernel", b"ex_figure", b"Worked example: Exercise 7.1", b"ex_map0"]


def received(page) -> list[bytes]:
    """Every websocket frame the page receives from now on (bytes), in a list that grows."""
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode())))
    return frames


def grid_titles(page, key: str) -> np.ndarray:
    """The hover titles of the SVG grid `key` ("row i, col j: v"), as an array of the v strings."""
    titles = page.locator(f".grid-{key} g.cell title").all_text_contents()
    cells = [re.fullmatch(r"row (\d+), col (\d+): (.*)", t).groups() for t in titles]
    rows, cols = 1 + max(int(r) for r, _, _ in cells), 1 + max(int(c) for _, c, _ in cells)
    out = np.empty((rows, cols), dtype=object)
    for r, c, v in cells:
        out[int(r), int(c)] = v
    return out


def as_text(values: np.ndarray) -> np.ndarray:
    return np.vectorize(short_number, otypes=[object])(values[0] if values.ndim == 3 else values)


def test_a_stride_change_redraws_its_sections_and_not_the_rest(page, app_url):
    frames = received(page)
    open_in_browser(page, f"{app_url}/convolution?seed=7")
    before = convolution_result(ConvLayer(seed=7))
    assert (grid_titles(page, "y_xcorr") == as_text(before.xcorr)).all()
    assert page.locator("[data-testid=stPlotlyChart]").count() >= 3     # the photo filters and the exercise
    frames.clear()
    runs = watch_script_runs(page)

    box = page.get_by_label("Stride", exact=True)
    box.fill("2")
    box.press("Enter")
    page.wait_for_url(re.compile(r"sh=2.*sw=2|sw=2.*sh=2"))
    wait_for_app(page)
    after = convolution_result(ConvLayer(seed=7, stride=(2, 2)))
    expect(page.locator(".grid-y_xcorr g.cell")).to_have_count(after.xcorr.size)
    assert (grid_titles(page, "y_xcorr") == as_text(after.xcorr)).all()
    assert (grid_titles(page, "y_conv") == as_text(after.conv)).all()
    expect(page.locator(".stage .cell[data-grid=output]")).to_have_count(after.y.size)
    assert page.evaluate("window.__runs") >= 1

    sent = b"".join(frames)
    assert b"grid-y_xcorr" in sent and b"grid-grad_x" in sent, "the fragment's sections were re-sent"
    for name in BELOW:
        assert name not in sent, f"{name!r} was re-sent: the stride change reran more than its fragment"
    assert page.locator("[data-testid=stException]").count() == 0


def test_a_preset_chosen_in_the_fragment_opens_the_worked_example_below(page, app_url):
    open_in_browser(page, f"{app_url}/convolution")
    example = page.locator("[data-testid=stExpander] details").filter(has_text="Three channels, padding 1")
    expect(example).not_to_have_attribute("open", "")
    page.locator("[data-testid=stExpander] summary", has_text="More settings").click()
    page.get_by_role("combobox", name="Preset").click()
    page.get_by_role("option", name="Exercise 7.1 (note 004)").click()
    page.wait_for_url(re.compile(r"preset=ex71"))
    wait_for_app(page)
    expect(example).to_have_attribute("open", "")
    page.get_by_text("Typo in the note").first.wait_for()
    assert page.locator("[data-testid=stException]").count() == 0
