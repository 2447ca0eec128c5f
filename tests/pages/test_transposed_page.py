"""AppTest for the transposed-convolution page: default view, changed controls, bad links. No exception, ever."""

from pathlib import Path

import pytest

from convviz.lessons.shared.examples import input_values, kernel_values
from convviz.transposed import conv_transpose2d
from convviz.upsample import upsample
from tests.support import assert_clean, open_page, open_with_bad_values, set_numbers, text_of

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages/transposed_convolution.py")


def page(**query):
    return open_page(PAGE, **query)


def default_arrays(seed=0, h=3, w=3, k=3):
    return input_values("random", 1, h, w, seed)[0], kernel_values("random", 1, k, k, seed)[0]


def transposed_output(at):
    """The output printed under the conv_transpose2d code."""
    i = next(n for n, c in enumerate(at.code) if "conv_transpose2d" in c.value)
    return at.code[i + 1].value


def test_default_view_numbers():
    at = page()
    assert_clean(at)
    assert not at.error
    x, w = default_arrays()
    y = conv_transpose2d(x, w, stride=2)
    assert transposed_output(at) == repr(y.tolist())
    body = text_of(at)
    assert "direct convolution: max |difference| = **0.0e+00**" in body          # scatter vs direct
    assert ("✓ matches PyTorch exactly (max |difference| 0): the output above against F.conv_transpose2d (float64)"
            in [c.value for c in at.caption])
    assert f"Input cell (0, 0)** = {x[0, 0]:g}" in body
    adjoint = [m.value for m in at.metric]
    assert adjoint[0] == adjoint[1]                                        # <conv(x), y> = <x, conv_transpose(y)>
    notes = " ".join(i.value for i in at.info)
    assert "starts the inner sum at j = 1" in notes                       # note 000's dropped lower bound
    assert "From the course notes" in notes and "(A^\\top y)_j" in notes     # and its i/j index typo
    # Note 000's bilinear example is the default of the upsampling section.
    assert at.code[-1].value == repr(upsample([[6, 8], [3, 4]], 2, "bilinear").tolist())
    assert "5.6875" in at.code[-1].value


def test_changing_controls_changes_the_numbers():
    at = page()
    set_numbers(at, tc_s=3, tc_p=1, tc_op=2)
    assert_clean(at)
    assert not at.error
    x, w = default_arrays()
    assert transposed_output(at) == repr(conv_transpose2d(x, w, stride=3, padding=1, output_padding=2).tolist())
    at.session_state["tc_stage"] = {"step": 4, "speed": "normal"}     # what the stage sends after a step
    at.run()
    assert f"Input cell (1, 1)** = {x[1, 1]:g}" in text_of(at) and at.query_params["tc_step"] == "4"
    at.session_state["tc_stage"] = {"step": 5, "speed": "normal"}     # ▶ in the browser
    at.run()
    assert f"Input cell (1, 2)** = {x[1, 2]:g}" in text_of(at) and at.query_params["tc_step"] == "5"
    at.selectbox(key="up_mode").set_value("nearest").run()
    assert at.code[-1].value == repr(upsample([[6, 8], [3, 4]], 2, "nearest").tolist())


def test_link_reopens_the_view():
    query = dict(tc_h="4", tc_w="2", tc_k="2", tc_s="3", tc_p="1", tc_op="1", tc_d="2", tc_seed="7",
                 up_scale="3", up_ac="true", cb_k="4", cb_s="2")
    at = page(**query)
    assert_clean(at)
    for key in ["tc_h", "tc_w", "tc_k", "tc_s", "tc_p", "tc_op", "tc_d", "tc_seed", "up_scale"]:
        assert at.number_input(key=key).value == int(query[key])
    assert (at.slider(key="cb_k").value, at.slider(key="cb_s").value) == (4, 2)
    x, w = default_arrays(seed=7, h=4, w=2, k=2)
    assert transposed_output(at) == repr(conv_transpose2d(x, w, stride=3, padding=1, output_padding=1, dilation=2).tolist())
    assert at.code[-1].value == repr(upsample([[6, 8], [3, 4]], 3, "bilinear", align_corners=True).tolist())
    assert "s = 2 divides k = 4" in text_of(at)


def test_note_000_preset():
    at = page(tc_preset="note000")
    assert_clean(at)
    assert transposed_output(at) == repr([[0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 2.0, 3.0], [0.0, 2.0, 0.0, 3.0], [4.0, 6.0, 6.0, 9.0]])
    assert at.number_input(key="tc_h").disabled


def test_note_000_preset_shows_its_own_values_in_the_greyed_controls():
    """Issue 24: the greyed boxes show note 000's sizes, not the defaults or the link's own values."""
    at = page(tc_preset="note000", tc_h="5", tc_k="4", tc_s="3", tc_p="1", tc_op="1", tc_d="2")
    assert_clean(at)
    want = dict(tc_h=2, tc_w=2, tc_k=2, tc_s=2, tc_p=0, tc_op=0, tc_d=1)
    assert {key: at.number_input(key=key).value for key in want} == want
    assert all(at.number_input(key=key).disabled for key in want)
    assert [at.number_input(key=key).label for key in ("tc_k", "tc_s", "tc_p", "tc_d", "tc_op")] == [
        "Kernel size", "Stride", "Padding", "Dilation", "Output padding"]


