"""A setting reruns only the sections that depend on it (issue 23, item 3), in Chromium: /convolution first.

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
from tests.support import choose_option, open_in_browser, watch_script_runs

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
    watch_script_runs(page)

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
    choose_option(page, "Preset", "Exercise 7.1 (note 004)")
    page.wait_for_url(re.compile(r"preset=ex71"))
    wait_for_app(page)
    expect(example).to_have_attribute("open", "")
    page.get_by_text("Typo in the note").first.wait_for()
    assert page.locator("[data-testid=stException]").count() == 0


TRANSPOSED_BELOW = [b"overlap_bars", b"remedies", b"up_in", b"shuffle", b"ex_figure"]


def test_a_kernel_size_change_on_transposed_redraws_its_sections_and_not_the_rest(page, app_url):
    from convviz.lessons.transposed_convolution import channel_example

    frames = received(page)
    open_in_browser(page, f"{app_url}/transposed_convolution")
    frames.clear()
    box = page.get_by_label("Kernel size", exact=True)
    box.fill("2")
    box.press("Enter")
    page.wait_for_url(re.compile(r"tc_k=2"))
    wait_for_app(page)
    ex = channel_example(2, 2, 3, 3, 2, 0)                 # the default channels, input size and seed
    for o in range(2):
        assert (grid_titles(page, f"tc_ch_out{o}") == as_text(ex["x"][o])).all()
    sent = b"".join(frames)
    assert b"grid-tc_ch_out0" in sent
    for name in TRANSPOSED_BELOW:
        assert name not in sent, f"{name!r} was re-sent: the kernel size change reran more than its fragment"
    assert page.locator("[data-testid=stException]").count() == 0


def test_a_seed_chosen_in_the_transposed_fragment_reaches_the_upsampling_below(page, app_url):
    from convviz.lessons.transposed_convolution import channel_example, upsampled

    open_in_browser(page, f"{app_url}/transposed_convolution?up_input=random")
    page.locator("[data-testid=stExpander] summary", has_text="More settings").click()
    box = page.get_by_label("Random seed", exact=True)
    box.fill("5")
    box.press("Enter")
    page.wait_for_url(re.compile(r"tc_seed=5"))
    wait_for_app(page)
    ex = channel_example(2, 2, 3, 3, 3, 5)
    assert (grid_titles(page, "tc_ch_out0") == as_text(ex["x"][0])).all()
    # the upsampling section below the fragment upsamples the seed's random input (a full rerun brought it)
    printed = repr(upsampled("random", 5, 2, "bilinear", False)["y"].tolist())
    expect(page.locator("[data-testid=stCode]").filter(has_text=printed[:60])).to_have_count(1)


def change_and_collect(page, url: str, label: str, value: int, in_url: str) -> bytes:
    """Open `url`, set the number box `label` to `value` (Enter); the frames received for that change."""
    frames = received(page)
    open_in_browser(page, url)
    frames.clear()
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    page.wait_for_url(re.compile(in_url))
    wait_for_app(page)
    assert page.locator("[data-testid=stException]").count() == 0
    return b"".join(frames)


def test_a_zoo_section_reruns_alone(page, app_url):
    sent = change_and_collect(page, f"{app_url}/convolution_zoo", "Dilation d", 3, r"dl_d=3")
    assert b"dl_taps" in sent
    for other in [b"pw_fig", b"gr_conn", b"ds_bars", b"pl_stage", b"lc_tiles", b"ex_figure"]:
        assert other not in sent, f"{other!r} was re-sent: the dilation reran more than its section"


def test_a_matrix_setting_reruns_the_matrix_sections_and_not_the_circulant_below(page, app_url):
    sent = change_and_collect(page, f"{app_url}/convolution_matrix", "Stride s", 2, r"mx_s=2")
    assert b"mx_fig_at" in sent or b"mx_stage" in sent
    for other in [b"mx_n", b"ista_k", b"ex_figure"]:
        assert other not in sent, f"{other!r} was re-sent: the stride reran more than the matrix sections"


def test_a_receptive_field_setting_reruns_the_field_sections_only(page, app_url):
    sent = change_and_collect(page, f"{app_url}/receptive_fields", "Input size n (pixels per side)", 9, r"n=9")
    assert b"n, j, r and start, layer by layer" in sent
    for other in ["weights per channel pair".encode(), b"dilation_figure", b"unet_table", b"ex_figure"]:
        assert other not in sent, f"{other!r} was re-sent: the input size reran more than the field's sections"


def test_a_batch_setting_reruns_the_batch_sections_and_not_the_training_demo(page, app_url):
    sent = change_and_collect(page, f"{app_url}/batch_normalization", "Batch size N", 3, r"n=3")
    assert b"bn_tensor" in sent and b"bn_hist" in sent
    for other in [b"bn_losses", b"ex_figure"]:
        assert other not in sent, f"{other!r} was re-sent: the batch size reran more than the batch's sections"
