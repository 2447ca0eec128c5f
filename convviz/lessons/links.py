"""Links to a view: the page address plus its URL parameters, and a QR code of it for the room.

The QR code is made by segno (pure Python) as a PNG with a white quiet zone, big enough to be read
from the back of a lecture hall when shown full-width.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno


def view_url(page_url: str, params: dict[str, str]) -> str:
    """`page_url` (scheme, host, path; any query it had is dropped) with `params` as its query, in the given order.

    >>> view_url("http://localhost:8501/convolution", {"pos": "5", "present": "true"})
    'http://localhost:8501/convolution?pos=5&present=true'
    """
    scheme, netloc, path, _, _ = urlsplit(page_url)
    return urlunsplit((scheme, netloc, path, urlencode(params), ""))


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of `text` as PNG bytes (black on white, error correction M, 4-module border)."""
    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()
