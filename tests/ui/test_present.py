"""Presentation mode on every lesson (AppTest): the switch follows the link (present=1 or true),
code blocks and long expanders are left out while presenting and are back without it, and the
step views keep their step, exports and autoplay. The CSS and sidebar are checked in
tests/browser/test_lecturer_browser.py, which AppTest cannot see.
"""

from pathlib import Path

import pytest

from convviz.ui.widgets.layout import LESSONS
from tests.support import open_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = [f"pages/{lesson.page}" for lesson in LESSONS if lesson.available]
STAGE_VIEWS = {"pages/transposed_convolution.py": ("tc_step", "tc_stage")}   # client-side stages (convviz.ui.stage)
# expanders that stay while presenting: Exercise 7.1 is a worked example a lecturer shows
KEPT_EXPANDERS = {"pages/convolution.py": 1, "pages/transposed_convolution.py": 1,   # Exercise 7.1; note 000's kernels
                  "pages/denoising.py": 1, "pages/super_resolution.py": 1}         # About the model
RESTORATION = {"pages/denoising.py", "pages/super_resolution.py"}                  # no exercise section
# lessons whose settings box folds into a "Settings" expander (the restoration pages too, upload included: issue 24)
SETTINGS_FOLDED = {f"pages/{name}.py" for name in ["convolution", "receptive_fields", "transposed_convolution",
                                                   "convolution_matrix", "batch_normalization", "denoising",
                                                   "super_resolution"]}


def page(path, **query):
    return open_page(path, **query)


@pytest.mark.parametrize("path", PAGES)
def test_default_view_has_the_switch_off_and_the_study_material(path):
    at = page(path)
    assert not at.exception, [e.value for e in at.exception]
    assert at.toggle(key="present").value is False
    assert "present" not in at.query_params
    assert at.button(key="share_view").label == "Share this view"


@pytest.mark.parametrize("value", ["1", "true", "True"])
@pytest.mark.parametrize("path", PAGES)
def test_present_link_turns_presentation_mode_on(path, value):
    at = page(path, present=value)
    assert not at.exception, [e.value for e in at.exception]
    assert at.toggle(key="present").value is True
    assert at.query_params["present"] == "true"
    assert len(at.code) == 0, "code blocks are left out while presenting"
    settings = [e for e in at.expander if e.label == "Settings"]
    assert len(settings) == (path in SETTINGS_FOLDED), "a lesson's settings fold away while presenting"
    exercise = [e for e in at.expander if e.label == "Exercise"]          # issue 25's section, folded
    assert len(exercise) == (path not in RESTORATION)
    assert len(at.expander) - len(settings) - len(exercise) == KEPT_EXPANDERS.get(path, 0)
    assert not any("present" in w.value for w in at.warning)


@pytest.mark.parametrize("path", ["pages/convolution.py", "pages/convolution_zoo.py", "pages/batch_normalization.py"])
def test_switching_off_brings_the_code_back(path):
    at = page(path, present="1")
    at.toggle(key="present").set_value(False).run()
    assert not at.exception
    assert "present" not in at.query_params
    assert len(at.code) > 0


def test_a_bad_present_value_says_so_and_stays_off():
    at = page("pages/convolution.py", present="maybe")
    assert at.toggle(key="present").value is False
    assert any("present='maybe'" in w.value for w in at.warning)


@pytest.mark.parametrize("path, keys", STAGE_VIEWS.items())
def test_stage_views_keep_step_speed_and_exports_while_presenting(path, keys):
    """The transposed scatter is a client-side stage: step and speed from the link, the exports stay, and a
    step (or speed) the browser sends goes into the link."""
    import json

    key, stage_key = keys
    at = page(path, present="1", speed="fast", **{key: "2"})
    data = lambda: json.loads(next(e.proto.json for e in at.get("bidi_component") if e.key == stage_key))
    assert data()["step"] == 2 and data()["speed"] == "fast"
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("PNG" in label for label in labels) and any("GIF" in label for label in labels)
    assert any(".py" in label for label in labels)
    at.session_state[stage_key] = {"step": 3, "speed": "slow"}
    at.run()
    assert at.query_params[key] == "3" and at.query_params["speed"] == "slow"
    assert data()["step"] == 3 and data()["speed"] == "slow" and at.query_params["present"] == "true"


