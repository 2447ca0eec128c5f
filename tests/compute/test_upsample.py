"""Upsampling against F.interpolate / F.pixel_shuffle / F.pixel_unshuffle in float64, note 000's
bilinear example, ICNR and the checkerboard remedies."""

import ast
import contextlib
import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.conv import cross_correlate2d
from convviz.lessons.snippets.transposed_convolution import upsample_snippet
from convviz.upsample import (checkerboard_remedies, icnr, interior_spread, pixel_shuffle, pixel_unshuffle,
                              remedy_border, subpixel_conv, upsample)
from convviz.torch_ref.upsample import pixel_shuffle_torch, upsample_torch

SCALES = st.sampled_from([1, 2, 3, 4, 1.5, 2.5, 0.5, 1.7])


def torch_up(x, scale, mode, align_corners):
    kw = dict(align_corners=align_corners) if mode == "bilinear" else {}
    return F.interpolate(torch.from_numpy(x)[None], scale_factor=scale, mode=mode, **kw)[0].numpy()


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 3), st.integers(1, 7), st.integers(1, 7), SCALES, SCALES,
       st.sampled_from([("nearest", False), ("bilinear", False), ("bilinear", True)]), st.integers(0, 2**32 - 1))
def test_upsample_equals_interpolate(c, h, w, fh, fw, mode_ac, seed):
    mode, ac = mode_ac
    if int(h * fh) < 1 or int(w * fw) < 1:
        return
    x = np.random.default_rng(seed).standard_normal((c, h, w))
    expected = torch_up(x, (fh, fw), mode, ac)
    y = upsample(x, (fh, fw), mode, ac)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-10)
    np.testing.assert_allclose(upsample(x[0], (fh, fw), mode, ac), expected[0], rtol=0, atol=1e-10)


def test_note_000_bilinear_example():
    """Note 000, "Upsampling: Bilinear interpolation": torch.nn.Upsample(mode='bilinear') on
    [[6, 8], [3, 4]] x2 (align_corners=False, torch's default) prints these four rows; the note's
    text extraction lost the first cell, 6.0000, which torch gives."""
    y = upsample([[6, 8], [3, 4]], 2, "bilinear")
    assert y.tolist() == [[6, 6.5, 7.5, 8], [5.25, 5.6875, 6.5625, 7], [3.75, 4.0625, 4.6875, 5], [3, 3.25, 3.75, 4]]
    assert upsample([[6, 8], [3, 4]], 2, "nearest").tolist() == [[6, 6, 8, 8], [6, 6, 8, 8], [3, 3, 4, 4], [3, 3, 4, 4]]
    np.testing.assert_allclose(upsample([[6, 8], [3, 4]], 2, "bilinear", align_corners=True)[0], [6, 20 / 3, 22 / 3, 8])


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_pixel_shuffle_and_unshuffle_equal_torch(c, r, h, w, seed):
    x = np.random.default_rng(seed).standard_normal((c * r * r, h, w))
    shuffled = pixel_shuffle(x, r)
    np.testing.assert_array_equal(shuffled, F.pixel_shuffle(torch.from_numpy(x), r).numpy())
    np.testing.assert_array_equal(pixel_unshuffle(shuffled, r), F.pixel_unshuffle(torch.from_numpy(shuffled), r).numpy())
    np.testing.assert_array_equal(pixel_unshuffle(shuffled, r), x)


def test_pixel_shuffle_layout():
    """out[c, h·r + i, w·r + j] = x[c·r² + i·r + j, h, w]."""
    x = np.arange(4.0).reshape(4, 1, 1)
    assert pixel_shuffle(x, 2)[0].tolist() == [[0, 1], [2, 3]]


def test_icnr_starts_as_nearest_upsampling_then_conv():
    """Aitken et al. 2017: with ICNR, conv + shuffle = nearest upsampling of the conv."""
    rng = np.random.default_rng(0)
    x, w0 = rng.standard_normal((2, 5, 6)), rng.standard_normal((3, 2, 3, 3))
    y = subpixel_conv(x, icnr(w0, 2), 2, padding=1)
    np.testing.assert_allclose(y, upsample(cross_correlate2d(x, w0, padding=1), 2, "nearest"), atol=1e-12)


