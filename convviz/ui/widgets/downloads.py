"""Export buttons for a step-by-step view: this step as PNG and SVG, all steps as a GIF, the code as .py.

The pictures are made only when a button is clicked (a callable as data), and clicking does not
rerun the page (on_click="ignore"; streamlit-notes §8).
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

import numpy as np

from convviz.restoration.image_input import encode_jpeg, encode_png
from convviz.slides.exports import GIF_SIZE, PNG_SIZE, Scene, gif_bytes, png_bytes, svg_text
from convviz.lessons.scenes.common import MAX_FRAMES


def export_buttons(stem: str, scene: Callable[[], Scene], scenes: Callable[[], list[Scene]], code: str | None,
                   *, steps: int, container=None) -> None:
    """One row of download buttons; `stem` names the files (lesson_view.png, …)."""
    cols = (container or st).columns(4)
    common = dict(on_click="ignore", icon=":material/download:", width="stretch")
    cols[0].download_button(f"This step, PNG {PNG_SIZE[0]}×{PNG_SIZE[1]}", data=lambda: png_bytes(scene()),
                            file_name=f"{stem}.png", mime="image/png", key=f"{stem}_png", **common)
    cols[1].download_button("This step, SVG", data=lambda: svg_text(scene()), file_name=f"{stem}.svg",
                            mime="image/svg+xml", key=f"{stem}_svg", **common)
    frames = min(steps, MAX_FRAMES)
    cols[2].download_button(f"All {frames} steps, GIF", data=lambda: gif_bytes(scenes()), file_name=f"{stem}.gif",
                            mime="image/gif", key=f"{stem}_gif", **common,
                            help=f"{GIF_SIZE[0]}×{GIF_SIZE[1]}, looping" + (f"; the first {MAX_FRAMES} of {steps} steps"
                                                                           if steps > MAX_FRAMES else ""))
    if code is not None:
        code_download(code, stem, cols[3], width="stretch")


def code_download(code: str, stem: str, container=None, **kwargs) -> None:
    """The view's PyTorch code as `<stem>.py` (kept while presenting, when the code block itself is hidden)."""
    (container or st).download_button("PyTorch code, .py", data=code, file_name=f"{stem}.py", mime="text/x-python",
                                      key=f"{stem}_code", on_click="ignore", icon=":material/download:", **kwargs)


JPEG_ABOVE = 12_000_000    # pixels: above this a JPEG (quality 95) is offered beside the PNG (issue 32)


def image_downloads(image: np.ndarray, file_stem: str, what: str, *, key: str = "download", container=None) -> None:
    """The whole result as `<file_stem>.png` (and `.jpg`, quality 95, above JPEG_ABOVE pixels); encoded only
    when a button is clicked, and the click does not rerun the page."""
    box = container or st
    height, width = image.shape[:2]
    kind = "grayscale" if image.ndim == 2 else "RGB"
    box.download_button(f"Download {what} (PNG, {width}×{height}, {kind})", data=lambda: encode_png(image),
                        file_name=f"{file_stem}.png", mime="image/png", on_click="ignore",
                        icon=":material/download:", key=key)
    if width * height > JPEG_ABOVE:
        box.download_button(f"Download {what} (JPEG quality 95, {width}×{height}: a smaller file)",
                            data=lambda: encode_jpeg(image), file_name=f"{file_stem}.jpg", mime="image/jpeg",
                            on_click="ignore", icon=":material/download:", key=f"{key}_jpeg")