BAD_LINK = {          # one bad value per control: garbage, negatives, huge numbers, fractions, NaN
    "tc_h": ("abc", "tc_h='abc' is not a number"),
    "tc_k": ("-3", "tc_k='-3' is outside"),
    "tc_s": ("1e99", "tc_s='1e99' is outside"),
    "tc_p": ("999999999999", "tc_p='999999999999' is outside"),
    "tc_d": ("2.5", "tc_d='2.5' is not a whole number"),
    "tc_step": ("99", "tc_step='99' is outside"),
    "tc_input": ("sideways", "tc_input='sideways' is not one of"),
    "up_ac": ("maybe", "up_ac='maybe' is not true or false"),
    "cb_k": ("nan", "cb_k='nan' is not a whole number"),
    "up_scale": ("-2", "up_scale='-2' is outside"),
}


def test_bad_link_values_get_a_message_and_the_page_works():
    at = open_with_bad_values(page, BAD_LINK)
    assert not at.error
    warnings = " ".join(w.value for w in at.warning)
    shown = {key: at.number_input(key=key).value for key in ["tc_h", "tc_k", "tc_s", "tc_p", "tc_d"]}
    assert {key: shown[key] for key in ["tc_h", "tc_k", "tc_s", "tc_p"]} == dict(tc_h=3, tc_k=3, tc_s=2, tc_p=0)
    assert shown["tc_d"] in (1, 2)        # streamlit shows 2.5 as the default 1 or as 2; the message says which
    assert f"showing tc_d={shown['tc_d']} instead" in warnings
    x, w = default_arrays()
    assert transposed_output(at) == repr(conv_transpose2d(x, w, stride=2, dilation=shown["tc_d"]).tolist())


@pytest.mark.parametrize("query, words", [
    (dict(tc_op="2", tc_s="2"), "output_padding must be smaller than the stride or the dilation"),
    (dict(tc_op="3", tc_s="1", tc_d="3"), "output_padding must be smaller"),
    (dict(tc_h="1", tc_k="1", tc_p="4"), "The output would have"),
    (dict(tc_kernel="sobel_x", tc_k="5"), "set the kernel size to 3×3"),
])
def test_impossible_settings_say_why_and_keep_what_was_entered(query, words):
    at = page(**query, cb_k="4")
    assert_clean(at)
    assert words in " ".join(e.value for e in at.error)
    for key, value in query.items():                                          # nothing entered is lost
        widget = at.number_input(key=key) if key != "tc_kernel" else at.selectbox(key=key)
        assert str(widget.value) == value
    assert at.slider(key="cb_k").value == 4
    assert len(at.get("plotly_chart")) >= 6          # the 1-D matrix, checkerboard and upsampling sections still draw
    assert "No scatter view for these settings" in " ".join(e.value for e in at.error)   # in the figure's place


def test_output_padding_allowed_by_dilation():
    at = page(tc_op="2", tc_s="1", tc_d="3", tc_k="3", tc_p="2")
    assert_clean(at)
    assert not at.error
    x, w = default_arrays()
    assert transposed_output(at) == repr(conv_transpose2d(x, w, stride=1, padding=2, output_padding=2, dilation=3).tolist())
    assert "this check uses output_padding 0" in text_of(at)


def test_largest_view():
    at = page(tc_h="8", tc_w="8", tc_k="7", tc_s="4", tc_d="3", tc_p="6", tc_op="2", cb_k="7", cb_s="4", cb_n="8",
              up_scale="4", up_input="random", cb_input="smooth")
    assert_clean(at)
    assert not at.error


def test_channels_and_bias_section():
    """Note 000's formal definition: C_in × C_out kernels, a bias per output channel, checked twice."""
    from convviz.ui.cache.transposed_convolution import cached_channel_example

    at = page(tc_cin="3", tc_cout="2", tc_h="4", tc_w="2", tc_k="3", tc_seed="7")
    assert_clean(at)
    ex = cached_channel_example(3, 2, 4, 2, 3, 7)
    body = text_of(at)
    assert f"bias b = {ex['b'].astype(int).tolist()} → output 2×6×4." in body
    checks = [c.value for c in at.caption]
    assert ("✓ matches PyTorch exactly (max |difference| 0): these outputs against note 000's `trans_conv` loop, "
            "run as printed (torch, float64)") in checks
    assert "✓ matches PyTorch exactly (max |difference| 0): these outputs against F.conv_transpose2d (float64)" in checks
    at = page(tc_cin="9", tc_cout="abc")
    assert_clean(at)
    assert "tc_cin" in " ".join(w.value for w in at.warning)


def test_bed_of_nails_and_max_unpooling_section():
    at = page(up_scale="3")
    assert_clean(at)
    body = text_of(at)
    assert "go up by 3" in body
    checks = [c.value for c in at.caption]
    assert ("✓ matches PyTorch exactly (max |difference| 0): bed of nails against F.conv_transpose2d with the one-hot "
            "kernel") in checks
    assert ("✓ matches PyTorch exactly (max |difference| 0): max unpooling against F.max_pool2d(return_indices=True) then "
            "F.max_unpool2d") in checks


def test_the_layer_is_computed_once_per_setting(monkeypatch):
    """One TransposedLayer per run; its scatter, direct convolution, torch check and adjoint are computed once."""
    import streamlit as st

    import convviz.lessons.transposed_convolution as lesson

    calls = []
    real = lesson.transposed_result
    monkeypatch.setattr(lesson, "transposed_result", lambda layer: calls.append(layer) or real(layer))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = page(tc_seed="4321")
    assert_clean(at)
    assert len(calls) == 1 and calls[0].seed == 4321
    at.selectbox(key="up_mode").set_value("nearest").run()             # another section: the cached result
    assert len(calls) == 1
    at.number_input(key="tc_s").set_value(3).run()                     # a new layer: computed once more
    assert len(calls) == 2 and calls[1].s == 3
