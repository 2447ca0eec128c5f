"""The Exercise section on every lesson page (issue 25): Check, Hint, Reveal, Next, the score, the URL round trip.

AppTest does not model st.fragment (streamlit-notes §3): a click reruns the whole page here, which is
enough to test what the section shows and keeps."""

import json

import pytest

from convviz.exercises import TOPICS, generate, hint
from convviz.lessons.exercises import reveal_scene, size_reveal_scene
from convviz.ui.sections.exercises import answer_text
from tests.support import assert_clean, chart_specs, open_page, text_of

PAGE_TOPICS = {
    "pages/convolution.py": ["output_size", "output_value", "parameters"],
    "pages/transposed_convolution.py": ["transposed_output_size"],
    "pages/receptive_fields.py": ["receptive_field"],
    "pages/convolution_zoo.py": ["parameters", "output_size"],
    "pages/batch_normalization.py": ["batchnorm"],
    "pages/convolution_matrix.py": ["output_value"],
}
TINY = {"pages/batch_normalization.py": {"demo_steps": "10"}}      # the training demo on a tiny setting


def answer(at, text: str, button: str = "check"):
    """Type `text` in the exercise's answer box and press a button of its form."""
    at.text_input[-1].input(text)
    return at.button(key=f"ex_{button}").click().run()


def question(at, exercise) -> bool:
    return exercise.question in text_of(at)


@pytest.mark.parametrize("path", list(PAGE_TOPICS))
def test_every_lesson_page_has_the_section(path):
    at = assert_clean(open_page(path, **TINY.get(path, {})))
    topics = PAGE_TOPICS[path]
    assert "Exercise: predict, then reveal" in [h.value for h in at.header]
    assert question(at, generate(topics[0], 0))
    if len(topics) > 1:
        assert at.segmented_control(key="ex_topic").options == [TOPICS[t] for t in topics]
    else:
        assert not [w for w in at.get("segmented_control") if w.key == "ex_topic"]
    ex = generate(topics[0], 0)
    at = answer(at, answer_text(ex))
    assert_clean(at)
    assert [s.value for s in at.success] == [f"Correct: {answer_text(ex)}."]


def test_check_right_wrong_and_junk():
    at = open_page("pages/convolution.py")
    ex = generate("output_size", 0)
    at = answer(at, str(ex.answer + 1))
    messages = [e.value for e in at.error]
    assert messages and messages[-1].startswith("Not quite")
    for junk in ["banana", "", "1e999", "9" * 5000, "nan"]:
        at = answer(at, junk)
        assert_clean(at)
        assert at.warning and at.warning[-1].value, junk
        assert not at.success
    at = answer(at, str(ex.answer))
    assert [s.value for s in at.success] == [f"Correct: {ex.answer}."]


def test_hint_and_reveal():
    at = open_page("pages/convolution.py", ex_topic="output_value", ex_seed="5")
    ex = generate("output_value", 5)
    assert question(at, ex)
    at.button(key="ex_hint").click().run()
    assert hint(ex) in "\n".join(i.value for i in at.info)
    assert f"**Answer: {answer_text(ex)}**" not in text_of(at)
    revealed = f"y[{ex.params['row']}][{ex.params['col']}] = {answer_text(ex)}"
    assert not any(revealed in spec for spec in chart_specs(at))
    assert not reveal_stages(at)
    at.button(key="ex_reveal").click().run()
    body = text_of(at)
    assert f"**Answer: {answer_text(ex)}**" in body and ex.explanation in body
    assert not any(revealed in spec for spec in chart_specs(at))     # the stage instead
    assert list(reveal_stages(at)) == ["ex_figure_stage_output_value_5"]


def stages(at) -> dict:
    """The stage components on the page: key → the data Python sent them."""
    return {e.key: json.loads(e.proto.json) for e in at.get("bidi_component")}


def reveal_stages(at) -> dict:
    """The exercise's reveal stages (the lesson's own stage left out)."""
    return {k: v for k, v in stages(at).items() if k.startswith("ex_figure_stage")}