def test_the_convolution_stage_keeps_step_speed_and_exports_while_presenting():
    """The sliding window is the client-side stage (convviz.ui.stage): its step and speed come from the
    link, the exports stay, and a step (or speed) the browser sends goes into the link."""
    import json

    at = page("pages/convolution.py", present="1", pos="2", speed="fast")
    data = lambda: json.loads(next(e.proto.json for e in at.get("bidi_component") if e.key == "conv_stage"))
    assert data()["step"] == 2 and data()["speed"] == "fast"
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("PNG" in label for label in labels) and any("GIF" in label for label in labels)
    assert any(".py" in label for label in labels)
    at.session_state["conv_stage"] = {"step": 3, "speed": "slow"}      # what the browser sends after a step
    at.run()
    assert at.query_params["pos"] == "3" and at.query_params["speed"] == "slow"
    assert data()["step"] == 3 and data()["speed"] == "slow" and at.query_params["present"] == "true"
    assert any("Output cell (1, 0)" in m.value for m in at.markdown)


def test_receptive_field_growth_steps_through_the_layers():
    """The field grows on the stage: a layer the browser sends moves `layer` (and the unit it shows) in the link."""
    import json

    at = page("pages/receptive_fields.py", present="1", preset="note002", layer="1")
    data = lambda: json.loads(next(e.proto.json for e in at.get("bidi_component") if e.key == "rf_stage"))
    assert at.selectbox(key="layer").value == "1" and data()["step"] == 0
    at.session_state["rf_stage"] = {"step": 1, "speed": "normal"}      # ▶ in the browser: layer 2, the last
    at.run()
    assert at.selectbox(key="layer").value == "last" and "layer" not in at.query_params
    at.session_state["rf_stage"] = {"step": 0, "speed": "normal"}      # ◀ back to the first layer
    at.run()
    assert at.selectbox(key="layer").value == "1" and at.query_params["layer"] == "1"
    assert data()["step"] == 0 and len(data()["scene"]["steps"]) == 2
    assert not at.exception


def test_share_dialog_holds_the_link_with_every_parameter():
    at = page("pages/convolution.py", present="1", pos="3")
    at.button(key="share_view").click().run()
    links = [c.value for c in at.code if c.value.startswith("http")]
    assert links == ["http://localhost:8501/?present=true&pos=3"]


@pytest.mark.parametrize("path", PAGES)
def test_every_figure_is_enlarged_while_presenting_and_exports_a_sharp_png(path):
    """Every plotly figure on the page goes through convviz.ui.widgets.present.chart: black, larger text
    while presenting; the modebar camera gives a 2× PNG named after the figure, in both modes."""
    import json

    presenting_at, plain_at = page(path, present="1"), page(path)
    shown = [json.loads(c.proto.spec)["layout"].get("font", {}) for c in presenting_at.get("plotly_chart")]
    plain = [json.loads(c.proto.spec)["layout"].get("font", {}) for c in plain_at.get("plotly_chart")]
    assert shown and len(shown) == len(plain)
    for big, small in zip(shown, plain):
        assert big["color"] == "#000000"
        assert big["size"] > small.get("size", 12)
    for c in presenting_at.get("plotly_chart") + plain_at.get("plotly_chart"):
        options = json.loads(c.proto.config)["toImageButtonOptions"]
        assert options["format"] == "png" and options["scale"] == 2 and options["filename"]


@pytest.mark.parametrize("path, stem", [("pages/batch_normalization.py", "batch_norm_running_statistics"),
                                        ("pages/convolution_matrix.py", "conv_matrix"),
                                        ("pages/convolution_zoo.py", "depthwise_separable_cost"),
                                        ("pages/transposed_convolution.py", "upsample")])
def test_the_code_is_a_download_while_presenting(path, stem):
    """Code blocks are hidden on a projector; the same code stays one click away as a .py file."""
    at = page(path, present="1")
    assert not at.exception
    button = [b.proto for b in at.get("download_button") if b.proto.id.endswith(f"-{stem}_code")]
    assert len(button) == 1 and button[0].label == "PyTorch code, .py" and button[0].url.endswith(".py")


def test_a_bad_value_in_a_presentation_link_is_announced_above_the_folded_settings():
    at = page("pages/convolution.py", present="1", sh="abc")
    assert not at.exception
    assert at.number_input(key="sh").value == 1                       # the default, kept
    assert any("The link's sh=" in w.value for w in at.warning)       # its own message, inside Settings
    assert any("1 setting(s) in this link could not be used" in w.value for w in at.warning)
    clean = page("pages/convolution.py", present="1")
    assert not any("could not be used" in w.value for w in clean.warning)
