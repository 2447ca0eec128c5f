"""AppTest for every page: default state, changed widgets, bad URL values. No exception, ever."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from convviz.conv import cross_correlate2d
from convviz.lessons.shared.examples import CONV_PRESETS, input_values, kernel_values
from convviz.ui.widgets.layout import LESSONS
from tests.support import assert_clean, open_page, set_numbers, text_of

ROOT = Path(__file__).resolve().parents[2]
PAGES = [f"pages/{lesson.page}" for lesson in LESSONS if lesson.available]
CONV = "pages/convolution.py"


def page(path, **query):
    return open_page(path, **query)


def stage_data(at, key="conv_stage") -> dict:
    """What the page sent to the stage (convviz.ui.stage): {"scene", "step", "speed"}."""
    proto = next(e.proto for e in at.get("bidi_component") if e.key == key)
    return json.loads(proto.json if proto.WhichOneof("data") == "json" else proto.mixed.json)


def stage_sends(at, step, key="conv_stage"):
    """The stage's browser side sending `step` (after a click, key, drag or autoplay tick); reruns."""
    at.session_state[key] = {"step": step}
    return at.run()


def test_home_lists_every_lesson_and_the_device():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert_clean(at)
    body = "\n".join(m.value for m in at.markdown) + "\n".join(link.proto.label for link in at.get("page_link"))
    for lesson in LESSONS:
        assert lesson.title in body
    assert "Compute device" in body
    at.button(key="share_view").click().run()             # the home page's link and QR code
    assert_clean(at)
    assert any("localhost:8501" in c.value for c in at.code)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_from_the_navigation(path):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(path).run()
    assert_clean(at)
    assert not at.error


def test_convolution_default_view_numbers():
    at = page(CONV)
    assert_clean(at)
    assert not at.error
    x, w = input_values("random", 1, 5, 5, 0), kernel_values("random", 1, 3, 3, 0)
    y = cross_correlate2d(x, w)
    assert f"y[0, 0] = {y[0, 0]:g}" in text_of(at)
    # The printed output under the code is the whole output.
    assert at.code[-1].value == repr(y.tolist())
    checks = [c.value for c in at.caption if "PyTorch" in c.value]          # one quiet line per torch check
    assert "✓ matches PyTorch exactly (max |difference| 0): the output above against F.conv2d (float64)" in checks
    assert any(c.startswith("✓ matches PyTorch") and "torch.flip" in c for c in checks)
    assert any(c.startswith("✓ matches PyTorch") and "autograd" in c for c in checks)
    assert not [c for c in checks if not c.startswith("✓")]


def test_changing_controls_changes_the_numbers():
    at = page(CONV)
    set_numbers(at, sh=2, ph=1, b=3.0)                  # the bar's Stride and Padding: both axes (square)
    assert_clean(at)
    x, w = input_values("random", 1, 5, 5, 0), kernel_values("random", 1, 3, 3, 0)
    y = cross_correlate2d(x, w, 3.0, stride=(2, 2), padding=(1, 1))
    assert at.code[-1].value == repr(y.tolist())
    assert (at.query_params["sh"], at.query_params["sw"], at.query_params["ph"], at.query_params["pw"]) == ("2",) * 2 + ("1",) * 2
    assert stage_data(at)["step"] == 0 and len(stage_data(at)["scene"]["steps"]) == y.size
    stage_sends(at, 4)
    i, j = divmod(4, y.shape[1])
    assert f"y[{i}, {j}] = {y[i, j]:g}" in text_of(at)
    assert at.query_params["pos"] == "4" and stage_data(at)["step"] == 4
    stage_sends(at, 5)
    i, j = divmod(5, y.shape[1])
    assert f"y[{i}, {j}] = {y[i, j]:g}" in text_of(at)
    assert at.query_params["pos"] == "5"
    stage_sends(at, 99)                                    # a step the view does not have changes nothing
    assert at.query_params["pos"] == "5" and not at.exception


