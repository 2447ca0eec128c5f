"""The shown PyTorch code prints the shown numbers; figures draw row 0 at the top."""

import ast
import contextlib
import io

import numpy as np
import pytest

from convviz.conv import convolve2d, cross_correlate2d
from convviz.lessons.shared.examples import input_values, kernel_values
from convviz.figures.common import grid_figure
from convviz.filters import CLASSIC_FILTERS, apply_filter, display_range, kernel_as_written, sample_photo
from convviz.lessons.snippets.convolution import conv2d_snippet


@pytest.mark.parametrize("flip", [False, True])
@pytest.mark.parametrize("settings", [dict(stride=1, padding=0, dilation=1),
                                      dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2))])
def test_snippet_prints_the_page_numbers(flip, settings):
    x, w = input_values("random", 2, 6, 7, seed=3), kernel_values("random", 2, 3, 2, seed=3)
    code = conv2d_snippet(x, w, bias=1.5, flip=flip, **settings)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})
    printed = np.array(ast.literal_eval(out.getvalue().strip()))
    expected = (convolve2d if flip else cross_correlate2d)(x, w, 1.5, **settings)
    np.testing.assert_allclose(printed, expected, atol=1e-10)


def test_grid_figure_row_zero_on_top():
    spec = grid_figure(np.arange(6.0).reshape(2, 3)).to_dict()
    assert spec["layout"]["yaxis"]["autorange"] == "reversed"
    assert spec["data"][0]["text"][0][2] == "2"


def test_classic_filters():
    photo = sample_photo(64)
    assert photo.shape == (64, 64) and 0 <= photo.min() and photo.max() <= 1
    for _, kernel, _ in CLASSIC_FILTERS.values():
        out = apply_filter(photo, kernel)
        assert out.shape == photo.shape
        shown = display_range(out, kernel)
        assert 0 <= shown.min() and shown.max() <= 1
    gauss, title = kernel_as_written("gaussian5")
    assert gauss[2, 2] == 41 and gauss.sum() == 273 and title == "kernel × 1/273"
    # Sobel x on a left-to-right step is positive on the step: it finds vertical edges.
    step = np.zeros((5, 6))
    step[:, 3:] = 1
    assert apply_filter(step, CLASSIC_FILTERS["sobel_x"][1])[2, 2] == 4


def test_image_figure_sends_the_image_as_png_with_row_zero_first():
    import base64
    import io

    from PIL import Image

    from convviz.figures.common import image_figure

    img = np.zeros((4, 6))
    img[0, :] = 1.0                                     # a white top row
    source = image_figure(img).to_dict()["data"][0]["source"]
    decoded = np.asarray(Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))))
    assert decoded.shape == (4, 6) and decoded[0].min() == 255 and decoded[1:].max() == 0


def test_enlarged_figure_for_a_projector_leaves_the_original_alone():
    from convviz.figures.common import enlarged

    fig = grid_figure(np.arange(12.0).reshape(3, 4), "a grid")
    big = enlarged(fig, factor=1.5)
    assert big.layout.font.size == round(fig.layout.font.size * 1.5) and big.layout.font.color == "#000000"
    assert big.layout.title.font.size == round(fig.layout.title.font.size * 1.5)
    assert big.data[0].textfont.size == round(fig.data[0].textfont.size * 1.5)
    assert big.layout.margin.t == round(fig.layout.margin.t * 1.5)      # the title clears the top tick labels
    assert big.layout.height == round(fig.layout.height * 1.5)
    assert big.layout.xaxis.tickfont.color == big.layout.yaxis.title.font.color == "#000000"
    assert fig.layout.font.color is None and fig.layout.xaxis.tickfont.color is None   # a copy, not an edit


def test_note_004_original_kernel_is_not_the_identity():
    """Note 004 prints I₅ as the 'Original' kernel; the identity kernel is a centred 1 (torch agrees)."""
    import torch
    import torch.nn.functional as F

    ramp = np.add.outer(np.arange(5.0), np.arange(5.0))                 # r + c
    np.testing.assert_array_equal(apply_filter(ramp, CLASSIC_FILTERS["centre5"][1]), ramp)
    smeared = apply_filter(ramp, CLASSIC_FILTERS["original5"][1])
    assert smeared[2, 2] == 20 and ramp[2, 2] == 4                       # 0+2+4+6+8 along the diagonal
    torch_out = F.conv2d(torch.from_numpy(ramp)[None, None], torch.from_numpy(np.eye(5))[None, None], padding=2)
    np.testing.assert_array_equal(smeared, torch_out[0, 0].numpy())


def test_enlarged_figures_print_nothing_below_20_px_on_a_projector():
    """Issue 33: the checkerboard remedies' numbers were 14–16 px presenting; every font is now at least 20 px."""
    from convviz.figures.common import PROJECTOR_MIN_PX, enlarged
    from convviz.lessons.transposed_convolution import remedies

    _, fig, _ = remedies("constant", 4, 3, 2)
    small = [t.textfont.size for t in fig.data if t.texttemplate]
    assert small and min(small) < PROJECTOR_MIN_PX == 20               # the figure as drawn on a laptop
    big = enlarged(fig)
    assert min(t.textfont.size for t in big.data if t.texttemplate) >= 20
    assert big.layout.annotations and min(a.font.size for a in big.layout.annotations) >= 20   # panel titles
    assert big.layout.font.size >= 20
    import plotly.graph_objects as go

    plain = go.Figure(go.Heatmap(z=[[1, 2]], text=[["1", "2"]], texttemplate="%{text}"))   # plotly's 12 px default
    assert enlarged(plain).data[0].textfont.size == 20
