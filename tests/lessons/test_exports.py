"""Exports for slides: PNG and SVG of one step, GIF of all steps, and the link's QR code.

Every export is drawn from the stage's scene (convviz.lessons.scenes.common.export_frame), so the pictures
show the stage's numbers and highlights. PNG and GIF are opened with PIL (format, size, frame count); SVG is
parsed as XML.
"""

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from convviz.figures.common import short_number
from convviz.lessons.receptive_fields import FieldSettings
from convviz.lessons.scenes.common import MAX_FRAMES, export_frame, export_frames
from convviz.lessons.scenes.convolution import window_scene
from convviz.lessons.scenes.receptive_fields import field_stage_scene
from convviz.lessons.scenes.transposed_convolution import scatter_scene
from convviz.lessons.shared.links import qr_png, view_url
from convviz.lessons.transposed_convolution import TransposedLayer
from convviz.receptive import PRESETS, field_bounds, parse_stack, receptive_field_table
from convviz.slides.exports import GIF_SIZE, PNG_SIZE, Box, gif_bytes, png_bytes, svg_text
from convviz.transposed import conv_transpose2d, scatter_steps

X = np.arange(25.0).reshape(5, 5)
W = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
SVG = "{http://www.w3.org/2000/svg}"
SCATTER = TransposedLayer(h=3, w=3, k=3, s=2, p=1, output_padding=1)


def field_scene(preset_or_stack, depth: int, unit=(0, 0), n: int = 5) -> dict:
    if preset_or_stack in PRESETS:
        n, layers = PRESETS[preset_or_stack]
    else:
        layers = parse_stack(preset_or_stack)
    return field_stage_scene(FieldSettings(n=n, layers=tuple(layers)), depth, unit)


def frames():
    return [pytest.param(export_frame(window_scene(X, W, padding=1), 7), id="window"),
            pytest.param(export_frame(window_scene(np.ones((3, 6, 6)), np.ones((3, 3, 3)), 2.0, dilation=2), 0),
                         id="window-c3-d2"),
            pytest.param(export_frame(scatter_scene(SCATTER), 4), id="scatter"),
            pytest.param(export_frame(field_scene("c3s2p1,c3s2p1", 2, (1, 1)), 1), id="field-note002"),
            pytest.param(export_frame(field_scene("vgg16", 13, (3, 3)), 12), id="field-vgg16")]


@pytest.mark.parametrize("frame", frames())
def test_png_is_a_full_hd_picture(frame):
    img = Image.open(io.BytesIO(png_bytes(frame)))
    assert img.format == "PNG" and img.size == PNG_SIZE
    assert len(set(img.convert("RGB").getdata())) > 3         # not a blank canvas


@pytest.mark.parametrize("frame", frames())
def test_svg_parses_and_has_the_size_and_the_caption(frame):
    root = ET.fromstring(svg_text(frame))
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height")) == tuple(map(str, PNG_SIZE))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert frame.caption in texts and frame.panels[0].title in texts and set(frame.footer) <= set(texts)


def test_window_export_marks_the_step_and_says_its_value():
    frame = export_frame(window_scene(X, W, padding=1), 7)        # 5×5 output, cell (1, 2)
    y = float((np.pad(X, 1)[1:4, 2:5] * W).sum())
    source, _, out = frame.panels
    assert source.boxes == (Box(1, 2, 3, 4),) and out.boxes == (Box(1, 2, 1, 2),)     # the window, its output
    assert frame.caption == f"Output cell (1, 2) = {y:g} · step 8 of 25"
    assert frame.footer == (f"y[1, 2] = Σ x·w over 9 products = {y:g}", "stride 1×1, padding 1×1, dilation 1×1")
    assert np.isnan(source.z[0, 0]) and source.labels[0, 0] == "0"     # padding is drawn grey, its 0 written
    np.testing.assert_array_equal(source.z[1:6, 1:6], X)
    texts = [t.text for t in ET.fromstring(svg_text(frame)).iter(f"{SVG}text")]
    for value in np.r_[X.ravel(), W.ravel(), out.z.ravel()]:             # every number of the picture is in the SVG
        assert short_number(value) in texts


def test_dilated_window_marks_each_tap_on_every_channel():
    frame = export_frame(window_scene(np.ones((3, 6, 6)), np.ones((3, 3, 3)), 2.0, dilation=2), 1)   # output (0, 1)
    taps = tuple(Box(r, q, r, q) for r in (0, 2, 4) for q in (1, 3, 5))
    assert [p.boxes for p in frame.panels[:3]] == [taps] * 3
    assert frame.footer[0] == "y[0, 1] = Σ x·w over 27 products + bias 2 = 29"


