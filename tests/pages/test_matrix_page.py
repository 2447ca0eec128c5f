"""AppTest for the matrix page: default view, changed controls, a clicked cell, presets, bad links and
too-large matrices. No exception ever; a bad value is named next to its control, nothing else is lost."""

from pathlib import Path

import numpy as np

from convviz.conv import cross_correlate2d
from convviz.lessons.convolution_matrix import MatrixSettings, matrix_arrays
from tests.support import assert_clean, open_page, set_numbers, text_of

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "convolution_matrix.py")


def page(**query):
    return open_page(PAGE, **query)


def printed_ax(at):
    return np.array(eval(at.code[1].value))                      # A x, printed under the torch code


def expected_y(c=1, co=1, h=4, w=4, k=3, s=1, p=0, d=1):
    x, wt = matrix_arrays(MatrixSettings("none", "random", "random", 0, c, co, h, w, k, k))
    return cross_correlate2d(x, wt, stride=s, padding=p, dilation=d).ravel()


def test_default_view_checks_against_torch():
    at = page()
    assert_clean(at)
    assert not at.error and not at.warning
    body = text_of(at)
    np.testing.assert_allclose(printed_ax(at), expected_y())
    checks = "\n".join(c.value for c in at.caption)                  # the quiet "✓ matches PyTorch" lines
    assert "✓ matches PyTorch exactly (max |difference| 0): A x against F.conv2d (float64)" in checks
    assert "✓ matches PyTorch exactly (max |difference| 0): Aᵀ y against F.conv_transpose2d (float64), y = A x" in checks
    assert "✓ matches PyTorch exactly (max |difference| 0): im2col against F.unfold" in checks
    assert "A[0, 0] =" in body and "doubly block Toeplitz" in body
    assert [m.value for m in at.metric][:2] == ["36", "43.8 %"]


def test_changed_controls_and_the_code_runs():
    at = page()
    set_numbers(at, mx_p=1, mx_s=2, mx_c=2)
    assert_clean(at)
    assert not at.error
    np.testing.assert_allclose(printed_ax(at), expected_y(c=2, s=2, p=1))
    assert "strided Toeplitz" in text_of(at)
    # The code shown on the page reproduces the printed numbers.
    out = {}
    exec(at.code[0].value.replace("print(", "out['v'] = ("), {"out": out})
    np.testing.assert_allclose(out["v"], printed_ax(at))


def test_the_stage_sends_a_row_and_a_column_and_the_page_follows():
    """What the stage sends (a row stepped, a column picked) moves the text, the sections below and the link."""
    at = page(mx_preset="note001")
    assert "A[0, 0] =" in text_of(at)
    at.session_state["mx_stage"] = {"step": 1, "col": 6, "speed": "normal"}     # ▶, then a click on x's cell 6
    at.run()
    assert_clean(at)
    assert "**A[1, 6] =" in text_of(at) and "with weight w[0, 0, 1, 1]" in text_of(at)
    assert at.query_params["mx_row"] == "1" and at.query_params["mx_col"] == "6"
    assert "Column 1 (magenta) is output (0, 1)'s window, the same numbers as row 1's non-zeros" in text_of(at)
    at.session_state["mx_stage"] = {"step": 1, "col": 15, "speed": "normal"}    # only the column moves
    at.run()
    assert "does **not** read input cell (channel 0, row 3, column 3)" in text_of(at)
    assert at.query_params["mx_row"] == "1" and at.query_params["mx_col"] == "15"
    at.session_state["mx_stage"] = {"step": 99, "col": -1, "speed": "normal"}   # out of range: ignored
    at.run()
    assert_clean(at)
    assert at.query_params["mx_row"] == "1" and at.query_params["mx_col"] == "15"


def test_a_link_opens_the_stage_on_its_row_and_column():
    from convviz.lessons.convolution_matrix import matrix_lesson
    from convviz.lessons.scenes.convolution_matrix import matrix_scene

    at = page(mx_preset="note001", mx_row="3", mx_col="10")
    assert_clean(at)
    assert "**A[3, 10] =" in text_of(at)
    assert not any(s.key == "mx_row" for s in at.slider)                      # no sliders: the stage steps
    scene = matrix_scene(matrix_lesson(MatrixSettings.from_controls(preset="note001")))
    assert len(scene["steps"]) == 4 and len(scene["col_groups"]) == 16


