"""The formula text shows the user's numbers and the right result."""

import pytest

from convviz.explain import floor_explanation, output_size_latex


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
