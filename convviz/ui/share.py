"""'Share this view': the link to exactly what is on screen, to copy, and as a QR code for the room.

The dialog is built when it is opened, from the URL parameters as they are then (steps moved inside
a fragment included), and st.context.url: the address the browser used, so links made behind a
reverse proxy point through it.
"""

from __future__ import annotations

import streamlit as st

from convviz.lessons.links import qr_png, view_url

FALLBACK = "http://localhost:8501/"     # AppTest and scripts have no browser address


def current_view_url() -> str:
    """The link to this page with every URL parameter it has now."""
    return view_url(st.context.url or FALLBACK, {k: st.query_params[k] for k in st.query_params})


@st.dialog("Link to this view", width="medium")
def _share_dialog() -> None:
    url = current_view_url()
    st.markdown("Copy it with the button at the right end of the box; it reopens this page with every setting, "
                "the step included.")
    st.code(url, language="text", wrap_lines=True)
    st.image(qr_png(url), caption="Scan to open the same view on a phone.", width=360)


def share_button(container=None) -> None:
    """A button that opens the link-and-QR dialog."""
    if (container or st).button("Share this view", key="share_view", icon=":material/qr_code_2:",
                                help="A link to exactly this view, and its QR code"):
        _share_dialog()
