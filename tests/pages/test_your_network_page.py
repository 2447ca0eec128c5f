"""AppTest for the "Your network" page (issue 35): the default view, every preset, hostile and broken text
(a message, never an exception, nothing run), the text's round trip through the link, the exercise."""

from pathlib import Path

import pytest

from convviz.architecture import PRESETS, analyse
from convviz.lessons.your_network import DEFAULT_PRESET, PRESET_NAMES, decode_text, encode_text
from tests.support import assert_clean, open_page, text_of

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/your_network.py"


def table(at):
    return at.table[0].value


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def test_default_view_is_the_tiny_vgg_checked_by_torch():
    at = assert_clean(open_page(PAGE))
    assert not at.error and not at.warning
    assert [at.number_input(key=key).value for key in "chw"] == [3, 64, 64]      # the input Tiny VGG was made for
    rows = analyse(PRESETS[DEFAULT_PRESET], (3, 64, 64))
    frame = table(at)
    assert len(frame) == len(rows) + 1                                    # the input, then one row per layer
    assert list(frame["layer"])[1:] == [r["name"] for r in rows]
    assert list(frame["r"])[1:] == [str(r["r"]) for r in rows] and list(frame["j"])[-1] == str(rows[-1]["j"])
    assert list(frame["output C×H×W"])[-1] == "10×13×13"            # 64 → 62 → 60 → 30 → 28 → 26 → 13
    assert "✓ matches PyTorch" in captions(at) and "all 10 layers" in captions(at)
    assert "**3,010 (3.01 k) parameters**" in text_of(at)
    assert "net" not in at.query_params                                   # the preset's own text stays out of the link
    assert at.text_area(key="net_text").value == PRESETS[DEFAULT_PRESET]
    assert len(at.get("plotly_chart")) == 1                                # the field on the photo


@pytest.mark.parametrize("preset", sorted(PRESET_NAMES))
def test_every_preset(preset):
    at = assert_clean(open_page(PAGE, preset=preset))
    assert not at.error
    rows = analyse(PRESETS[preset], (3, 224, 224))
    assert len(table(at)) == len(rows) + 1
    assert list(table(at)["r"])[-1] == f"{rows[-1]['r']:g}"
    assert "✓ matches PyTorch" in captions(at)
    if preset == "vgg16":
        assert (list(table(at)["r"])[-1], list(table(at)["j"])[-1]) == ("212", "32")


def test_choosing_a_preset_loads_its_text():
    at = assert_clean(open_page(PAGE))
    at.selectbox(key="preset").set_value("alexnet").run()
    assert_clean(at)
    assert at.text_area(key="net_text").value == PRESETS["alexnet"]
    assert list(table(at)["r"])[-1] == "195" and "net" not in at.query_params
    assert [at.number_input(key=key).value for key in "chw"] == [3, 224, 224]    # and the input it was made for
    assert not {"c", "h", "w"} & set(at.query_params)                          # the preset's own input: not in the link
    assert list(table(at)["output C×H×W"])[-1] == "256×6×6"                    # torchvision's AlexNet features


HOSTILE = ["__import__('pathlib').Path({m!r}).write_text('ran')",
           "nn.Sequential(nn.Conv2d(3, 8, open({m!r}, 'w').write('x')))",
           "(lambda: open({m!r}, 'w'))()",
           "nn.Sequential(" * 60 + ")" * 60,
           "nn.Sequential(nn.Conv2d(3, 8, 10 ** 10 ** 10))"]


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_text_shows_a_message_and_runs_nothing(template, tmp_path):
    marker = tmp_path / "MARKER"
    text = template.format(m=str(marker))
    at = assert_clean(open_page(PAGE))
    at.text_area(key="net_text").set_value(text).run()
    assert_clean(at)
    assert at.error and not at.table
    assert "line" in at.error[0].value or "deep" in at.error[0].value
    assert decode_text(at.query_params["net"][0] if isinstance(at.query_params["net"], list)
                       else at.query_params["net"]) == text                 # the link keeps what was typed
    at2 = assert_clean(open_page(PAGE, net=encode_text(text)))             # and a link with it: the same message
    assert at2.error and at2.error[0].value == at.error[0].value
    assert not marker.exists()


def _net(at) -> str:
    value = at.query_params["net"]
    return value[0] if isinstance(value, list) else value


def test_the_text_round_trips_through_the_link():
    text = "net = nn.Sequential(\n    nn.Conv2d(3, 8, 5, stride=2),\n    nn.ReLU(),\n    nn.MaxPool2d(3, 2),\n)"
    at = assert_clean(open_page(PAGE))
    at.text_area(key="net_text").set_value(text).run()
    assert_clean(at)
    token = _net(at)
    assert decode_text(token) == text and len(token) < len(text) * 2
    again = assert_clean(open_page(PAGE, net=token, h="64", w="64"))
    assert again.text_area(key="net_text").value == text
    rows = analyse(text, (3, 64, 64))
    assert list(table(again)["output C×H×W"])[1:] == ["×".join(map(str, r["out_shape"])) for r in rows]
    assert list(table(again)["r"])[-1] == str(rows[-1]["r"]) == "9"                  # 5 + (3 − 1)·2


def test_a_broken_link_says_so_and_shows_the_preset():
    at = assert_clean(open_page(PAGE, net="not*base64!"))
    assert at.warning and "Showing the preset instead" in at.warning[0].value
    assert at.text_area(key="net_text").value == PRESETS[DEFAULT_PRESET]
    bomb = encode_text("x" * 10 ** 6)                                      # inflates past the text's limit
    at = assert_clean(open_page(PAGE, net=bomb))
    assert at.warning and "longer than" in at.warning[0].value


def test_a_shape_error_names_the_arithmetic():
    at = assert_clean(open_page(PAGE, preset="vgg16", h="8", w="8"))
    assert at.error and "Along the height: The kernel spans 2 cells" in at.error[0].value
    assert "line " in at.error[0].value


def test_the_exercise_checks_r_after_layer_k():
    at = assert_clean(open_page(PAGE, ex_k="6"))
    rows = analyse(PRESETS[DEFAULT_PRESET], (3, 224, 224))
    assert "What is r after layer 6" in text_of(at)
    at.text_input[0].input(str(rows[5]["r"]))
    at.button(key="net_check").click().run()
    assert_clean(at)
    assert at.success and "Right" in at.success[0].value and f"**{rows[5]['r']}**" in at.success[0].value
    at.text_input[0].input("1")
    at.button(key="net_check").click().run()
    assert at.error and "Not quite" in at.error[0].value


def test_a_shorter_network_moves_the_exercise_back_in_range():
    at = assert_clean(open_page(PAGE, preset="vgg16", ex_k="31"))
    assert "What is r after layer 31 (30 MaxPool2d)" in text_of(at)
    at.selectbox(key="preset").set_value("tiny_vgg").run()
    assert_clean(at)
    assert "What is r after layer 6" in text_of(at) and at.query_params.get("ex_k") is None
