"""Share this view in Chromium (issue 24): a page opened as 127.0.0.1 offers this machine's network address,
and the QR code encodes that link, not localhost. The QR image the browser shows is compared pixel for pixel
with links.qr_png of the expected link (segno is deterministic), so no QR decoder is needed.

The session's app server listens on 127.0.0.1 only (convviz.testing.serve), which the dialog must say; a
second server here listens on 0.0.0.0, as a lecturer's laptop would. That every page's link and QR code reopen
that page is in test_every_page_browser.py.
"""

import io
import os
import subprocess
from urllib.parse import urljoin

import numpy as np
import pytest
from PIL import Image

from convviz.lessons.shared import links
from convviz.testing.serve import ROOT, app_command, free_port, wait_for_app, wait_healthy


@pytest.fixture(scope="module")
def room_server(tmp_path_factory):
    """The app on every interface of this machine, opened from the browser as 127.0.0.1."""
    port = free_port()
    command = [("0.0.0.0" if arg == "127.0.0.1" else arg) for arg in app_command(port)]
    with open(tmp_path_factory.mktemp("share") / "server.log", "w") as log:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            if not wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc, 90):
                pytest.fail(f"streamlit did not start; see {log.name}")
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(10)


def open_share(page, url):
    page.goto(url)
    wait_for_app(page)
    return open_share_dialog(page)


def open_share_dialog(page):
    """Click "Share this view" and wait for its dialog to be drawn whole; return the dialog."""
    page.get_by_role("button", name="Share this view").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("img").first.wait_for()
    dialog.locator("[data-testid='stCode']").first.wait_for()
    wait_for_app(page)                                                # the dialog's run has drawn all of it
    return dialog


def code_boxes(dialog) -> list[str]:
    """The links in the dialog's code boxes, in order."""
    return [t.strip() for t in dialog.locator("[data-testid='stCode']").all_inner_texts()]


def assert_qr_of(page, dialog, url):
    """The QR image in the dialog is links.qr_png(url), pixel for pixel (at the size it is served), and not
    the QR of another link."""
    src = dialog.locator("img").first.get_attribute("src")
    served = Image.open(io.BytesIO(page.request.get(urljoin(page.url, src)).body())).convert("L")

    def same(text):
        made = Image.open(io.BytesIO(links.qr_png(text))).convert("L").resize(served.size, Image.NEAREST)
        return (np.asarray(made) == np.asarray(served)).mean()

    assert same(url) > 0.99 > same(url + "x"), (same(url), same(url + "x"))


def test_share_from_localhost_offers_the_network_address(page, room_server, screenshots):
    dialog = open_share(page, f"{room_server}/convolution_zoo?present=1")
    local = page.url                                                  # as the page rewrote it (present=true)
    expected = links.room_urls(local, links.interface_addresses())
    text, shown = dialog.inner_text(), code_boxes(dialog)
    if not expected:                                                  # a machine with loopback only: it says so
        assert "no network address besides localhost" in text
        assert_qr_of(page, dialog, shown[0])
        return
    assert "Students on the same network" in text and expected[0] in text
    assert shown[0] == expected[0] and not links.is_local(shown[0])
    assert_qr_of(page, dialog, expected[0])                           # the QR encodes the network link
    assert shown[1] == local                                          # and the local one is still offered
    screenshots.save(page, "share_network_address.png")


def test_share_on_a_loopback_only_server_says_why(page, app_url):
    dialog = open_share(page, f"{app_url}/")
    text, shown = dialog.inner_text(), code_boxes(dialog)
    assert "only listens on this computer" in text and "--server.address 0.0.0.0" in text
    assert shown == [app_url]                                         # the browser's own address, nothing else
    assert_qr_of(page, dialog, app_url)


