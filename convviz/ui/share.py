"""'Share this view': the link to exactly what is on screen, to copy, and as a QR code for the room.

The dialog is built when it is opened, from the URL parameters as they are then (steps moved inside
a fragment included), and st.context.url: the address the browser used, so links made behind a
reverse proxy point through it. A page opened as localhost / 127.0.0.1 would give students' phones a
link to themselves: the link and the QR code then use this machine's network address (issue 24), and
the dialog says so, or says why there is none.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from convviz.lessons import links

FALLBACK = "http://localhost:8501/"     # AppTest and scripts have no browser address


def _browser_url() -> str | None:
    """The address the browser used for this page (None without a browser: AppTest, scripts)."""
    return st.context.url


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
