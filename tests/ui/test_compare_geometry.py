"""convviz.ui.compare.geometry: a click or rectangle on the compare view's preview, as fractions of the picture,
turned into the full-size zoom settings (issue 32 item 5). Property-tested over image sizes from 16 pixels to
a 64 MP super-resolution output, previews reduced to PREVIEW_SIDE."""

import math

import pytest
from hypothesis import given, settings, strategies as st

from convviz.lessons.denoising import ZoomSettings
from convviz.ui.compare.geometry import PREVIEW_SIDE, SIDE_LIMITS, box_fractions, preview_size, zoom_from_fractions

sizes = st.tuples(st.integers(16, 12000), st.integers(16, 8000))
fractions = st.floats(0, 1, allow_nan=False)
LOW, HIGH = SIDE_LIMITS


def test_preview_keeps_the_aspect_and_is_never_larger_than_the_limit():
    assert preview_size(6000, 4000) == (1600, 1067)          # 24 MP -> 1.7 MP
    assert preview_size(8000, 8000) == (1600, 1600)          # 64 MP
    assert preview_size(1600, 900) == (1600, 900) and preview_size(300, 200) == (300, 200)   # small: untouched
    assert preview_size(20000, 10) == (1600, 1)              # never 0 pixels


@settings(max_examples=300, deadline=None)
@given(sizes)
def test_preview_size_property(size):
    w, h = size
    pw, ph = preview_size(w, h)
    assert max(pw, ph) <= PREVIEW_SIDE and pw <= w and ph <= h
    assert abs(pw / ph - w / h) <= w / h * (1 / ph + 1 / pw) + 1e-12       # the aspect, up to a rounded pixel


def test_known_values_on_a_24_megapixel_photo():
    w, h = 6000, 4000
    # a 200 × 100-pixel rectangle dragged on the 1600 × 1067 preview is 750 × 375 full-size pixels: side 256 (the cap)
    pw, ph = preview_size(w, h)
    rect = (400 / pw, 300 / ph, 600 / pw, 400 / ph)
    z = zoom_from_fractions(rect, w, h, 64)
    assert z == ZoomSettings(31, 33, 256)
    assert z.box(w, h) == (1732, 1192, 256, 256)
    # a 20 × 20 rectangle on the preview: 75 × 74.98 full-size pixels, side 75
    assert zoom_from_fractions((0.5, 0.5, 0.5 + 20 / pw, 0.5 + 20 / ph), w, h, 64).side == 75
    # a click keeps the side; a click at the very corner moves the box inside the image
    assert zoom_from_fractions((0.25, 0.75, 0.25, 0.75), w, h, 100) == ZoomSettings(25, 75, 100)
    assert zoom_from_fractions((1, 1, 1, 1), w, h, 100).box(w, h) == (w - 100, h - 100, 100, 100)
    # tiny rectangles are at least 16 pixels; a rectangle dragged from bottom-right to top-left is the same
    assert zoom_from_fractions((0.5, 0.5, 0.5001, 0.5001), w, h, 64).side == LOW
    assert zoom_from_fractions((0.3, 0.4, 0.1, 0.2), w, h, 64) == zoom_from_fractions((0.1, 0.2, 0.3, 0.4), w, h, 64)


@pytest.mark.parametrize("rect", [(math.nan, 0, 1, 1), (0, math.inf, 1, 1), ("x", 0, 1, 1)])
def test_what_is_not_a_number_is_refused(rect):
    with pytest.raises(ValueError):
        zoom_from_fractions(rect, 100, 100, 64)


def test_fractions_outside_the_picture_are_cut_to_it():
    assert zoom_from_fractions((-0.5, -2, 1.7, 3), 200, 100, 64) == zoom_from_fractions((0, 0, 1, 1), 200, 100, 64)


@settings(max_examples=400, deadline=None)
@given(sizes, fractions, fractions, fractions, fractions, st.integers(LOW, HIGH))
def test_a_rectangle_gives_its_centre_and_longer_edge(size, a, b, c, d, side):
    w, h = size
    z = zoom_from_fractions((a, b, c, d), w, h, side)
    assert z.fitted(w, h) == z                                  # what the number boxes show (issue 24)
    x0, y0, bw, bh = z.box(w, h)
    assert 0 <= x0 <= w - bw and 0 <= y0 <= h - bh              # inside the image
    clicked = a == c and b == d
    want = side if clicked else round(max(abs(c - a) * w, abs(d - b) * h))
    want = min(HIGH, max(LOW, want), max(w, h))                 # the controls' limits, then the image's size
    assert z.side == max(LOW, want) and max(bw, bh) == min(z.side, max(w, h))
    # the box's centre: the rectangle's, to whole percent (half a percent, plus a pixel of rounding), unless the
    # box had to move to stay inside the image
    cx, cy = (a + c) / 2 * w, (b + d) / 2 * h
    if bw / 2 <= cx - 0.005 * w - 1 and cx + 0.005 * w + 1 <= w - bw / 2:
        assert abs(x0 + bw / 2 - cx) <= 0.005 * w + 1
    if bh / 2 <= cy - 0.005 * h - 1 and cy + 0.005 * h + 1 <= h - bh / 2:
        assert abs(y0 + bh / 2 - cy) <= 0.005 * h + 1


@settings(max_examples=400, deadline=None)
@given(sizes, st.integers(0, 100), st.integers(0, 100), st.integers(LOW, HIGH))
def test_sending_back_the_drawn_box_keeps_it_to_half_a_percent(size, x, y, side):
    """The box Python draws on the preview (box_fractions), dragged again exactly, gives the same side and a
    box at most half a percent (plus a pixel) away: the whole-percent centre the link holds is the only loss."""
    w, h = size
    box = ZoomSettings(x, y, side).box(w, h)
    again = zoom_from_fractions(box_fractions(box, w, h), w, h, 16).box(w, h)
    assert again[2:] == box[2:]
    assert abs(again[0] - box[0]) <= 0.005 * w + 1 and abs(again[1] - box[1]) <= 0.005 * h + 1


@settings(max_examples=300, deadline=None)
@given(sizes, st.integers(0, 1600), st.integers(0, 1600))
def test_a_click_on_the_preview_is_the_same_place_on_the_full_image(size, px, py):
    """A click at preview pixel (px, py) centres the box within half a percent of the full-size point px·w/pw."""
    w, h = size
    pw, ph = preview_size(w, h)
    px, py = min(px, pw), min(py, ph)
    z = zoom_from_fractions((px / pw, py / ph, px / pw, py / ph), w, h, 64)
    assert abs(z.x - 100 * px / pw) <= 0.5 + 1e-9 or z.box(w, h)[0] in (0, w - min(64, w))
    assert abs(z.y - 100 * py / ph) <= 0.5 + 1e-9 or z.box(w, h)[1] in (0, h - min(64, h))