def test_convolution_toggle_flips_the_kernel():
    at = page(CONV, op="conv", kernel="sobel_x", input="edge")
    assert_clean(at)
    assert "torch.flip" in at.code[0].value
    assert "differ in" in text_of(at)


def test_url_reopens_the_same_view():
    query = dict(c="2", h="7", w="6", kh="2", kw="3", sh="2", sw="1", ph="1", pw="0", dh="1", dw="2", seed="5", b="-1.5", pos="3")
    at = page(CONV, **query)
    assert_clean(at)
    for key in ["c", "h", "w", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "seed"]:
        assert at.number_input(key=key).value == int(query[key])
    assert stage_data(at)["step"] == 3 and at.query_params["pos"] == "3"
    x, w = input_values("random", 2, 7, 6, 5), kernel_values("random", 2, 2, 3, 5)
    y = cross_correlate2d(x, w, -1.5, (2, 1), (1, 0), (1, 2))
    assert at.code[-1].value == repr(y.tolist())


@pytest.mark.parametrize("query, words", [
    (dict(kh="-1"), "kh='-1' is outside"),
    (dict(sh="abc"), "sh='abc' is not a number"),
    (dict(h="7.5"), "not a whole number"),
    (dict(op="sideways"), "not one of"),
    (dict(w="nan"), "is not a whole number"),
    (dict(b="1e999"), "outside"),
    (dict(pos="999"), "pos='999' is outside"),
])
def test_bad_url_values_get_a_message_and_the_page_works(query, words):
    at = page(CONV, **query)
    assert_clean(at)
    warnings = " ".join(w.value for w in at.warning)
    assert words in warnings
    assert at.code, "the rest of the page (code and output) is still shown"


def test_impossible_settings_keep_the_rest_of_the_page():
    at = page(CONV, h="2", kh="5", filter="laplacian")
    assert_clean(at)
    assert "no window fits" in " ".join(e.value for e in at.error)
    assert at.number_input(key="h").value == 2 and at.number_input(key="kh").value == 5   # nothing entered is lost
    assert at.selectbox(key="filter").value == "laplacian"
    assert len(at.get("plotly_chart")) >= 3          # the worked example and the filter section still draw


def test_named_filter_with_the_wrong_size_says_why():
    at = page(CONV, kernel="sobel_x", kh="5")
    assert_clean(at)
    assert "set the kernel size to 3×3" in " ".join(e.value for e in at.error)


def test_exercise_7_1_preset():
    at = page(CONV, preset="ex71")
    assert_clean(at)
    expected = [[0.0, 5.0, 8.0, -1.0], [6.0, 10.0, 1.0, 5.0], [4.0, -7.0, 2.0, 11.0], [-1.0, 1.0, 11.0, 3.0]]
    assert at.code[-1].value == repr(expected)
    warnings = " ".join(w.value for w in at.warning)
    assert "printed as 11" in warnings and "**1**" in warnings
    assert at.number_input(key="h").disabled


@pytest.mark.parametrize("preset", list(CONV_PRESETS))
def test_a_preset_shows_its_own_values_in_the_greyed_controls(preset):
    """Issue 24: under a preset the greyed boxes show the preset's C, H, W, kernel size, stride, padding and bias,
    not the defaults, nor what the link said before the preset took over."""
    example = CONV_PRESETS[preset]
    at = page(CONV, preset=preset, c="2", h="9", kh="5", kw="5", ph="3", pw="3", b="7")   # square: one bar
    assert_clean(at)
    c, h, w = example.x.shape
    k = example.w.shape[-1]
    want = dict(c=c, h=h, w=w, kh=k, sh=example.stride, ph=example.padding, dh=1, b=example.bias)
    shown = {key: at.number_input(key=key) for key in want}
    assert {key: box.value for key, box in shown.items()} == want
    assert all(box.disabled for box in shown.values())
    assert at.number_input(key="kh").label == "Kernel size"              # the bar, square: both axes
    at.selectbox(key="preset").set_value("none").run()                   # own settings: the preset's values to start from
    assert_clean(at)
    assert not at.number_input(key="kh").disabled and at.number_input(key="kh").value == k
    assert at.query_params.get("kh") == (None if k == 3 else str(k))      # and into the link (3, the default: left out)


