"""Sentences whose truth depends on a page's settings, each checked over the page's whole settings range.

One place per lesson, so a reviewer sees them all (issue 31). Every sentence below is either generated from
computed values (then the test checks the generator's claim against an independent computation) or is a
fixed sentence whose claim is evaluated at every setting hypothesis draws from the page's own ranges.

The list, lesson by lesson, is docs/statements.md (keep it in step with the tests below).
"""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from convviz.backprop import read_counts
from convviz.lessons.convolution import ConvLayer, backward_pass, convolution_result, read_count_sentence
from convviz.lessons.convolution_matrix import (CirculantSettings, circulant_lesson,
                                                circular_alignment_sentence, phi_column_sentence, zero_padding_sentence)
from convviz.lessons.convolution_zoo import DepthwiseSettings
from convviz.lessons.receptive_fields import UNET_MAX_DEPTH, UNET_MAX_N, UNET_SEARCH_MAX, UNetSettings, unet_near, unet_summary
from convviz.ista import dictionary_matrix, example_problem
from convviz.ui.sections.convolution import BAR
from convviz.unet import works
from convviz import zoo

torch.set_num_threads(1)
RANGE = {key: (lo, hi) for _, key, _, lo, hi, _ in BAR}          # the convolution page's own bar: kh, sh, ph, dh
AXIS = dict(n=(1, 32), **{k[0]: v for k, v in RANGE.items()})     # n (H or W) 1–32, k, s, p, d


def _autograd_counts(n, k, s, p, d):
    x = torch.ones(1, 1, n, dtype=torch.float64, requires_grad=True)
    F.conv1d(x, torch.ones(1, 1, k, dtype=torch.float64), stride=s, padding=p, dilation=d).sum().backward()
    return x.grad[0, 0].numpy().astype(int)


axis = st.tuples(*(st.integers(*AXIS[name]) for name in "nkspd")).filter(
    lambda a: a[0] + 2 * a[3] >= a[4] * (a[1] - 1) + 1)


# --- Convolution -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(axis)
def test_read_counts_are_autograds(a):
    assert read_counts(*a).tolist() == _autograd_counts(*a).tolist()


def test_the_issue_case_reads_two_one_two():
    assert read_counts(5, 3, 2, 2).tolist() == [2, 1, 2, 1, 2]
    text = read_count_sentence(np.outer(read_counts(5, 3, 2, 2), read_counts(5, 3, 2, 2)))
    assert "corners are among" not in text and "none of them a corner" in text


@settings(max_examples=300, deadline=None)
@given(axis, axis)
def test_the_read_count_sentence_is_true(a_h, a_w):
    reads = np.outer(_autograd_counts(*a_h), _autograd_counts(*a_w))
    text = read_count_sentence(reads)
    lo, hi = reads.min(), reads.max()
    corners = {reads[0, 0], reads[0, -1], reads[-1, 0], reads[-1, -1]}
    if lo == hi:
        assert f"the same number of windows, {lo}" in text
        return
    assert f"read by {lo} to {hi} window" in text
    if "corners are among" in text:
        assert corners == {lo}
        assert f"the {(reads == lo).sum()} cells read by the fewest" in text
    else:
        assert corners != {lo}
        fewest = int(re.search(r"is read by (\d+) cell", text).group(1))
        assert fewest == (reads == lo).sum()
        assert ("none of them a corner" in text) == (lo not in corners)
    assert ("(the stride skips it)" in text) == (lo == 0)


layers = st.builds(
    lambda c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, op, seed: dict(
        c=c, h=h, w=w, kh=kh, kw=kw, stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw), op=op, seed=seed),
    st.integers(1, 3), st.integers(*AXIS["n"]), st.integers(*AXIS["n"]), st.integers(*RANGE["kh"]),
    st.integers(*RANGE["kh"]), st.integers(*RANGE["sh"]), st.integers(*RANGE["sh"]), st.integers(*RANGE["ph"]),
    st.integers(*RANGE["ph"]), st.integers(*RANGE["dh"]), st.integers(*RANGE["dh"]), st.sampled_from(["xcorr", "conv"]),
    st.integers(0, 9999))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(layers, st.sampled_from(["ones", "random"]))
def test_at_random_settings_the_backward_pass_agrees_with_autograd(values, upstream):
    try:
        layer = ConvLayer(**values)
    except ValueError:
        assume(False)
    back = backward_pass(layer, upstream)
    assert back["gap"] < 1e-9
    assert back["reads"].shape == (layer.h, layer.w)
    forward = convolution_result(layer)                      # the forward pass and true convolution vs F.conv2d
    assert forward.torch_gap < 1e-9 and forward.identity_gap < 1e-9


def test_at_random_settings_the_convolution_page_shows_no_error_and_agrees_with_torch():
    """The page itself, opened from links with random valid settings (a seeded sample of the bar's range)."""
    import random

    from tests.support import open_page

    rng = random.Random(31)
    opened = 0
    while opened < 8:
        values = dict(h=rng.randint(*AXIS["n"]), kh=rng.randint(*RANGE["kh"]), sh=rng.randint(*RANGE["sh"]),
                      ph=rng.randint(*RANGE["ph"]), dh=rng.randint(*RANGE["dh"]), op=rng.choice(["xcorr", "conv"]),
                      grad=rng.choice(["ones", "random"]))
        try:
            ConvLayer(h=values["h"], w=values["h"], kh=values["kh"], kw=values["kh"], stride=(values["sh"],) * 2,
                      padding=(values["ph"],) * 2, dilation=(values["dh"],) * 2)
        except ValueError:
            continue
        at = open_page("pages/convolution.py", **{k: str(v) for k, v in values.items()})
        opened += 1
        assert not at.exception and not at.error, values
        checks = [c.value for c in at.caption if "PyTorch" in c.value] + [m.value for m in at.markdown
                                                                              if "PyTorch" in m.value]
        assert checks and not any("✗" in text or "differs" in text for text in checks), values


