"""Lecturer quiz links (issue 25): `/quiz?topics=output_size,receptive_field&count=3&seed=7`.

The link holds (topics, count, seed); convviz.exercises.quiz turns them into the same questions in the same
order for everyone who opens it. `q` is the question on screen (1-based). With `present=1` the lecturer
projects the question big and its answer stays hidden until Reveal; without it a student types answers and
checks them. A link value that cannot be used gets a message and its default, and is dropped from the URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from convviz import exercises
from convviz.ui.sections.exercises import answer_form, beside, feedback, picture, question_state
from convviz.ui.widgets.params import BadValue, parse_int
from convviz.ui.widgets.present import presenting
from convviz.ui.widgets.share import FALLBACK, page_url

DEFAULT_TOPICS = tuple(exercises.TOPICS)
DEFAULT_COUNT = 5
DEFAULT_SEED = 0
MAX_SEED = 999_999
# The question, large: bigger still on a projector (the root font has grown there already).
QUESTION_CSS = """<style>
.st-key-quiz_question p, .st-key-quiz_question li { font-size: 1.35rem; line-height: 1.5; }
.st-key-quiz_question pre, .st-key-quiz_question code { font-size: 1.2rem; }
</style>"""


@dataclass(frozen=True)
class QuizLink:
    topics: tuple[str, ...] = DEFAULT_TOPICS
    count: int = DEFAULT_COUNT
    seed: int = DEFAULT_SEED

    def query(self, present: bool = False) -> dict[str, str]:
        """The link's parameters, defaults left out."""
        out = {}
        if self.topics != DEFAULT_TOPICS:
            out["topics"] = ",".join(self.topics)
        if self.count != DEFAULT_COUNT:
            out["count"] = str(self.count)
        if self.seed != DEFAULT_SEED:
            out["seed"] = str(self.seed)
        if present:
            out["present"] = "1"
        return out


def parse_topics(raw: str) -> tuple[str, ...]:
    """"output_size,receptive_field" → ("output_size", "receptive_field"); BadValue naming what is wrong."""
    names = [t.strip() for t in raw.split(",") if t.strip()]
    if not names:
        raise BadValue("names no topic")
    unknown = [t for t in names if t not in exercises.TOPICS]
    if unknown:
        shown = ", ".join(repr(t if len(t) <= 30 else t[:27] + "...") for t in unknown[:3])
        raise BadValue(f"has unknown topic(s) {shown}; the topics are {', '.join(exercises.TOPICS)}")
    return tuple(dict.fromkeys(names))


PARSERS = {"topics": (parse_topics, DEFAULT_TOPICS), "count": (parse_int(1, exercises.MAX_QUIZ), DEFAULT_COUNT),
           "seed": (parse_int(0, MAX_SEED), DEFAULT_SEED)}


def read_link(query) -> tuple[QuizLink, list[str]]:
    """The quiz of a link's parameters (a mapping), and a message for each value it could not use."""
    values, problems = {}, []
    for key, (parse, default) in PARSERS.items():
        raw = query.get(key)
        values[key] = default
        if raw is None:
            continue
        try:
            values[key] = parse(raw)
        except BadValue as error:
            shown = repr(raw if len(raw) <= 40 else raw[:37] + "...")
            instead = "every topic" if key == "topics" else f"{key}={default}"
            problems.append(f"The link's {key}={shown} {error}; using {instead} instead.")
    return QuizLink(**values), problems


def quiz_url(link: QuizLink, present: bool = False, page_url: str | None = None) -> str:
    """The address of this quiz: the quiz page's address with the link's parameters (commas kept readable)."""
    scheme, netloc, path, _, _ = urlsplit(page_url or FALLBACK)
    if not path.rstrip("/").endswith("quiz"):
        path = path.rstrip("/") + "/quiz"
    return urlunsplit((scheme, netloc, path, urlencode(link.query(present), safe=","), ""))


def current_question(count: int) -> tuple[int, str | None]:
    """The 0-based question on screen from `q` (1-based), and a message when the link's q was unusable."""
    raw = st.query_params.get("q")
    if raw is None:
        return 0, None
    try:
        return parse_int(1, count)(raw) - 1, None
    except BadValue as error:
        st.query_params.pop("q", None)
        return 0, f"The link's q={raw[:40]!r} {error}; showing question 1."