def test_square_by_default_and_an_old_per_axis_link_opens_per_axis():
    at = page(CONV)
    assert not at.toggle(key="per_axis").value
    assert "sw" not in {box.key for box in at.number_input}             # no width boxes while square
    at.number_input(key="kh").set_value(5).run()                         # the bar's Kernel size: a 5×5 kernel
    assert at.query_params["kh"] == at.query_params["kw"] == "5"         # the width follows, in the link too
    x, w = input_values("random", 1, 5, 5, 0), kernel_values("random", 1, 5, 5, 0)
    assert at.code[-1].value == repr(cross_correlate2d(x, w).tolist())
    at.toggle(key="per_axis").set_value(True).run()                      # per axis: the width boxes appear
    assert at.number_input(key="kw").value == 5 and at.number_input(key="kh").label == "Kernel height"
    at = page(CONV, h="6", sh="2", ph="1")          # the README's odd case: sw and pw stay at their defaults
    assert_clean(at)
    assert at.toggle(key="per_axis").value
    assert (at.number_input(key="sw").value, at.number_input(key="pw").value) == (1, 0)
    x, w = input_values("random", 1, 6, 5, 0), kernel_values("random", 1, 3, 3, 0)
    assert at.code[-1].value == repr(cross_correlate2d(x, w, stride=(2, 1), padding=(1, 0)).tolist())


def test_large_multichannel_dilated_view():
    at = page(CONV, c="3", h="32", w="31", kh="3", kw="5", dh="2", dw="3", ph="2", pw="4", op="conv", pos="50")
    assert_clean(at)
    assert not at.error


@pytest.mark.parametrize("name", ["box3", "mean5", "gaussian5", "sharpen", "sobel_y", "laplacian", "centre5", "original5"])
def test_every_classic_filter(name):
    at = page(CONV)
    at.selectbox(key="filter").set_value(name).run()
    assert_clean(at)


def checked_gap(at, what: str) -> float:
    """The gap on the quiet torch-check line that names `what` ("✓ matches PyTorch (max |difference| 2.2e-16): …")."""
    line = next(c.value for c in at.caption if "max |difference|" in c.value and what in c.value)
    assert line.startswith("✓ matches PyTorch"), line
    return float(line.split("max |difference| ")[1].split(")")[0])


def autograd_gap(at) -> float:
    return checked_gap(at, "against autograd")


def test_backward_pass_section_default_and_changed():
    """Note 003's backward pass: δ = 1 gives ∂L/∂b = number of outputs; every setting agrees with autograd."""
    at = page(CONV)
    assert_clean(at)
    assert "∂L/∂b = Σ δ = **9**" in text_of(at)
    assert autograd_gap(at) < 1e-10
    at.number_input(key="sh").set_value(2).run()                           # stride 2 (both axes): 2×2 = 4 outputs
    assert_clean(at)
    assert "∂L/∂b = Σ δ = **4**" in text_of(at) and autograd_gap(at) < 1e-10
    at = page(CONV, grad="random", op="conv", sh="2")                       # segmented controls: set by the link
    assert_clean(at)
    assert autograd_gap(at) < 1e-10 and "∂L/∂b = Σ δ = **6**" not in text_of(at)
    at = page(CONV, c="3", h="9", w="8", kh="2", kw="4", sh="3", sw="2", ph="1", dh="2", grad="random", seed="4")
    assert_clean(at)
    assert autograd_gap(at) < 1e-10


@pytest.mark.parametrize("preset, output", [
    ("note002_flip", [[3.0, 7.0, 9.0, 4.0], [7.0, 0.0, 5.0, 6.0], [0.0, 8.0, 3.0, 3.0], [5.0, 5.0, 2.0, 1.0]]),
    ("note002_laplacian", [[-2.0, -1.0, -2.0], [-1.0, 0.0, -1.0], [-2.0, -1.0, -2.0]]),
])
def test_note_002_presets(preset, output):
    at = page(CONV, preset=preset)
    assert_clean(at)
    assert at.code[-1].value == repr(output)
    assert "Note 002" in " ".join(i.value for i in at.info)
    assert at.number_input(key="h").disabled
    at = page(CONV, preset=preset, op="conv")
    assert_clean(at)
    if preset == "note002_flip":                                  # 180°-symmetric kernel: the same numbers
        assert at.code[-1].value == repr(output)


