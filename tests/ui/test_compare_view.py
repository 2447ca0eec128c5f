"""The compare view on the restoration pages (issue 32 item 5): mounted over the main comparison with previews
(never a full-size image), and a click or rectangle sent from it moves the zoom: the number boxes, the link and
the magenta box drawn in the panels. The geometry (fractions of the picture -> full-size pixels) is tested
without streamlit in tests/ui/test_compare_geometry.py."""

import base64
import io
import json

import pytest
from PIL import Image

from convviz import restore
from convviz.lessons.denoising import ZoomSettings
from convviz.ui.compare.geometry import PREVIEW_SIDE, zoom_from_fractions
from tests.support import assert_clean, open_page

DENOISE, SR = "pages/denoising.py", "pages/super_resolution.py"
needs_denoiser = pytest.mark.skipif(not restore.weights_path(restore.DENOISER).exists(),
                                    reason="assets/models/ffdnet_gray.safetensors is not shipped")


def compare_data(at) -> dict:
    """What Python sent the compare view (the first on the page; KeyError-like StopIteration when missing)."""
    return next(json.loads(e.proto.json) for e in at.get("bidi_component") if e.key == "compare")


def zoom_values(at) -> tuple[int, int, int]:
    return tuple(at.number_input(key=k).value for k in ("zx", "zy", "zs"))


def url(at, key):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def drawn_box(at) -> str:
    return next(c.value for c in at.caption if "magenta box" in c.value)


def preview(data_url: str) -> Image.Image:
    head, body = data_url.split(",", 1)
    assert head == "data:image/jpeg;base64"
    return Image.open(io.BytesIO(base64.b64decode(body)))


def send(at, rect, n):
    """What compare.js sends after a click or drag, then the rerun it causes."""
    at.session_state["compare"] = {"box": {"rect": list(rect), "n": n}}
    return at.run()


@needs_denoiser
def test_denoising_mounts_the_view_and_a_rectangle_moves_the_zoom_and_the_link():
    at = assert_clean(open_page(DENOISE))
    data = compare_data(at)
    width, height = data["size"]
    assert data["labels"] == ["noisy input", "denoised by the network"]
    for key in ("before", "after"):
        shown = preview(data[key])
        assert shown.size == (width, height) or max(shown.size) == PREVIEW_SIDE
    x, y, side = zoom_values(at)
    assert data["side"] == side
    x0, y0, w, h = ZoomSettings(x, y, side).box(width, height)
    assert data["box"] == pytest.approx([x0 / width, y0 / height, (x0 + w) / width, (y0 + h) / height])

    send(at, (0.10, 0.20, 0.30, 0.35), n=1)            # a rectangle dragged on the picture
    assert_clean(at)
    want = zoom_from_fractions((0.10, 0.20, 0.30, 0.35), width, height, side)
    assert zoom_values(at) == (want.x, want.y, want.side) == (20, 28, round(0.2 * width))
    assert (url(at, "zx"), url(at, "zy"), url(at, "zs")) == (str(want.x), str(want.y), str(want.side))
    bx, by, bw, bh = want.box(width, height)
    assert f"({bw}×{bh} pixels at x = {bx}, y = {by})" in drawn_box(at)   # the zoomed panels' box
    assert compare_data(at)["box"] == pytest.approx([bx / width, by / height, (bx + bw) / width, (by + bh) / height])

    at.number_input(key="zx").set_value(70).run()       # the number boxes still work, and the old request...
    assert zoom_values(at)[0] == 70 and url(at, "zx") == "70"
    at.run()                                            # ...left in the view's state does not pull the box back
    assert zoom_values(at)[0] == 70

    send(at, (0.9, 0.1, 0.9, 0.1), n=2)                 # a click: centred there, the side kept
    click = zoom_from_fractions((0.9, 0.1, 0.9, 0.1), width, height, want.side)
    assert zoom_values(at) == (click.x, click.y, want.side) and click.box(width, height)[2] == want.side


@needs_denoiser
def test_a_request_that_is_not_four_numbers_changes_nothing():
    at = assert_clean(open_page(DENOISE, zx="30"))
    before = zoom_values(at)
    for n, rect in enumerate([["a", 0, 1, 1], [0.1, 0.2], None, [float("nan")] * 4]):
        at.session_state["compare"] = {"box": {"rect": rect, "n": n + 1}}
        at.run()
        assert_clean(at)
        assert zoom_values(at) == before and url(at, "zx") == "30"


def test_super_resolution_compares_bicubic_with_the_network_at_output_size():
    at = assert_clean(open_page(SR, scale="2"))
    data = compare_data(at)
    assert data["labels"][0] == "Bicubic" and data["labels"][1] in ("Sub-pixel net", "SRCNN")
    width, height = data["size"]
    send(at, (0.5, 0.5, 0.5, 0.5), n=7)
    assert_clean(at)
    x, y, side = zoom_values(at)
    assert (x, y) == (50, 50) and url(at, "zx") is None       # the default: left out of the link
    send(at, (0.0, 0.0, 0.05, 0.05), n=8)                     # a small rectangle in the top-left corner
    want = zoom_from_fractions((0.0, 0.0, 0.05, 0.05), width, height, side)
    assert zoom_values(at) == (want.x, want.y, want.side)
    assert "(" + f"{want.side}×{want.side} output pixels" in drawn_box(at)


def test_a_link_with_a_zoom_reopens_it_in_the_view():
    at = assert_clean(open_page(SR, scale="2", zx="20", zy="80", zs="40"))
    data = compare_data(at)
    width, height = data["size"]
    x0, y0, w, h = ZoomSettings(20, 80, 40).box(width, height)
    assert data["box"] == pytest.approx([x0 / width, y0 / height, (x0 + w) / width, (y0 + h) / height])


def test_a_large_result_is_sent_as_a_preview_and_a_rectangle_maps_to_full_size_pixels():
    """A 500×300 upload at ×4: the results are 2000×1200, the browser gets 1600×960 previews; a rectangle drawn
    over 10 % of the preview's width is 200 full-size pixels (not 160)."""
    import numpy as np

    rng = np.random.default_rng(3)
    small = Image.fromarray(rng.integers(0, 256, (300, 500, 3), dtype=np.uint8))
    buffer = io.BytesIO()
    small.save(buffer, "PNG")
    at = open_page(SR, scale="4", mode="direct")
    at.file_uploader(key="sr_upload").set_value(("wide.png", buffer.getvalue(), "image/png")).run()
    assert_clean(at)
    data = compare_data(at)
    assert data["size"] == [2000, 1200]
    assert preview(data["before"]).size == preview(data["after"]).size == (1600, 960)
    send(at, (0.40, 0.50, 0.50, 0.56), n=1)              # 160 × 58 preview pixels = 200 × 72 full-size pixels
    assert_clean(at)
    assert zoom_values(at) == (45, 53, 200)
    assert "(200×200 output pixels)" in drawn_box(at)
    x0, y0, w, h = ZoomSettings(45, 53, 200).box(2000, 1200)
    assert compare_data(at)["box"] == pytest.approx([x0 / 2000, y0 / 1200, (x0 + w) / 2000, (y0 + h) / 1200])