def test_scatter_export_shows_the_running_sum_so_far():
    scene = scatter_scene(SCATTER)
    x, w = SCATTER.arrays()
    _, running = scatter_steps(x, w, 2, 1, 1, 1)                          # (9, 7, 7), uncropped
    frame = export_frame(scene, 4)                                        # input cell (1, 1)
    source, _, total, count = frame.panels
    assert source.boxes == (Box(1, 1, 1, 1),) and total.boxes == count.boxes == (Box(2, 2, 4, 4),)
    stamped = running[:5].any(axis=0) | (scatter_steps(np.ones_like(x), np.ones_like(w), 2, 1, 1, 1)[1][4] > 0)
    assert total.labels[stamped].tolist() == [short_number(v) for v in running[4][stamped]]   # cropped ones too
    np.testing.assert_allclose(total.z[1:, 1:][stamped[1:, 1:]], running[4][1:, 1:][stamped[1:, 1:]])
    assert total.empty[5:, 5:].all() and not total.empty[:5, :5].any()     # cells no stamp reached yet
    assert np.isnan(total.z[0]).all() and np.isnan(total.z[:, 0]).all()   # cropped by the padding: grey
    last = export_frame(scene, 8).panels[2]
    np.testing.assert_allclose(last.z[1:, 1:], conv_transpose2d(x, w, stride=2, padding=1, output_padding=1))
    assert frame.caption == f"Input cell (1, 1) = {short_number(x[1, 1])} · step 5 of 9"


def test_field_export_shows_the_field_of_the_step():
    n, layers = 5, parse_stack("c3s2p1,c3s2p1")
    scene = field_scene("c3s2p1,c3s2p1", 2, (1, 1))
    frame = export_frame(scene, 1)                                        # layer 2, unit (1, 1)
    source = frame.panels[0]
    row = receptive_field_table(n, layers)[2]
    (lo_r, hi_r), (lo_c, hi_c) = field_bounds(row, 1), field_bounds(row, 1)
    first = -scene["grids"][0]["origin"][0]                               # the input's row 0 in the grid
    assert source.boxes == (Box(int(lo_r) - first, int(lo_c) - first, int(hi_r) - 1 - first, int(hi_c) - 1 - first),)
    assert source.empty.sum() == n * n and np.isnan(source.z).sum() == source.z.size - n * n   # input, padding
    assert source.read.sum() == (hi_r - lo_r) * (hi_c - lo_c)             # the field is tinted
    assert frame.caption.startswith(f"Layer 2 (conv 2: conv k3 s2 p1): n = {row['n']}, j = {row['j']}, r = {row['r']}")
    assert [p.title for p in frame.panels[1:]] == ["n", "j", "r", "start"]
    assert frame.panels[3].labels[0].tolist() == ["1", "3", "7"]          # r of layers 0, 1, 2


def test_gif_has_one_frame_per_step_at_its_size():
    gif = Image.open(io.BytesIO(gif_bytes(export_frames(window_scene(X, W)))))    # 3×3 output
    assert gif.format == "GIF" and gif.size == GIF_SIZE and gif.n_frames == 9
    gif = Image.open(io.BytesIO(gif_bytes(export_frames(scatter_scene(TransposedLayer(h=2, w=3))))))
    assert gif.n_frames == 6


def test_field_gif_has_a_frame_per_layer_over_one_stretch_of_input():
    n, layers = PRESETS["alexnet"]
    frames = export_frames(field_scene("alexnet", len(layers)))
    assert len(frames) == len(layers)
    assert len({f.panels[0].z.shape for f in frames}) == 1      # no jumping between frames
    assert Image.open(io.BytesIO(gif_bytes(frames))).n_frames == len(layers)


def test_long_animations_are_cut_to_max_frames():
    assert len(export_frames(window_scene(np.zeros((14, 14)), np.ones((1, 1))))) == MAX_FRAMES     # 196 steps


def test_view_url_keeps_the_page_and_replaces_the_query():
    url = view_url("https://lab.example.org/convviz/convolution?old=1", {"pos": "5", "present": "true"})
    assert url == "https://lab.example.org/convviz/convolution?pos=5&present=true"
    assert view_url("http://localhost:8501/", {}) == "http://localhost:8501/"


def test_qr_code_is_a_square_png():
    img = Image.open(io.BytesIO(qr_png("http://localhost:8501/convolution?pos=5&present=true")))
    assert img.format == "PNG" and img.size[0] == img.size[1] >= 200


def test_vgg16_export_shows_the_photo_under_a_thick_field():
    """Issue 33: the PNG of /receptive_fields?preset=vgg16&layer=3 was a grey square; it is the stage's photo (the
    astronaut's pixels where the input is, padding grey), drawn large, and the field's box thick on its small pixels."""
    from convviz.slides.exports import TEXT_CELL, _layout, box_width, render_image

    scene = field_scene("vgg16", 3)
    frame = export_frame(scene, 2)
    panel = frame.panels[0]
    g = scene["grids"][0]
    assert panel.rgb.shape == (g["rows"], g["cols"], 3)
    r0, c0 = g["inner"]["row"], g["inner"]["col"]
    assert len({tuple(c) for c in panel.rgb[r0:, c0:].reshape(-1, 3)}) > 1000      # a photo, not flat colours
    assert (panel.rgb[:r0] == panel.rgb[0, 0]).all() and len(set(panel.rgb[0, 0])) == 1   # padding grey
    cells = _layout(frame, PNG_SIZE).cells
    assert cells[0] < TEXT_CELL and box_width(cells[0]) == 6 and g["rows"] * cells[0] > PNG_SIZE[1] / 2
    assert len({tuple(c) for c in np.asarray(render_image(frame)).reshape(-1, 3)}) > 1000