def test_a_large_matrix_is_a_picture_whose_clicks_select_a_row_and_column():
    at = page(mx_h="6", mx_w="6", mx_p="2")                                   # A 64 × 36: past the stage, clickable
    n_cols = 36
    at.session_state["mx_click_a"] = {"selection": {"points": [], "point_indices": [1 * n_cols + 6], "box": [],
                                                    "lasso": []}}
    at.run()
    assert_clean(at)
    assert at.slider(key="mx_row").value == 1 and at.slider(key="mx_col").value == 6
    assert "**A[1, 6] =" in text_of(at)
    # A click on the input grid moves only the column; the earlier click is not applied again.
    at.session_state["mx_click_x"] = {"selection": {"points": [], "point_indices": [35], "box": [], "lasso": []}}
    at.run()
    assert at.slider(key="mx_row").value == 1 and at.slider(key="mx_col").value == 35
    assert "does **not** read input cell (channel 0, row 5, column 5)" in text_of(at)
    at.session_state["mx_click_y"] = {"selection": {"points": [], "point_indices": [3], "box": [], "lasso": []}}
    at.run()
    assert at.slider(key="mx_row").value == 3 and at.slider(key="mx_col").value == 35


def test_presets_and_symbols():
    at = page(mx_preset="note001", mx_labels="symbols")
    assert_clean(at)
    assert at.number_input(key="mx_h").disabled
    assert "4 \\times 16" in at.latex[0].value or "4×16" in text_of(at) or "{4 \\times 16}" in at.latex[0].value
    typo = " ".join(i.value for i in at.info)
    assert "From the course notes.** Note 001's matrix" in typo and "are **0, 0, 0**" in typo
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
    from convviz.lessons.convolution_matrix import circulant_arrays

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


# --- Note 001's ISTA step and the course-note callouts ---------------------------------------------


def notes(at):
    return [i.value for i in at.info if i.value.startswith("**From the course notes.**")]


def ista_line(at):
    return next(m.value for m in at.markdown if m.value.startswith("- Residual"))


def test_ista_section_default_numbers_come_from_the_run():
    from convviz.ista import dictionary_matrix, example_problem, run_ista

    at = page()
    assert_clean(at)
    assert "A CNN layer is one ISTA step (note 001)" in [h.value for h in at.header]
    phi, _, y = example_problem(2, 3, 16, 0)
    run = run_ista(y, dictionary_matrix(phi, 16), 0.1, 20)
    line = ista_line(at)
    assert f"**{run.residual[0]:.4g}** (c = 0) → **{run.residual[1]:.4g}** after one step → **{run.residual[-1]:.4g}** " \
           f"after 20" in line
    assert run.residual[-1] < 0.5 * run.residual[0]                          # the residual falls on this example
    gaps = [float(part.split("**")[0]) for part in line.split("form: ")[1].split(" **")[1:]]
    assert len(gaps) == 4 and max(gaps) < 1e-12                              # layer, torch conv layer, torch, autograd
    body = text_of(at)
    assert f"η = 1/L = **{run.eta:.6g}**" in body and f"−ηλ = **{-run.eta * 0.1:.4g}**" in body


def test_ista_controls_in_the_link_and_bad_values():
    from convviz.ista import dictionary_matrix, example_problem, run_ista

    at = page(ista_k="1", ista_m="5", ista_n="10", ista_steps="7", ista_lambda="0.5", ista_seed="3")
    assert_clean(at)
    phi, _, y = example_problem(1, 5, 10, 3)
    run = run_ista(y, dictionary_matrix(phi, 10), 0.5, 7)
    assert f"**{run.residual[-1]:.4g}** after 7; objective **{run.objective[0]:.4g}** → **{run.objective[-1]:.4g}**" \
        in ista_line(at)
    at = page(ista_lambda="abc", ista_steps="0", ista_k="9")
    assert_clean(at)
    warnings = " ".join(w.value for w in at.warning)
    for needle in ["ista_lambda='abc' is not a number", "ista_steps='0' is outside", "ista_k='9' is outside"]:
        assert needle in warnings, needle
    assert "after 20" in ista_line(at)                                        # the defaults replace them


def test_first_step_callout_states_the_scaling():
    from convviz.ista import dictionary_matrix, example_problem, first_step_scaling_gap, lipschitz_constant

    at = page()
    phi, _, y = example_problem(2, 3, 16, 0)
    a = dictionary_matrix(phi, 16)
    wrong, _ = first_step_scaling_gap(y, a, 0.1, 1 / lipschitz_constant(a))
    callout = next(n for n in notes(at) if "S⁺_ηλ(ηz) = η·S⁺_λ(z)" in n)
    assert f"differ by up to **{wrong:.4g}**" in callout and wrong > 0.1


def test_block_diagonal_callout_is_computed():
    at = page(mx_preset="note001")
    callout = next(n for n in notes(at) if "block diagonal structure" in n)
    assert "doubly block Toeplitz = **True**, block diagonal = **False**" in callout
    at = page(mx_kh="1", mx_s="1")                                            # a kernel one row tall is block diagonal
    callout = next(n for n in notes(at) if "block diagonal structure" in n)
    assert "doubly block Toeplitz = **True**, block diagonal = **True**" in callout
    at = page(mx_s="2", mx_h="6", mx_w="6")
    callout = next(n for n in notes(at) if "block diagonal structure" in n)
    assert "doubly block Toeplitz = **False**" in callout and "stride 2" in callout


