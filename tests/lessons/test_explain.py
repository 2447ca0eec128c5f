"""The formula text shows the user's numbers and the right result."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convviz.lessons.shared.explain import adjoint_sum_sentence, floor_explanation, output_padding_sentence, output_size_latex


def test_formula_substitutes_numbers():
    tex = output_size_latex("H", 6, 3, 2, 1, 1)
    assert r"\frac{6 + 2\cdot1 - 1\cdot(3-1) - 1}{2}" in tex
    assert tex.endswith(r"= 3\end{aligned}") and r"\lfloor 2.5 \rfloor" in tex


def test_floor_case_names_skipped_rows_and_ties():
    text = floor_explanation("H", 6, 3, 2, 1, 1)
    assert "2.5 is not whole" in text and "5, 6" in text


def test_skipped_real_input_rows_are_listed():
    text = floor_explanation("W", 6, 2, 3, 0, 1)   # windows at 0-1 and 3-4: columns 2 and 5 never read
    assert "never read: 2, 5" in text


def test_impossible_settings_raise():
    with pytest.raises(ValueError):
        output_size_latex("H", 2, 5, 1, 0, 1)


def _torch_output_padding(n, k, s, p, d):
    """The output_padding for which torch's conv_transpose2d maps conv2d's output (size n input) back to n."""
    import torch
    import torch.nn.functional as F
    x = torch.zeros(1, 1, n, n, dtype=torch.float64)
    w = torch.zeros(1, 1, k, k, dtype=torch.float64)
    y = F.conv2d(x, w, stride=s, padding=p, dilation=d)
    for a in range(max(s, d)):
        try:
            back = F.conv_transpose2d(y, w, stride=s, padding=p, output_padding=a, dilation=d)
        except RuntimeError:
            continue
        if back.shape[-1] == n:
            return a
    raise AssertionError("no output_padding maps back")


@pytest.mark.parametrize("n, expected", [(8, 0), (9, 1), (10, 2)])
def test_output_padding_sentence_counts_the_dilation(n, expected):
    """s = 3, d = 2, k = 3: torch needs 0, 1, 2 (the dilation-free (i + 2p − k) mod s would say 2, 0, 1)."""
    assert _torch_output_padding(n, 3, 3, 0, 2) == expected
    assert f"= **{expected}**, the `output_padding` set above" in output_padding_sentence(n, 3, 3, 0, 2, expected)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(1, 4), st.integers(1, 4), st.integers(0, 3), st.integers(1, 3))
def test_output_padding_sentence_matches_torch(n, k, s, p, d):
    assume(n + 2 * p >= d * (k - 1) + 1)
    wanted = _torch_output_padding(n, k, s, p, d)
    assert f"= **{wanted}**" in output_padding_sentence(n, k, s, p, d, wanted)
    assert "not the" in output_padding_sentence(n, k, s, p, d, wanted + s) if wanted + s < d else True


def test_adjoint_sum_sentence_matches_torch():
    """yᵀAx from torch's conv1d (float64) equals both sides the callout prints."""
    import numpy as np
    import torch
    import torch.nn.functional as F
    from convviz.matrix import conv_matrix_1d
    w = np.array([1.0, 2.0, 3.0])
    A = conv_matrix_1d(6, w, stride=1)
    y = np.arange(1.0, A.shape[0] + 1)
    x = torch.arange(1.0, 7.0, dtype=torch.float64)
    expected = float(torch.dot(F.conv1d(x[None, None], torch.tensor(w)[None, None])[0, 0], torch.tensor(y)))
    text = adjoint_sum_sentence(A, y)
    assert text.count(f"= {expected:g}") == 2, text
