"""Share links for the room (issue 24): a page opened as localhost gets this machine's network address,
from the interface list, with no network call. The interfaces are faked here; the browser test uses the real ones."""

import pytest
from streamlit.testing.v1 import AppTest

from convviz.lessons.shared import links

FAKE = [("lo", "127.0.0.1"), ("docker0", "172.17.0.1"), ("wlp2s0", "192.168.1.23"), ("eth9", "169.254.7.7")]


@pytest.mark.parametrize("url, local", [("http://localhost:8501/", True), ("http://127.0.0.1:8501/x", True),
                                        ("http://127.1.2.3/", True), ("http://[::1]:8501/", True),
                                        ("http://0.0.0.0:8501/", True), ("http://192.168.1.23:8501/", False),
                                        ("https://convviz.example.org/denoising", False)])
def test_is_local(url, local):
    assert links.is_local(url) is local


def test_room_urls_from_a_fake_interface_list():
    assert links.network_addresses(FAKE) == ["192.168.1.23", "172.17.0.1"]       # real interface first, no loopback
    url = "http://localhost:8501/denoising?zx=30&present=1"
    assert links.room_urls(url, FAKE) == ["http://192.168.1.23:8501/denoising?zx=30&present=1",
                                          "http://172.17.0.1:8501/denoising?zx=30&present=1"]
    assert links.room_urls(url, FAKE, bound="127.0.0.1") == []                  # the server listens on loopback only
    assert links.room_urls(url, FAKE, bound="10.1.1.1") == ["http://10.1.1.1:8501/denoising?zx=30&present=1"]
    assert links.room_urls("http://192.168.1.23:8501/x", FAKE) == []           # already a room link
    assert links.room_urls(url, [("lo", "127.0.0.1")]) == []


def test_interface_addresses_are_read_without_the_network():
    found = links.interface_addresses()
    assert all(isinstance(name, str) and links.network_addresses([("x", ip)]) in ([ip], []) for name, ip in found)


def _share_script():
    from convviz.ui.widgets.share import share_button
    share_button()


@pytest.mark.parametrize("interfaces, words, qr_host", [
    (FAKE, "Students on the same network: **http://192.168.1.23:8501/", "192.168.1.23"),
    ([("lo", "127.0.0.1")], "no network address besides localhost", "localhost")])
def test_share_dialog_offers_the_network_address(monkeypatch, interfaces, words, qr_host):
    from convviz.ui.widgets import share
    monkeypatch.setattr(share, "_browser_url", lambda: "http://localhost:8501/")   # AppTest has no browser address
    monkeypatch.setattr(links, "interface_addresses", lambda: interfaces)
    shown = []
    real = links.qr_png
    monkeypatch.setattr(links, "qr_png", lambda text, **k: shown.append(text) or real(text, **k))
    at = AppTest.from_function(_share_script).run()
    at.button(key="share_view").click().run()
    assert not at.exception
    said = " ".join([m.value for m in at.markdown] + [w.value for w in at.warning])
    assert words in said
    assert shown and f"//{qr_host}:8501/" in shown[-1]                         # the QR code encodes the room link
    assert any("localhost:8501" in c.value for c in at.code)                   # the local link is still there


def test_without_a_browser_address_the_link_is_left_as_it_is():
    at = AppTest.from_function(_share_script).run()
    at.button(key="share_view").click().run()
    assert [c.value for c in at.code] == ["http://localhost:8501/"] and "Students" not in " ".join(
        m.value for m in at.markdown)


PATHS = ["", "convolution", "transposed_convolution", "convolution_matrix", "convolution_zoo", "quiz"]


@pytest.mark.parametrize("browser_url, here, expected", [
    ("http://h:8501/transposed_convolution", "transposed_convolution", "http://h:8501/transposed_convolution"),
    ("http://h:8501/transposed_convolution/", "transposed_convolution", "http://h:8501/transposed_convolution"),
    ("http://h:8501/convolution_matrix", "convolution_matrix", "http://h:8501/convolution_matrix"),
    ("http://h:8501/convolution", "convolution", "http://h:8501/convolution"),
    ("https://h.org/course/transposed_convolution?a=1#x", "transposed_convolution",
     "https://h.org/course/transposed_convolution"),                       # behind a proxy, under a prefix
    ("https://h.org/course/", "", "https://h.org/course"),                 # the home page under a prefix
    ("http://h:8501/", "", "http://h:8501"),
    ("http://h:8501", "", "http://h:8501"),
    ("http://h:8501/", "convolution", "http://h:8501/convolution"),        # the page is named, not the address
    ("http://h:8501/convolution", "transposed_convolution", "http://h:8501/transposed_convolution"),
])
def test_page_address_is_the_base_plus_the_pages_own_path(browser_url, here, expected):
    """Issue 33: Streamlit's st.context.url trims the page name by suffix, so /transposed_convolution became
    /transposed_/transposed_convolution; the link is built from the page's url_path on the app's base."""
    from convviz.ui.widgets.share import page_address
    assert page_address(browser_url, here, PATHS) == expected

