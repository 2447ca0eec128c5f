"""Exports for slides: PNG and SVG of one step, GIF of all steps, and the link's QR code.

PNG and GIF are opened with PIL (format, size, frame count); SVG is parsed as XML.
"""

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from convviz.slides.exports import GIF_SIZE, PNG_SIZE, gif_bytes, png_bytes, svg_text
from convviz.lessons.shared.links import qr_png, view_url
from convviz.receptive import PRESETS, parse_stack
from convviz.lessons.scenes.common import MAX_FRAMES
from convviz.lessons.scenes.convolution import window_frame, window_frames
from convviz.lessons.scenes.receptive_fields import field_frame, growth_frames
from convviz.lessons.scenes.transposed_convolution import scatter_frame, scatter_frames

X = np.arange(25.0).reshape(5, 5)
W = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
SVG = "{http://www.w3.org/2000/svg}"


def scenes():
    n, layers = PRESETS["vgg16"]
    return [pytest.param(window_frame(X, W, padding=1, pos=7), id="window"),
            pytest.param(window_frame(np.ones((3, 6, 6)), np.ones((3, 3, 3)), 2.0, dilation=2, pos=0), id="window-c3-d2"),
            pytest.param(scatter_frame(X[:3, :3], W, stride=2, padding=1, output_padding=1, t=4), id="scatter"),
            pytest.param(field_frame(5, parse_stack("c3s2p1,c3s2p1"), 2, (1, 1)), id="field-note002"),
            pytest.param(field_frame(n, layers, len(layers), (3, 3)), id="field-vgg16")]


@pytest.mark.parametrize("scene", scenes())
def test_png_is_a_full_hd_picture(scene):
    img = Image.open(io.BytesIO(png_bytes(scene)))
    assert img.format == "PNG" and img.size == PNG_SIZE
    assert len(set(img.convert("RGB").getdata())) > 3         # not a blank canvas


@pytest.mark.parametrize("scene", scenes())
def test_svg_parses_and_has_the_size_and_the_caption(scene):
    root = ET.fromstring(svg_text(scene))
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height")) == tuple(map(str, PNG_SIZE))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert scene.caption in texts and scene.panels[0].title in texts


def test_window_scene_marks_the_step_and_says_its_value():
    scene = window_frame(X, W, padding=1, pos=7)                # 5×5 output, cell (1, 2)
    out = scene.panels[-1]
    assert out.boxes[0] == type(out.boxes[0])(1, 2, 1, 2)
    y = sum((np.pad(X, 1)[1:4, 2:5] * W).ravel())
    assert scene.caption.endswith(f"= {y:g}")
    assert np.isnan(scene.panels[0].z[0, 0])                   # padding is drawn grey


def test_gif_has_one_frame_per_step_at_its_size():
    gif = Image.open(io.BytesIO(gif_bytes(window_frames(X, W))))    # 3×3 output
    assert gif.format == "GIF" and gif.size == GIF_SIZE and gif.n_frames == 9
    gif = Image.open(io.BytesIO(gif_bytes(scatter_frames(X[:2, :3], W, stride=2))))
    assert gif.n_frames == 6


def test_growth_gif_has_a_frame_per_layer_over_one_stretch_of_input():
    n, layers = PRESETS["alexnet"]
    frames = growth_frames(n, layers)
    assert len(frames) == len(layers)
    assert len({f.panels[0].z.shape for f in frames}) == 1      # no jumping between frames
    assert Image.open(io.BytesIO(gif_bytes(frames))).n_frames == len(layers)


def test_long_animations_are_cut_to_max_frames():
    assert len(window_frames(np.zeros((14, 14)), np.ones((1, 1)))) == MAX_FRAMES     # 196 steps


def test_view_url_keeps_the_page_and_replaces_the_query():
    url = view_url("https://lab.example.org/convviz/convolution?old=1", {"pos": "5", "present": "true"})
    assert url == "https://lab.example.org/convviz/convolution?pos=5&present=true"
    assert view_url("http://localhost:8501/", {}) == "http://localhost:8501/"


def test_qr_code_is_a_square_png():
    img = Image.open(io.BytesIO(qr_png("http://localhost:8501/convolution?pos=5&present=true")))
    assert img.format == "PNG" and img.size[0] == img.size[1] >= 200



def test_vgg16_export_shows_the_photo_under_a_thick_field():
    """Issue 33: the PNG of /receptive_fields?preset=vgg16&layer=3 was a grey square; it is the page's photo (the
    astronaut's pixels where the input is), padding grey, and the field's box thick on the photo's small pixels."""
    from convviz.lessons.receptive_fields import photo, photo_size
    from convviz.slides.exports import TEXT_CELL, _layout, box_width, render_image

    n, layers = PRESETS["vgg16"]
    scene = field_frame(n, layers, 3, (0, 0))
    panel = scene.panels[0]
    inside = panel.z % 2 == 1                                       # kinds 1 (input) and 3 (input in the field)
    assert inside.sum() == n * n
    r0, c0 = np.argwhere(inside)[0]                                 # where the input starts (padding above, left)
    img = photo(photo_size(n))
    for i, j in [(0, 0), (100, 57), (n - 1, n - 1)]:                # input pixel (i, j) shows the photo's pixel
        expected = np.round(255 * img[i * img.shape[0] // n, j * img.shape[0] // n])
        np.testing.assert_array_equal(panel.rgb[r0 + i, c0 + j], expected)
    assert len({tuple(c) for c in panel.rgb[inside]}) > 1000        # a photo, not flat colours
    assert (panel.rgb[~inside] == [190, 190, 190]).all()            # padding grey
    cell = _layout(scene, PNG_SIZE).cell
    assert cell < TEXT_CELL and box_width(cell) == 6
    assert len({tuple(c) for c in np.asarray(render_image(scene)).reshape(-1, 3)}) > 1000


def test_small_fields_keep_their_cells():
    scene = field_frame(5, parse_stack("c3s2p1,c3s2p1"), 2, (1, 1))
    assert len({tuple(c) for c in scene.panels[0].rgb.reshape(-1, 3)}) <= 4    # padding, input, field: no photo
