"""Hostile input in Chromium: a link full of garbage, a text file, and a file over the upload limit.

The `page` fixture fails the test on any JavaScript error. Waits are for text, never fixed times.
"""

import os
from urllib.parse import quote

from convviz.testing.serve import wait_for_app

SLOW = 120_000   # ms: a cold model load on a shared 2-core machine


def assert_no_exception(page):
    assert page.locator("[data-testid='stException']").count() == 0, "an exception box is on the page"


def test_garbage_link_gives_messages_and_the_page(page, app_url):
    garbage = {"h": "nan", "sh": "1e999", "kernel": "🙂", "pos": "-1", "b": "", "seed": "9" * 2000, "op": "\u202e"}
    page.goto(f"{app_url}/convolution?" + "&".join(f"{k}={quote(v)}" for k, v in garbage.items()))
    page.get_by_text("The link's sh=").wait_for(timeout=SLOW)          # the bar's Stride, under the figure
    wait_for_app(page, timeout=SLOW)
    assert_no_exception(page)
    page.get_by_text("open More settings to see which").wait_for()       # the others wait inside More settings
    page.locator("[data-testid=stExpander] summary", has_text="More settings").click()
    page.get_by_text("The link's h=").wait_for()
    warnings = page.locator("[data-testid='stAlertContentWarning']").all_inner_texts()
    for key in ("h", "sh", "kernel", "b", "seed", "op"):
        assert any(f"The link's {key}=" in w for w in warnings), (key, warnings)
    assert max(len(w) for w in warnings) < 600                   # the 2000 digits are not pasted back
    page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for(timeout=SLOW)   # the default view is drawn


def test_text_file_and_oversized_file_are_refused_by_the_uploader(page, app_url, tmp_path):
    page.goto(f"{app_url}/denoising?dn_src=upload")
    wait_for_app(page, timeout=SLOW)
    dropzone = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    notes = tmp_path / "notes.txt"
    notes.write_text("a text file, not an image\n")
    dropzone.set_input_files(str(notes))
    page.get_by_text("files are not allowed").wait_for(timeout=SLOW)
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(21 * 1024 * 1024))   # over server.maxUploadSize = 20
    dropzone.set_input_files(str(big))
    page.get_by_text("must be 20.0MB or smaller").wait_for(timeout=SLOW)
    wait_for_app(page, timeout=SLOW)
    assert_no_exception(page)
    # the page still waits for a good file (opened from a link, it asks for the upload again)
    assert page.get_by_text("please upload it again").count() == 1