def _go_to(index: int) -> None:
    if index:
        st.query_params["q"] = str(index + 1)
    else:
        st.query_params.pop("q", None)


def quiz_section() -> None:
    """The quiz of the page's link: question i of n, its figure, the buttons, the score; then the link maker."""
    link, problems = read_link(st.query_params)
    for key in ("topics", "count", "seed"):
        if any(p.startswith(f"The link's {key}=") for p in problems):
            st.query_params.pop(key, None)
    questions = exercises.quiz(list(link.topics), link.count, link.seed)
    index, problem = current_question(link.count)
    for message in problems + ([problem] if problem else []):
        st.warning(message, icon=":material/warning:")
    present = presenting()
    exercise = questions[index]
    signature = (link.topics, link.count, link.seed)
    state = question_state("_quiz_questions", (signature, index))
    scores = st.session_state.setdefault("_quiz_scores", {}).setdefault(signature, {})

    st.header(f"Question {index + 1} of {link.count}", anchor="question")
    st.caption(exercises.TOPICS[exercise.topic])
    st.html(QUESTION_CSS)
    left, right = beside(exercise.topic)
    with left:
        with st.container(key="quiz_question"):
            st.markdown(exercise.question)
        buttons = (["Hint", "Reveal"] if present else ["Check", "Hint"]) + ["Previous", "Next"]
        def next_or_over() -> None:        # the index of the question the button was pressed on
            if index < link.count - 1:
                _go_to(index + 1)
            else:
                state["over"] = True           # the last Next: say so, rather than do nothing

        moves = {"Previous": lambda: _go_to(max(index - 1, 0)), "Next": next_or_over}
        response, pressed = _answer(present, f"quiz_form_{'_'.join(link.topics)}_{link.count}_{link.seed}_{index}",
                                    buttons, moves)
        feedback(exercise, state, response, pressed, None if present else scores, index)
        if state.get("over"):
            st.success(quiz_over(link.count, None if present else scores), icon=":material/flag:")
        if not present and state.get("verdict", (False,))[0] and not state.get("revealed"):
            st.markdown(f"**How:** {exercise.explanation}")
    with right:
        picture(exercise, bool(state.get("revealed")), key="quiz_figure")
    if scores and not present:
        st.markdown(f"**Score: {sum(scores.values())} of {len(scores)} right** (each question counts once, "
                    f"by its first answer; {link.count} questions in this quiz).")
    if not present:
        st.caption("Answer in the box and press Check; your lecturer reveals the answers on the projector.")
    link_maker(link)


def quiz_over(count: int, scores: dict | None) -> str:
    """What the last question's Next says: the quiz is over, with the score (a student's, when there is one)."""
    said = f"That was question {count} of {count}: **the quiz is over**."
    if scores:
        said += f" You got {sum(scores.values())} of the {len(scores)} you answered right."
    return said + " **Previous** goes back through the questions; a new seed below makes another quiz."


def _answer(present: bool, form_key: str, buttons: list[str], moves: dict):
    """The answer box and buttons; while presenting, the buttons alone (the room answers, not the projector)."""
    return answer_form(form_key, buttons, "quiz", moves, box=not present)


def link_maker(link: QuizLink) -> None:
    """A small form: topics, number of questions, seed → the quiz link to copy."""
    with st.expander("Make a quiz link", icon=":material/link:", expanded="topics" not in st.query_params):
        with st.form("quiz_maker", border=False):
            topics = st.multiselect("Topics", list(exercises.TOPICS), default=list(link.topics),
                                    format_func=exercises.TOPICS.get)
            count_col, seed_col, present_col = st.columns(3, vertical_alignment="bottom")
            count = count_col.number_input("Questions", 1, exercises.MAX_QUIZ, link.count)
            seed = seed_col.number_input("Seed (another seed, other questions)", 0, MAX_SEED, link.seed)
            present = present_col.checkbox("For the projector (present=1)")
            made = st.form_submit_button("Make the link", key="quiz_make")
        if made:
            if not topics:
                st.error("Choose at least one topic.", icon=":material/block:")
                return
            made_link = QuizLink(tuple(topics), int(count), int(seed))
            st.markdown("Copy this link (the button at the right end of the box) and share it: everyone who opens it "
                        "gets the same questions in the same order.")
            st.code(quiz_url(made_link, present, page_url()), language="text", wrap_lines=True)