def test_backward_sentences_follow_the_operation():
    """The Backward pass sentences name the selected forward pass and the gradients they state match autograd."""
    at = page(CONV, grad="random")
    assert_clean(at)
    body = text_of(at)
    assert "cross-correlation y = w ⋆ x" in body and "**convolved with w**" in body and autograd_gap(at) < 1e-10
    assert "choose *True convolution* above" in " ".join(c.value for c in at.caption)
    at = page(CONV, grad="random", op="conv", sh="2", dw="2", h="8", w="9")
    assert_clean(at)
    body = text_of(at)
    assert "true convolution y = w * x" in body and "**cross-correlated with w as stored**" in body
    assert autograd_gap(at) < 1e-10
    caption = next(c.value for c in at.caption if c.value.startswith("Note 003"))
    assert "**z sliding over δ**" in caption and float(caption.split("= **")[1].split("**")[0]) < 1e-10
    at = page(CONV, grad="random", op="conv", seed="3")                    # stride 1: the other reading is shown too
    caption = next(c.value for c in at.caption if c.value.startswith("Note 003"))
    gaps = [float(part.split("**")[0]) for part in caption.split("= **")[1:]]
    assert gaps[0] < 1e-10 and gaps[1] > 0.1


def test_identity_check_and_constant_image_statement():
    at = page(CONV, kernel="sobel_x", input="edge", filter="box3")
    assert_clean(at)
    assert any(m.value.startswith("True convolution = cross-correlation") for m in at.markdown)
    assert checked_gap(at, "F.conv2d with torch.flip") < 1e-10
    assert "Entries sum to **1**" in text_of(at) and "gives **0.5**" in text_of(at)
    assert any(i.value.startswith("**From the course notes.** Note 004") for i in at.info)
    at = page(CONV, filter="original5")
    assert "Entries sum to **5**" in text_of(at) and "gives **2.5**" in text_of(at)


def test_the_forward_pass_is_computed_once_per_run(monkeypatch):
    """One ConvLayer, one cross-correlation and one true convolution per run, shared by every section."""
    import streamlit as st

    import convviz.lessons.convolution as lesson

    calls = []
    for name in ("cross_correlate2d", "convolve2d"):
        real = getattr(lesson, name)
        monkeypatch.setattr(lesson, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = page(CONV, seed="4321")
    assert_clean(at)
    assert sorted(calls) == ["convolve2d", "cross_correlate2d"]
    at.number_input(key="b").set_value(1.0).run()                      # a new layer: computed once more
    assert sorted(calls) == ["convolve2d", "convolve2d", "cross_correlate2d", "cross_correlate2d"]
    at.selectbox(key="filter").set_value("box3").run()                 # the same layer: the cached result
    assert len(calls) == 4


def test_home_words_pictures_and_start_here():
    """Issue 24: the denoiser is FFDNet-style, pooling is the zoo's, a picture per lesson, a start-here path."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert_clean(at)
    body = "\n".join(m.value for m in at.markdown)
    assert "FFDNet-style" in body and "DnCNN" not in body
    conv = next(lesson for lesson in LESSONS if lesson.title == "Convolution")
    zoo = next(lesson for lesson in LESSONS if lesson.title == "Convolution zoo")
    assert "pooling" not in conv.summary and "pooling" in zoo.summary
    assert len(at.get("image")) == sum(lesson.available for lesson in LESSONS)             # a picture per lesson
    assert "Start here" in [h.value for h in at.subheader]
    labels = [link.proto.label for link in at.get("page_link")]
    assert labels[:3] == ["1. Convolution →", "2. Receptive fields →", "3. Transposed convolution →"]
