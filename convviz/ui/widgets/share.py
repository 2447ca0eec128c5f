"""'Share this view': the link to exactly what is on screen, to copy, and as a QR code for the room.

The dialog is built when it is opened, from the URL parameters as they are then (steps moved inside
a fragment included), the page's own url_path (the st.Page navigated to) and the app's base address
as the browser used it, so links made behind a reverse proxy point through it. st.context.url is not
used: Streamlit 1.67 trims the page name off it by suffix with no "/" boundary, so
/transposed_convolution became …/transposed_/transposed_convolution (issue 33). A page opened as
localhost / 127.0.0.1 would give students' phones a link to themselves: the link and the QR code then
use this machine's network address (issue 24), and the dialog says so, or says why there is none.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from convviz.lessons.shared import links

FALLBACK = "http://localhost:8501/"     # AppTest and scripts have no browser address


def page_address(browser_url: str, page_path: str, page_paths) -> str:
    """The link to the page whose url_path is `page_path` ("" for the home page): the app's base address (the
    browser's address without its last path segment when that segment is one of `page_paths`, a whole segment,
    not a suffix) + "/" + `page_path`. Query and fragment are dropped.

    >>> page_address("http://h:8501/transposed_convolution?x=1", "transposed_convolution",
    ...              ["convolution", "transposed_convolution"])
    'http://h:8501/transposed_convolution'
    >>> page_address("https://h/course/convolution", "", ["convolution"])
    'https://h/course'
    """
    scheme, netloc, path, _, _ = urlsplit(browser_url)
    base, _, last = path.rstrip("/").rpartition("/")
    if last not in (set(page_paths) | {page_path}) - {""}:
        base = path.rstrip("/")                       # the home page opened at the app's root (or a prefix)
    return urlunsplit((scheme, netloc, f"{base}/{page_path}" if page_path else base, "", ""))


def _page_paths() -> tuple[str, list[str]]:
    """(this page's url_path, every page's url_path) from the running app's navigation ("" for the home page)."""
    ctx = get_script_run_ctx()
    pages = ctx.pages_manager.get_pages() if ctx is not None else {}
    here = pages.get(ctx.pages_manager.current_page_script_hash, {}) if ctx is not None else {}
    return here.get("url_pathname", ""), [p.get("url_pathname", "") for p in pages.values()]


def page_url() -> str | None:
    """This page's address without a query (None without a browser: AppTest, scripts); see `page_address`."""
    return _browser_url()


def _browser_url() -> str | None:
    """The address of this page, built from the page's own url_path on the app's base address as the browser
    used it (None without a browser: AppTest, scripts)."""
    ctx = get_script_run_ctx()
    info = ctx.context_info if ctx is not None else None
    raw = info.url if info is not None and info.HasField("url") and info.url else None
    if raw is None:
        return None
    here, every = _page_paths()
    return page_address(raw, here, every)


def current_view_url() -> str:
    """The link to this page with every URL parameter it has now."""
    return links.view_url(_browser_url() or FALLBACK, {k: st.query_params[k] for k in st.query_params})


def room_url(url: str) -> tuple[str, str | None]:
    """(the link for the room, a sentence to say about it, or None when `url` already works from other machines,
    or when there is no browser to say which address it used)."""
    if not links.is_local(url) or _browser_url() is None:
        return url, None
    bound = str(st.get_option("server.address") or "")
    others = links.room_urls(url, links.interface_addresses(), bound)
    if others:
        more = (f" (this machine also answers at {', '.join(urlsplit(u).hostname for u in others[1:])})"
                if len(others) > 1 else "")
        return others[0], (f"This page was opened as {urlsplit(url).hostname}, which only works on this "
                           f"computer. Students on the same network: **{others[0]}**{more}.")
    if bound and links.is_local(f"http://{bound}/"):
        why = (f"the server only listens on this computer (server.address = {bound}); start it with "
               "`--server.address 0.0.0.0` to let phones in")
    else:
        why = "this machine has no network address besides localhost"
    return url, f"This link only works on this computer: {why}."


@st.dialog("Link to this view", width="medium")
def _share_dialog() -> None:
    url = current_view_url()
    shared, note = room_url(url)
    if note:
        (st.markdown if shared != url else st.warning)(note)
    st.markdown("Copy it with the button at the right end of the box; it reopens this page with every setting, "
                "the step included.")
    st.code(shared, language="text", wrap_lines=True)
    st.image(links.qr_png(shared), caption="Scan to open the same view on a phone.", width=360,
             output_format="PNG")          # lossless: JPEG would blur the modules' edges
    if shared != url:
        st.caption("On this computer:")
        st.code(url, language="text", wrap_lines=True)


def share_button(container=None) -> None:
    """A button that opens the link-and-QR dialog."""
    if (container or st).button("Share this view", key="share_view", icon=":material/qr_code_2:",
                                help="A link to exactly this view, and its QR code"):
        _share_dialog()
