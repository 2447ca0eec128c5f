"""The quiz page (issue 25): a link's (topics, count, seed) gives exercises.quiz's questions in order; bad
values get a message and the defaults; with present=1 the answer stays hidden until Reveal."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from convviz.exercises import TOPICS, quiz
from convviz.lessons.exercises import size_reveal_scene
from convviz.ui.sections.exercises import answer_text
from convviz.ui.sections.quiz import DEFAULT_COUNT, QuizLink, quiz_url, read_link
from tests.support import ROOT, assert_clean, chart_specs, open_page, text_of

LINK = dict(topics="output_size,receptive_field", count="3", seed="7")
QUESTIONS = quiz(["output_size", "receptive_field"], 3, 7)


def heading(at) -> str:
    return at.header[-1].value


def test_the_link_gives_the_quiz_questions_in_order():
    at = assert_clean(open_page("pages/quiz.py", **LINK))
    for i, exercise in enumerate(QUESTIONS):
        assert heading(at) == f"Question {i + 1} of 3"
        assert exercise.question in text_of(at)
        assert TOPICS[exercise.topic] in [c.value for c in at.caption]
        assert not [s for s in at.success if "quiz is over" in s.value], i      # only the last question's Next
        at = at.button(key="quiz_next").click().run()
        assert_clean(at)
    assert heading(at) == "Question 3 of 3"                    # Next stops at the last one
    assert at.query_params["q"] == "3"
    assert [s.value for s in at.success] == [                   # and says the quiz is over (it was silent)
        "That was question 3 of 3: **the quiz is over**. **Previous** goes back through the questions; a new seed "
        "below makes another quiz."]
    at = at.button(key="quiz_previous").click().run()
    assert heading(at) == "Question 2 of 3" and at.query_params["q"] == "2"


def test_a_student_checks_answers_and_the_score_counts():
    at = open_page("pages/quiz.py", **LINK)
    assert not [b for b in at.button if b.key == "quiz_reveal"]
    at.text_input[0].input(str(QUESTIONS[0].answer + 1))
    at = at.button(key="quiz_check").click().run()
    assert at.error[-1].value.startswith("Not quite")
    at.text_input[0].input(answer_text(QUESTIONS[0]))
    at = at.button(key="quiz_check").click().run()
    assert [s.value for s in at.success] == [f"Correct: {answer_text(QUESTIONS[0])}."]
    assert "**Score: 0 of 1 right**" in text_of(at)
    at = at.button(key="quiz_next").click().run()
    assert at.text_input[0].value == ""
    at.text_input[0].input(answer_text(QUESTIONS[1]))
    at = at.button(key="quiz_check").click().run()
    assert "**Score: 1 of 2 right**" in text_of(at)


def test_the_same_link_opens_the_same_question_later():
    at = assert_clean(open_page("pages/quiz.py", q="2", **LINK))
    assert heading(at) == "Question 2 of 3" and QUESTIONS[1].question in text_of(at)


def test_present_hides_the_answer_until_reveal():
    at = assert_clean(open_page("pages/quiz.py", present="1", **LINK))
    ex = QUESTIONS[0]
    assert not at.text_input                                   # the projector asks; the room answers
    assert f"**Answer: {answer_text(ex)}**" not in text_of(at)
    assert not any(f"output {ex.answer}×{ex.answer}" in spec for spec in chart_specs(at))
    at = at.button(key="quiz_hint").click().run()
    assert f"**Answer: {answer_text(ex)}**" not in text_of(at)
    assert not at.get("bidi_component")
    at = at.button(key="quiz_reveal").click().run()
    assert f"**Answer: {answer_text(ex)}**" in text_of(at) and ex.explanation in text_of(at)
    assert ex.topic == "output_size"                             # revealed on the lesson's stage, walking, projector-sized
    data = {e.key: json.loads(e.proto.json) for e in at.get("bidi_component")}[f"quiz_figure_stage_output_size_{ex.seed}"]
    assert data["play"] is True and data["size"] == "plain" and data["scene"]["cell_px"] == [16, 36]   # its own small cells
    assert data["scene"] == size_reveal_scene(ex) and f"output {ex.answer}×{ex.answer}" in data["scene"]["caption"]
    at = at.button(key="quiz_next").click().run()              # the next question starts hidden again
    assert f"**Answer: {answer_text(QUESTIONS[1])}**" not in text_of(at)


@pytest.mark.parametrize("query, complaint", [
    (dict(topics="bogus"), "The link's topics='bogus' has unknown topic(s) 'bogus'"),
    (dict(topics=",,"), "The link's topics=',,' names no topic"),
    (dict(count="0"), "The link's count='0' is outside 1–50"),
    (dict(count="x" * 5000), "The link's count='xxxx"),
    (dict(count="nan"), "The link's count='nan' is not a whole number"),
    (dict(seed="-1"), "The link's seed='-1' is outside 0–999999"),
    (dict(seed="1.5"), "The link's seed='1.5' is not a whole number"),
    (dict(q="99"), "The link's q='99' is outside 1–5"),
])
def test_bad_links_say_so_and_use_the_defaults(query, complaint):
    at = assert_clean(open_page("pages/quiz.py", **query))
    warnings = " ".join(w.value for w in at.warning)
    assert complaint in warnings and len(warnings) < 600
    assert heading(at) == f"Question 1 of {DEFAULT_COUNT}"
    assert quiz(list(TOPICS), DEFAULT_COUNT, 0)[0].question in text_of(at)
    assert not set(query) & set(at.query_params)               # the unusable value left the URL


def test_read_link_and_quiz_url_round_trip():
    link, problems = read_link(LINK)
    assert problems == [] and link == QuizLink(("output_size", "receptive_field"), 3, 7)
    url = quiz_url(link, present=True, page_url="https://class.example/convviz/quiz?old=1")
    assert url == "https://class.example/convviz/quiz?topics=output_size,receptive_field&count=3&seed=7&present=1"
    assert quiz_url(QuizLink()) == "http://localhost:8501/quiz?"[:-1]
    assert read_link({"topics": "parameters, parameters ,batchnorm"})[0].topics == ("parameters", "batchnorm")


def test_the_link_maker_makes_the_link():
    at = open_page("pages/quiz.py")
    at.multiselect[0].set_value(["output_size", "receptive_field"])
    at.number_input[0].set_value(3)
    at.number_input[1].set_value(7)
    at = at.button(key="quiz_make").click().run()
    assert_clean(at)
    assert "http://localhost:8501/quiz?topics=output_size,receptive_field&count=3&seed=7" in [c.value for c in at.code]


def test_the_quiz_is_in_the_navigation_and_on_the_home_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert "Quiz" in [link.proto.label.strip("*") for link in at.get("page_link")]
    at.switch_page("pages/quiz.py").run()
    assert_clean(at)
    assert heading(at).startswith("Question 1 of")


def test_the_last_next_says_the_quiz_is_over_with_the_score():
    at = open_page("pages/quiz.py", q="3", **LINK)
    assert not at.success                                       # not before the last Next
    at.text_input[0].input(answer_text(QUESTIONS[2]))
    at = at.button(key="quiz_check").click().run()
    at = at.button(key="quiz_next").click().run()
    over = [s.value for s in at.success if "quiz is over" in s.value]
    assert over == ["That was question 3 of 3: **the quiz is over**. You got 1 of the 1 you answered right. "
                    "**Previous** goes back through the questions; a new seed below makes another quiz."]
    at = at.button(key="quiz_previous").click().run()
    assert heading(at) == "Question 2 of 3" and not [s for s in at.success if "quiz is over" in s.value]
    at = assert_clean(open_page("pages/quiz.py", q="3", present="1", **LINK))
    at = at.button(key="quiz_next").click().run()
    assert any(s.value.startswith("That was question 3 of 3: **the quiz is over**. **Previous**") for s in at.success)