@pytest.mark.parametrize("path", ["pages/convolution.py", "pages/convolution_matrix.py"])
def test_reveal_plays_the_lessons_stage_to_the_asked_cell(path):
    """Reveal mounts the convolution lesson's stage for the question, playing, its last step the asked cell."""
    at = open_page(path, ex_topic="output_value", ex_seed="3")
    ex = generate("output_value", 3)
    assert not reveal_stages(at)
    at = at.button(key="ex_reveal").click().run()
    assert_clean(at)
    data = stages(at)["ex_figure_stage_output_value_3"]
    assert data["play"] is True and data["step"] == 0
    assert data["scene"] == reveal_scene(ex)
    assert data["scene"]["steps"][-1]["target"]["cell"] == [0, ex.params["row"], ex.params["col"]]
    at = answer(at, answer_text(ex))                          # answering after the reveal: the same stage stays
    assert stages(at)["ex_figure_stage_output_value_3"]["scene"]["id"] == data["scene"]["id"]
    at = at.button(key="ex_next").click().run()               # the next question: its figure, no stage yet
    assert not reveal_stages(at)
    assert any("the window for the ? cell" in spec for spec in chart_specs(at))


def test_reveal_walks_an_output_size_question_on_the_stage():
    """An output_size question revealed: the static figure gives way to the stage walking its window (the zoo page)."""
    at = open_page("pages/convolution_zoo.py", ex_topic="output_size", ex_seed="2")
    ex = generate("output_size", 2)
    assert any("output ?×?" in spec for spec in chart_specs(at))
    at = at.button(key="ex_reveal").click().run()
    assert_clean(at)
    data = reveal_stages(at)["ex_figure_stage_output_size_2"]
    assert data["play"] is True and data["scene"] == size_reveal_scene(ex)
    assert not any("output ?×?" in spec or f"output {ex.answer}×" in spec for spec in chart_specs(at))


def test_next_moves_the_seed_in_the_url_and_clears_the_box():
    at = open_page("pages/transposed_convolution.py")
    at.text_input[-1].input("17")
    at = at.button(key="ex_next").click().run()
    assert_clean(at)
    assert at.query_params["ex_seed"] == "1"
    assert at.text_input[-1].value == ""
    assert question(at, generate("transposed_output_size", 1))
    at = at.button(key="ex_next").click().run()
    assert at.query_params["ex_seed"] == "2"


def test_the_link_reopens_the_same_question():
    at = open_page("pages/convolution_zoo.py", ex_topic="output_size", ex_seed="42")
    assert_clean(at)
    assert question(at, generate("output_size", 42))
    assert at.query_params["ex_topic"] == "output_size" and at.query_params["ex_seed"] == "42"
    assert not [w for w in at.warning if "The link's ex_" in w.value]


def test_a_bad_link_says_so_and_shows_the_first_question():
    at = open_page("pages/convolution_zoo.py", ex_topic="batchnorm", ex_seed="-3")
    assert_clean(at)
    complaints = " ".join(w.value for w in at.warning)
    assert "The link's ex_topic=" in complaints and "The link's ex_seed=" in complaints
    assert question(at, generate("parameters", 0))


def test_the_score_counts_each_question_once():
    at = open_page("pages/receptive_fields.py")
    first, second = generate("receptive_field", 0), generate("receptive_field", 1)
    at = answer(at, answer_text(first))
    at = answer(at, answer_text(first))                       # the same question again: still one
    assert "**Score this session: 1 of 1 right**" in text_of(at)
    at = at.button(key="ex_next").click().run()
    at = answer(at, "banana")                                 # not a number: not an answer
    assert "1 of 1 right" in text_of(at)
    at = answer(at, str(float(second.answer) + 1000))
    at = answer(at, answer_text(second))                      # right the second time: counted by the first
    assert "**Score this session: 1 of 2 right**" in text_of(at)


def test_topic_choice_switches_the_question():
    at = open_page("pages/convolution.py")
    at.segmented_control(key="ex_topic").set_value("parameters").run()
    assert_clean(at)
    assert at.query_params["ex_topic"] == "parameters"
    assert question(at, generate("parameters", 0))
