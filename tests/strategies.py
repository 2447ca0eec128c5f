"""Hypothesis strategies shared by the compute tests: layer settings torch accepts, with random arrays."""

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st


def pairs(draw, lo, hi):
    """(height value, width value), each drawn from lo..hi."""
    return draw(st.integers(lo, hi)), draw(st.integers(lo, hi))


@st.composite
def conv_cases(draw, max_kernel=5, max_stride=4, max_padding=3, max_size=14, bias=True):
    """(x (C, H, W), w (C_out, C, kh, kw), [bias (C_out,)], stride, padding, dilation) with a window that fits."""
    c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = pairs(draw, 1, max_kernel)
    sh, sw = pairs(draw, 1, max_stride)
    ph, pw = pairs(draw, 0, max_padding)
    dh, dw = pairs(draw, 1, 3)
    h, w = pairs(draw, 1, max_size)
    assume(h + 2 * ph >= dh * (kh - 1) + 1 and w + 2 * pw >= dw * (kw - 1) + 1)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    arrays = (rng.standard_normal((c_in, h, w)), rng.standard_normal((c_out, c_in, kh, kw)))
    arrays += (rng.standard_normal(c_out),) if bias else ()
    return (*arrays, (sh, sw), (ph, pw), (dh, dw))


@st.composite
def tconv_cases(draw):
    """(x, w (C_in, C_out, kh, kw), bias, stride, padding, output_padding, dilation): any settings torch's
    conv_transpose2d accepts (output_padding below the stride or the dilation, output not empty)."""
    c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = pairs(draw, 1, 5)
    sh, sw = pairs(draw, 1, 4)
    dh, dw = pairs(draw, 1, 3)
    ah, aw = draw(st.integers(0, max(sh, dh) - 1)), draw(st.integers(0, max(sw, dw) - 1))
    h, w = pairs(draw, 1, 7)
    full_h, full_w = (h - 1) * sh + dh * (kh - 1) + ah + 1, (w - 1) * sw + dw * (kw - 1) + aw + 1
    ph, pw = draw(st.integers(0, (full_h - 1) // 2)), draw(st.integers(0, (full_w - 1) // 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return (rng.standard_normal((c_in, h, w)), rng.standard_normal((c_in, c_out, kh, kw)), rng.standard_normal(c_out),
            (sh, sw), (ph, pw), (ah, aw), (dh, dw))