# --- Receptive fields: U-Net -------------------------------------------------------------------------

_WORKING = {}


def _working(depth, padded):
    key = (depth, padded)
    if key not in _WORKING:
        _WORKING[key] = [m for m in range(1, UNET_SEARCH_MAX + 1) if works(m, depth, padded)]
    return _WORKING[key]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, UNET_MAX_N), st.integers(1, UNET_MAX_DEPTH), st.sampled_from(["valid", "padded"]))
def test_the_u_net_sizes_named_are_the_nearest_that_go_through(n, depth, variant):
    s = UNetSettings(variant, n, depth)
    near, text = unet_near(s)
    every = _working(depth, s.padded)
    below, above = [m for m in every if m < n][-3:], [m for m in every if m >= n][:3]
    assert [a for a, _ in near] == below + above
    if not near:
        assert text == f"none from 1 to {UNET_SEARCH_MAX}"
    if s.padded or works(n, depth, False):
        try:
            summary = unet_summary(s, s.table())
        except ValueError:
            return
        gaps = {b - a for a, b in zip(below + above, (below + above)[1:])}
        assert (f"they are 2^{depth} = {1 << depth} apart" in summary) == (gaps == {1 << depth})


def test_at_100_depth_5_the_section_names_380():
    near, text = unet_near(UNetSettings("valid", 100, 5))
    assert near[0] == (380, 4) and "380 → 4" in text


# --- Convolution as a matrix -------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 3), st.integers(1, 7), st.integers(2, 32), st.integers(0, 9999))
def test_the_columns_of_phi_are_said_as_they_are(k, m, n, seed):
    phi, _, _ = example_problem(k, m, n, seed)
    a = dictionary_matrix(phi, n)
    text = phi_column_sentence(phi, a, n)
    for atom in range(k):
        for j in range(n):
            column = a[:, atom * n + j]
            assert np.array_equal(column[j:j + m], phi[atom][::-1]) and not column[:j].any() and not column[j + m:].any()
    symmetric = all(np.array_equal(p, p[::-1]) for p in np.atleast_2d(phi))
    assert ("reversed or not" in text) == symmetric and ("**reversed**" in text) == (not symmetric)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 32), st.integers(1, 7), st.integers(0, 9999))
def test_the_circulant_sentences_hold(n, k, seed):
    view = circulant_lesson(CirculantSettings.clamped(n, k, seed))
    k = len(view["kernel"])
    gaps = view["alignment_gaps"]
    assert view["alignment_torch_gap"] < 1e-9 and gaps[0] < 1e-9             # L = 0 is Cᵀ: always the same set
    text = circular_alignment_sentence(gaps)
    if k > 1:
        same = [left for left, g in gaps.items() if g < 1e-9]
        assert ("only L = 0" in text) == (same == [0])
    zero = zero_padding_sentence(view["zero_padded_dft_gap"])
    assert ("no longer diagonalises" in zero) == (k > 1 and np.any(view["kernel"][1:] != 0))


def test_with_one_centred_padding_the_set_differs():
    """The issue's case: n 8, k 3, circular padding 1 on each side is not C's set."""
    view = circulant_lesson(CirculantSettings.clamped(8, 3, 0))
    assert view["alignment_gaps"][1] > 1e-3


# --- Zoo ---------------------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 64), st.integers(1, 64), st.integers(1, 7), st.integers(1, 256), st.integers(1, 4),
       st.integers(0, 5))
def test_note_002s_products_are_c_times_the_macs(c_in, c_out, k, size, stride, padding):
    try:
        s = DepthwiseSettings(c_in, c_out, k, size, stride, padding)
    except ValueError:
        assume(False)
    cost = s.cost
    note = zoo.note_002_cost_expressions(c_in, c_out, k, cost["output_size"])
    assert note["standard"] == c_in * cost["standard"]["macs"]
    assert note["separable"] == c_in * cost["macs"]


@pytest.mark.parametrize("name", ["effective_field_width", "empirical_receptive_field"])
def test_the_receptive_api_named_by_earlier_issues_imports_from_there(name):
    import subprocess
    import sys

    code = ("import sys, convviz.receptive as r; assert 'torch' not in sys.modules; "
            f"from convviz.receptive import {name}; assert callable({name}); assert 'torch' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- Transposed convolution: when the remedies run (issue 37) ------------------------------------------


def test_remedies_run_exactly_where_the_page_says_n_s_at_least_k():
    from convviz.lessons.transposed_convolution import (CHECKERBOARD_RANGES, remedies, remedies_fit,
                                                        remedies_problem)

    (k_lo, k_hi), (s_lo, s_hi), (n_lo, n_hi) = (CHECKERBOARD_RANGES[key] for key in ("cb_k", "cb_s", "cb_n"))
    for k in range(k_lo, k_hi + 1):
        for s in range(s_lo, s_hi + 1):
            for n in range(n_lo, n_hi + 1):
                try:
                    remedies("constant", n, k, s)
                    runs = True
                except ValueError:
                    runs = False
                assert runs == remedies_fit(n, k, s), (n, k, s)
                for kept in ("cb_k", "cb_s", "cb_n"):
                    problem = remedies_problem(n, k, s, kept)
                    assert (problem is None) == runs
                    if problem:
                        why, setting = problem
                        assert f"n·s = {n}·{s} = {n * s}" in why and kept not in setting
                        new = {"cb_k": k, "cb_s": s, "cb_n": n} | setting
                        assert remedies_fit(new["cb_n"], new["cb_k"], new["cb_s"])
