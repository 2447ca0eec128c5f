"""The transposed-convolution page in Chromium: it renders with no exception box, changing the
stride changes the printed numbers and the link, a bad link shows messages, and the scatter
figure's own slider moves without a script run. Screenshots go to tests/browser/screenshots/."""

import ast
import re

import numpy as np
from playwright.sync_api import expect

from convviz.lessons.shared.examples import input_values, kernel_values
from convviz.testing.serve import wait_for_app
from convviz.transposed import conv_transpose2d
from tests.support import open_long_page, watch_script_runs

X, W = input_values("random", 1, 3, 3, 0)[0], kernel_values("random", 1, 3, 3, 0)[0]
CODE_OUTPUT = "[data-testid='stCode'] code"


def open_page(page, url):
    open_long_page(page, url, "Pixel shuffle: channels to space")


def printed_transposed_output(page):
    """The list printed under the conv_transpose2d code (the code block after it)."""
    page.locator(CODE_OUTPUT, has_text="conv_transpose2d").first.wait_for()    # code blocks are drawn lazily
    page.locator(CODE_OUTPUT).nth(1).wait_for()
    blocks = page.locator(CODE_OUTPUT).all_inner_texts()
    i = next(n for n, text in enumerate(blocks) if "conv_transpose2d" in text)
    return np.array(ast.literal_eval(blocks[i + 1]))


def test_page_renders_and_a_control_changes_the_numbers(page, app_url, screenshots):
    open_page(page, f"{app_url}/transposed_convolution")
    title = page.locator("h1").first
    assert title.is_visible() and title.inner_text().startswith("Transposed convolution")
    np.testing.assert_allclose(printed_transposed_output(page), conv_transpose2d(X, W, stride=2))
    screenshots.save(page, "transposed_convolution.png")

    box = page.get_by_label("Stride", exact=True)
    box.fill("3")
    box.press("Enter")
    expected = conv_transpose2d(X, W, stride=3)
    # Wait for the new numbers: the printed output gets the stride-3 height (7 rows instead of 5).
    page.wait_for_function(
        "n => Array.from(document.querySelectorAll(\"[data-testid='stCode'] code\")).some("
        "e => e.innerText.startsWith('[[') && JSON.parse(e.innerText).length === n)", arg=expected.shape[0])
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    np.testing.assert_allclose(printed_transposed_output(page), expected)
    assert "tc_s=3" in page.url
    screenshots.save(page, "transposed_convolution_stride3.png")


def test_bad_link_shows_messages_not_a_traceback(page, app_url, screenshots):
    open_page(page, f"{app_url}/transposed_convolution?tc_k=-3&tc_h=abc&tc_op=3&tc_s=2")
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("output_padding must be smaller than the stride or the dilation")
    body = main.inner_text()
    assert "tc_k='-3' is outside" in body and "open More settings to see which" in body   # the input size is folded
    page.get_by_text("More settings").first.click()
    expect(main).to_contain_text("tc_h='abc' is not a number")
    expect(page.get_by_label("Output padding", exact=True)).to_have_value("3")      # nothing entered is lost
    screenshots.save(page, "transposed_convolution_bad_link.png")


def test_note_000_preset_and_the_scatter_stage_steps_in_the_browser(page, app_url, screenshots):
    open_page(page, f"{app_url}/transposed_convolution?tc_preset=note000")
    np.testing.assert_allclose(printed_transposed_output(page), [[0, 0, 0, 1], [0, 0, 2, 3], [0, 2, 0, 3], [4, 6, 6, 9]])
    status = page.locator(".stage-status")
    expect(status).to_contain_text("Input cell (0, 0)")
    runs = watch_script_runs(page)
    page.locator(".stage").focus()
    page.keyboard.press("End")                             # the stage steps in the browser, no run first
    expect(status).to_contain_text("Input cell (1, 1)")
    assert page.evaluate("window.__runs") == runs == 0, "the step must show before any script run"
    page.wait_for_url(re.compile(r"tc_step=3"))            # then the link follows (debounced)
    screenshots.save(page, "transposed_convolution_note000.png")
