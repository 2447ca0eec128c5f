"""Output sizes against torch, the guide's named cases, and the floor's ambiguity."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convviz.arithmetic import (
    conv_output_size,
    input_sizes_with_same_output,
    output_size_terms,
    unreached_input_positions,
    unreached_positions,
)

# (n, k, s, p, d, o): ids are vdumoulin/conv_arithmetic's animation names.
GUIDE = [
    pytest.param(4, 3, 1, 0, 1, 2, id="no_padding_no_strides"),
    pytest.param(5, 4, 1, 2, 1, 6, id="arbitrary_padding_no_strides"),
    pytest.param(5, 3, 1, 1, 1, 5, id="same_padding_no_strides"),
    pytest.param(5, 3, 1, 2, 1, 7, id="full_padding_no_strides"),
    pytest.param(5, 3, 2, 0, 1, 2, id="no_padding_strides"),
    pytest.param(5, 3, 2, 1, 1, 3, id="padding_strides"),
    pytest.param(6, 3, 2, 1, 1, 3, id="padding_strides_odd"),
    pytest.param(7, 3, 1, 0, 2, 3, id="dilation"),
]


@pytest.mark.parametrize("n, k, s, p, d, o", GUIDE)
def test_guide_cases(n, k, s, p, d, o):
    assert conv_output_size(n, k, s, p, d) == o


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40), st.integers(1, 7), st.integers(1, 5), st.integers(0, 4), st.integers(1, 4))
def test_matches_torch(n, k, s, p, d):
    assume(n + 2 * p >= d * (k - 1) + 1)
    x, w = torch.zeros(1, 1, n, dtype=torch.float64), torch.zeros(1, 1, k, dtype=torch.float64)
    assert conv_output_size(n, k, s, p, d) == F.conv1d(x, w, stride=s, padding=p, dilation=d).shape[-1]


@pytest.mark.parametrize("args, words", [
    ((5, 0), "kernel size"), ((5, 3, 0), "stride"), ((5, 3, 1, -1), "padding"),
    ((5, 3, 1, 0, 0), "dilation"), ((2, 5), "empty"), ((0, 1), "input size"), ((3, 3, 1, 0, 2), "empty"),
])
def test_impossible_settings_say_why(args, words):
    with pytest.raises(ValueError, match=words):
        conv_output_size(*args)


def test_terms_of_the_odd_case():
    """padding_strides_odd: (6 + 2 - 2 - 1)/2 = 2.5, floor 2, o = 3; one padded cell is left over."""
    t = output_size_terms(6, 3, 2, 1)
    assert t == {"numerator": 5, "quotient": 2.5, "is_whole": False, "remainder": 1, "output": 3}


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30), st.integers(1, 6), st.integers(1, 5), st.integers(0, 3), st.integers(1, 3))
def test_unreached_cells_get_no_gradient(n, k, s, p, d):
    """A padded cell no window reads is exactly a cell whose gradient is zero for any weights."""
    assume(n + 2 * p >= d * (k - 1) + 1)
    x = torch.zeros(1, 1, n + 2 * p, dtype=torch.float64, requires_grad=True)
    F.conv1d(x, torch.ones(1, 1, k, dtype=torch.float64), stride=s, dilation=d).sum().backward()
    assert unreached_positions(n, k, s, p, d) == torch.nonzero(x.grad[0, 0] == 0).ravel().tolist()
    assert unreached_input_positions(n, k, s, p, d) == [q - p for q in unreached_positions(n, k, s, p, d) if p <= q < n + p]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30), st.integers(1, 6), st.integers(1, 5), st.integers(0, 3), st.integers(1, 3))
def test_sizes_with_same_output_are_all_of_them(n, k, s, p, d):
    assume(n + 2 * p >= d * (k - 1) + 1)
    o = conv_output_size(n, k, s, p, d)
    ties = input_sizes_with_same_output(n, k, s, p, d)
    assert n in ties
    brute = [m for m in range(1, 80) if m + 2 * p >= d * (k - 1) + 1 and conv_output_size(m, k, s, p, d) == o]
    assert ties == brute


def test_guide_odd_pair_ties():
    assert input_sizes_with_same_output(5, 3, 2, 1) == [5, 6]