def test_cnn_preset_shows_note004_bias_and_padding():
    at = page(mx_preset="cnn")
    assert_clean(at)
    callout = next(n for n in notes(at) if "Note 004" in n)
    assert "(1 + 2·3·3)·2 = **38** is `nn.Conv2d`'s (38)" in callout           # one bias per output channel
    assert "would make 44" in callout                                        # 36 weights + 2·2·2 per-cell biases
    assert "*same* padding (4×4 out)" in callout and "gives 6×6" in callout
    assert "**36** distinct weights appear in A, plus 2 biases" in text_of(at)
    assert not any("Note 004" in n for n in notes(page()))                   # one channel: no CNN-layer view


def test_note002_star_callout_with_the_notes_example():
    at = page()
    callout = next(n for n in notes(at) if "Note 002" in n)
    assert "[[3, 7, 9, 4], [7, 0, 5, 6], [0, 8, 3, 3], [5, 5, 2, 1]]" in callout and "(max difference 0)" in callout


# --- The settings objects (convviz.lessons.convolution_matrix) ------------------------------------


def test_matrix_settings_say_why_they_cannot_be_made():
    import pytest

    from convviz.lessons.convolution_matrix import MatrixSettings

    with pytest.raises(ValueError, match="no window fits"):
        MatrixSettings(h=2, kh=5)
    with pytest.raises(ValueError, match="is a 3×3 kernel; set the kernel size to 3×3"):
        MatrixSettings(kernel="sobel_x", kh=5)
    with pytest.raises(ValueError, match="Unknown preset 'bogus'"):
        MatrixSettings(preset="bogus")
    too_big = MatrixSettings(c=3, c_out=3, h=32, w=32, padding=4)          # made: the sizes are counted, not built
    with pytest.raises(ValueError, match="this page builds at most 1,048,576"):
        too_big.check_buildable()


def test_a_preset_sets_the_sizes():
    settings = MatrixSettings.from_controls(preset="note001", c=3, c_out=2, h=30, w=9, kh=1, kw=1, stride=4,
                                            padding=2, dilation=3)
    assert (settings.c, settings.h, settings.w, settings.kh, settings.stride, settings.padding) == (1, 4, 4, 3, 1, 0)
    assert settings.matrix_shape == (4, 16) and settings.fixed


def test_settings_are_hashable_cache_keys():
    import streamlit as st

    from convviz.lessons.convolution_matrix import CirculantSettings, IstaSettings

    calls = []

    @st.cache_data
    def build(settings):
        calls.append(settings)
        return settings.matrix_shape

    for _ in range(2):
        assert build(MatrixSettings(h=6, w=5, padding=1)) == (30, 30)
    assert len(calls) == 1                                                  # equal settings, one cache entry
    build(MatrixSettings(h=6, w=5, padding=1, stride=2))
    assert len(calls) == 2
    spelled_out = MatrixSettings(labels="values", dilation=1, padding=0, stride=1, kw=3, kh=3, w=4, h=4, c_out=1, c=1,
                                 seed=0, kernel="random", pattern="random", preset="none")   # every default, reversed
    assert spelled_out == MatrixSettings() and hash(spelled_out) == hash(MatrixSettings())
    assert len({MatrixSettings(), spelled_out, MatrixSettings(labels="symbols"), MatrixSettings(seed=1)}) == 3
    assert MatrixSettings(labels="symbols") != MatrixSettings()
    assert hash(CirculantSettings.clamped(4, 7, 0)) == hash(CirculantSettings(4, 4, 0))
    assert CirculantSettings.clamped(4, 7, 0) != CirculantSettings(4, 3, 0)
    assert {IstaSettings(), IstaSettings(2, 3, 16, 20, 0.1, 0)} == {IstaSettings()}          # positional = keywords
    assert len({IstaSettings(), IstaSettings(lam=0.2), IstaSettings(seed=1)}) == 3


def test_circulant_and_ista_settings_validate():
    import pytest

    from convviz.lessons.convolution_matrix import CirculantSettings, IstaSettings

    with pytest.raises(ValueError, match="The kernel has 5 taps but the signal only 3"):
        CirculantSettings(3, 5, 0)
    with pytest.raises(ValueError, match="λ must be a number ≥ 0 \\(got -1"):
        IstaSettings(lam=-1)
    with pytest.raises(ValueError, match="The codes. length N must be a whole number ≥ 1"):
        IstaSettings(n=0)
