"""AppTest for the matrix page: default view, changed controls, a clicked cell, presets, bad links and
too-large matrices. No exception ever; a bad value is named next to its control, nothing else is lost."""

from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from convviz.conv import cross_correlate2d
from convviz.ui.cached_matrix import matrix_arrays

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "convolution_matrix.py")


def page(**query):
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def text_of(at):
    return "\n".join(m.value for m in at.markdown)


def assert_clean(at):
    assert not at.exception, [e.value for e in at.exception]


def printed_ax(at):
    return np.array(eval(at.code[1].value))                      # A x, printed under the torch code


def expected_y(c=1, co=1, h=4, w=4, k=3, s=1, p=0, d=1):
    x, wt = matrix_arrays("none", "random", "random", 0, c, co, h, w, k, k)
    return cross_correlate2d(x, wt, stride=s, padding=p, dilation=d).ravel()


def test_default_view_checks_against_torch():
    at = page()
    assert_clean(at)
    assert not at.error and not at.warning
    body = text_of(at)
    np.testing.assert_allclose(printed_ax(at), expected_y())
    assert "max |A x − `F.conv2d`| (float64) = **0.0e+00**" in body
    assert "`F.conv_transpose2d`| (float64) = **0.0e+00**" in body
    assert "max |im2col − `F.unfold`| = **0.0e+00**" in body
    assert "A[0, 0] =" in body and "doubly block Toeplitz" in body
    assert [m.value for m in at.metric][:2] == ["36", "43.8 %"]


def test_changed_controls_and_the_code_runs():
    at = page()
    at.number_input(key="mx_p").set_value(1).run()
    at.number_input(key="mx_s").set_value(2).run()
    at.number_input(key="mx_c").set_value(2).run()
    assert_clean(at)
    assert not at.error
    np.testing.assert_allclose(printed_ax(at), expected_y(c=2, s=2, p=1))
    assert "strided Toeplitz" in text_of(at)
    # The code shown on the page reproduces the printed numbers.
    out = {}
    exec(at.code[0].value.replace("print(", "out['v'] = ("), {"out": out})
    np.testing.assert_allclose(out["v"], printed_ax(at))


def test_a_clicked_matrix_cell_selects_its_row_and_column():
    at = page(mx_preset="note001")
    at.session_state["mx_click_a"] = {"selection": {"points": [], "point_indices": [1 * 16 + 6], "box": [], "lasso": []}}
    at.run()
    assert_clean(at)
    assert at.slider(key="mx_row").value == 1 and at.slider(key="mx_col").value == 6
    assert "**A[1, 6] =" in text_of(at) and "with weight w[0, 0, 1, 1]" in text_of(at)
    # A click on the input grid moves only the column; the earlier click is not applied again.
    at.session_state["mx_click_x"] = {"selection": {"points": [], "point_indices": [15], "box": [], "lasso": []}}
    at.run()
    assert at.slider(key="mx_row").value == 1 and at.slider(key="mx_col").value == 15
    assert "does **not** read input cell (channel 0, row 3, column 3)" in text_of(at)
    at.session_state["mx_click_y"] = {"selection": {"points": [], "point_indices": [3], "box": [], "lasso": []}}
    at.run()
    assert at.slider(key="mx_row").value == 3 and at.slider(key="mx_col").value == 15
    assert "reads input cell (channel 0, row 3, column 3) with weight w[0, 0, 2, 2]" in text_of(at)


def test_presets_and_symbols():
    at = page(mx_preset="note001", mx_labels="symbols")
    assert_clean(at)
    assert at.number_input(key="mx_h").disabled
    assert "4 \\times 16" in at.latex[0].value or "4×16" in text_of(at) or "{4 \\times 16}" in at.latex[0].value
    typo = " ".join(w.value for w in at.warning)
    assert "Typo in note 001" in typo and "are **0, 0, 0**" in typo
    at = page(mx_preset="cnn")
    assert_clean(at)
    assert "channel blocks" in text_of(at) and "one big matrix" in text_of(at)


def test_bad_link_values_are_named_and_replaced():
    at = page(mx_h="abc", mx_w="-3", mx_s="1e9", mx_kh="2.5", mx_preset="bogus", mx_labels="nope", mx_row="999",
              mx_col="-1", mx_n="nan", mx_seed="99999999999999999999")
    assert_clean(at)
    warnings = " ".join(w.value for w in at.warning)
    for needle in ["mx_h='abc' is not a number", "mx_w='-3' is outside", "mx_s='1e9' is outside",
                   "mx_kh='2.5' is not a whole number", "mx_preset='bogus'", "mx_labels='nope'", "mx_row='999'",
                   "mx_col='-1'", "mx_n='nan'", "mx_seed="]:
        assert needle in warnings, needle
    assert not at.error


def test_good_link_values_survive_next_to_bad_ones():
    at = page(mx_h="6", mx_w="zzz", mx_p="1")
    assert_clean(at)
    assert at.number_input(key="mx_h").value == 6 and at.number_input(key="mx_p").value == 1
    np.testing.assert_allclose(printed_ax(at), expected_y(h=6, p=1))


def test_impossible_and_too_large_views_say_why():
    at = page(mx_h="2", mx_kh="5")
    assert_clean(at)
    assert any("no window fits" in e.value for e in at.error)
    assert "Wrap-around padding" in "\n".join(h.value for h in at.header)      # the circulant still works
    at = page(mx_c="3", mx_co="3", mx_h="32", mx_w="32", mx_p="4")
    assert_clean(at)
    assert any("this page builds at most 1,048,576" in e.value for e in at.error)
    assert [m.value for m in at.metric][2].endswith("MB")                      # storage counted without building A


def test_large_matrix_is_a_picture_and_kernel_longer_than_signal_is_clamped():
    at = page(mx_h="20", mx_w="20", mx_p="1", mx_k="7", mx_n="4")
    assert_clean(at)
    assert not at.error
    assert any("longer than the signal" in w.value for w in at.warning)


def test_full_convolution_section_uses_the_circulant_kernel():
    """Note 002's full-convolution Toeplitz matrix: T x printed, np.convolve, torch and commutativity gaps."""
    from convviz.matrix import full_convolution_matrix
    from convviz.ui.cached_matrix import circulant_arrays

    at = page(mx_n="6", mx_k="3", mx_seed1="2")
    assert_clean(at)
    signal, kernel = circulant_arrays(6, 3, 2)
    y = full_convolution_matrix(6, kernel) @ signal
    body = text_of(at)
    assert f"T x = {np.round(y, 10).tolist()}" in body
    assert "is 8 × 6" in body
    line = next(m.value for m in at.markdown if m.value.startswith("- T x ="))
    gaps = [float(part.split("**")[0]) for part in line.split("= **")[1:] + line.split("by **")[1:]]
    assert gaps and max(gaps) < 1e-10