def test_remedies_remove_the_checkerboard():
    panels = dict(checkerboard_remedies("constant", 5, 3, 2))
    spread = {name: interior_spread(y, remedy_border(3, 2)) for name, y in panels.items()}
    assert spread["transposed conv k=3, s=2"] > 0.5
    assert spread["sub-pixel conv, random init"] > 0.01
    for name in ["transposed conv k=4, s=2 (s divides k)", "nearest ×2, then conv 3×3", "bilinear ×2, then conv 3×3",
                 "sub-pixel conv, ICNR init"]:
        assert spread[name] == pytest.approx(0, abs=1e-12), name
    smooth = checkerboard_remedies("smooth", 6, 3, 2)
    assert len(smooth) == 6 and all(np.isfinite(y).all() for _, y in smooth)


@pytest.mark.parametrize("mode, ac", [("nearest", False), ("bilinear", False), ("bilinear", True)])
def test_snippet_prints_the_page_numbers(mode, ac):
    x = np.array([[6.0, 8.0], [3.0, 4.0]])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(upsample_snippet(x, 3, mode, ac), {})
    np.testing.assert_allclose(np.array(ast.literal_eval(out.getvalue().strip())), upsample(x, 3, mode, ac), atol=1e-10)
    np.testing.assert_allclose(upsample_torch(x, 3, mode, ac), upsample(x, 3, mode, ac), atol=1e-10)


@pytest.mark.parametrize("call, words", [
    (lambda: upsample(np.ones((2, 2)), 2, "bicubic"), "Unknown mode"),
    (lambda: upsample(np.ones((2, 2)), 2, "nearest", align_corners=True), "only applies to bilinear"),
    (lambda: upsample(np.ones((2, 2)), -1), "positive"),
    (lambda: upsample(np.ones((2, 2)), 0.2), "nothing left"),
    (lambda: pixel_shuffle(np.ones((3, 2, 2)), 2), "divisible"),
    (lambda: pixel_unshuffle(np.ones((3, 3)), 2), "divisible"),
])
def test_errors_say_why(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_pixel_shuffle_torch_helper():
    x = np.arange(18.0).reshape(2 * 9, 1, 1)
    np.testing.assert_array_equal(pixel_shuffle_torch(x, 3), pixel_shuffle(x, 3))


def test_upsampling_grid_keeps_note_000_digits():
    from convviz.figures.transposed_convolution import exact_grid_figure

    fig = exact_grid_figure(upsample([[6, 8], [3, 4]], 2, "bilinear"), "bilinear ×2")
    assert list(fig.data[0].text[1]) == ["5.25", "5.6875", "6.5625", "7"]
    assert fig.to_dict()["layout"]["yaxis"]["autorange"] == "reversed"


@pytest.mark.parametrize("r", [2, 3])
def test_pixel_shuffle_example_numbers_name_their_source(r):
    """Channel c = i·r + j lands at offset (i, j) of every r×r block: the number there is 10c + position."""
    from convviz.upsample import pixel_shuffle_example

    x = pixel_shuffle_example(r)
    assert x.shape == (r * r, 2, 2) and x[1].tolist() == [[10, 11], [12, 13]]
    y = F.pixel_shuffle(torch.from_numpy(x)[None], r)[0, 0].numpy()
    for i in range(r):
        for j in range(r):
            assert y[i, j] == 10 * (i * r + j) and y[r + i, r + j] == 10 * (i * r + j) + 3


@settings(max_examples=30, deadline=None)
@given(h=st.integers(1, 4), w=st.integers(1, 4), scale=st.integers(2, 4), seed=st.integers(0, 2**16))
def test_bed_of_nails_and_max_unpooling_equal_torch(h, w, scale, seed):
    """Note 003's fixed unpooling: bed of nails = one-hot-kernel transposed conv; max unpooling puts each
    max back where the pool found it (F.max_unpool2d, ties to the first in reading order)."""
    from convviz.pooling import max_pool2d
    from convviz.upsample import bed_of_nails, max_unpool2d
    from convviz.torch_ref.upsample import fixed_unpooling_torch
    from convviz.zoo import max_pool2d_winners

    rng = np.random.default_rng(seed)
    x = rng.integers(0, 10, (h, w)).astype(np.float64)
    z = rng.integers(0, 4, (h * scale, w * scale)).astype(np.float64)            # small range: many ties
    nails = bed_of_nails(x, scale)
    assert nails.shape == (h * scale, w * scale) and nails[::scale, ::scale].tolist() == x.tolist()
    assert nails.sum() == x.sum()
    unpooled = max_unpool2d(max_pool2d(z, scale), max_pool2d_winners(z, scale), z.shape)
    torch_nails, torch_unpooled = fixed_unpooling_torch(x, z, scale)
    np.testing.assert_array_equal(nails, torch_nails)
    np.testing.assert_array_equal(unpooled, torch_unpooled)
    assert np.count_nonzero(unpooled) <= h * w
