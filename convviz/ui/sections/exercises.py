"""Predict, then reveal (issue 25): the "Exercise" section at the end of a lesson page.

`exercise_section(topics, key_prefix)` asks one question from convviz.exercises on one of the page's topics,
drawn on the lesson's own kind of figure (convviz/lessons/exercises.py), with an answer box and Check, Hint,
Reveal and Next; Reveal plays the convolution lesson's stage to the answer (`output_value`, `output_size`:
convviz.lessons.exercises.STAGE_REVEALS) or shows the figure with the answer filled in. The topic and the
question number (the seed) live in the URL (`ex_topic`, `ex_seed` for the prefix "ex"), so a copied link reopens
the same question; the score is the session's. The section runs as an st.fragment: answering reruns the section,
not the lesson above it.

The answer box sits in a form named after the question, without a key of its own: a new question is a new
form, so Next leaves an empty box (and no unbound widget key lands in the URL's namespace).
"""

from __future__ import annotations

import streamlit as st

from convviz import exercises
from convviz.lessons import exercises as drawn
from convviz.ui.cache.exercises import question, question_figure, reveal_scene
from convviz.ui.widgets.params import choice_control, int_control
from convviz.ui.widgets.present import chart, presenting
from convviz.ui.stage import sent_state, stage

MAX_SEED = 999_999
REVEAL_NORMAL_STEPS = 6         # a reveal of more steps walks at the fast speed (0.5 s a step)
SCORE = "_exercise_score"        # session state: {(topic, seed): was the first answer right}


def score_line(score: dict) -> str:
    """ "2 of 3 right": questions counted once each, by their first answer."""
    right = sum(score.values())
    return f"**Score this session: {right} of {len(score)} right** (each question counts once, by its first answer)."


def answer_form(form_key: str, buttons: list[str], prefix: str, callbacks: dict | None = None,
                box: bool = True) -> tuple[str, str | None]:
    """The answer box (unless `box` is False) and a row of buttons (keys `{prefix}_check`, …) in one form;
    (what was typed, the button pressed or None). `callbacks` maps a button to a function run before the
    rerun (Next moving the seed)."""
    with st.form(form_key, border=False, enter_to_submit=True):
        response = st.text_input("Your answer", placeholder="one number, e.g. 7, −1.5 or 3/4") if box else ""
        pressed = None
        for name, col in zip(buttons, st.columns(len(buttons))):
            if col.form_submit_button(name, type="primary" if name == "Check" else "secondary", width="stretch",
                                      key=f"{prefix}_{name.lower()}", on_click=(callbacks or {}).get(name)):
                pressed = name
    return response, pressed


def feedback(exercise: exercises.Exercise, state: dict, response: str, pressed: str | None, score: dict | None,
             key) -> None:
    """Act on the pressed button (Check, Hint, Reveal), remember it in `state`, and show what `state` holds.
    A question joins `score` on its first answer that is a number, unless it was revealed before."""
    if pressed == "Check":
        verdict = exercises.check(exercise, response)
        is_number = exercises.parse(response)[0] is not None
        state["verdict"] = (verdict.correct, verdict.message, is_number)
        if score is not None and is_number and not state.get("revealed") and key not in score:
            score[key] = verdict.correct
    elif pressed == "Hint":
        state["hint"] = True
    elif pressed == "Reveal":
        state["revealed"] = True
    if state.get("verdict"):
        correct, message, is_number = state["verdict"]
        box = st.success if correct else st.error if is_number else st.warning
        box(message, icon=":material/check_circle:" if correct else ":material/cancel:" if is_number
            else ":material/help:")
    if state.get("hint"):
        st.info(f"**Hint.** {exercises.hint(exercise)}", icon=":material/lightbulb:")
    if state.get("revealed"):
        st.markdown(f"**Answer: {answer_text(exercise)}**")
        st.markdown(exercise.explanation)


def answer_text(exercise: exercises.Exercise) -> str:
    if exercise.tolerance:
        return f"{exercise.answer:.{exercises.DECIMALS}f}"
    value = exercise.answer
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def reveal_stage(exercise: exercises.Exercise, key: str) -> None:
    """A question revealed on the convolution lesson's stage (convviz.lessons.exercises.STAGE_REVEALS): its window
    walks to the asked output cell and stops there on the products and their sum (`output_value`), or along the
    output's top row and down its last column (`output_size`). One stage per question (its own key), so each
    reveal plays once; a speed the student picked is kept."""
    scene = reveal_scene(exercise)
    stage_key = f"{key}_stage_{exercise.topic}_{exercise.seed}"
    speed = sent_state(stage_key).get("speed") or ("normal" if len(scene["steps"]) <= REVEAL_NORMAL_STEPS else "fast")
    own_cells = "cell_px" in scene                     # a scene that sizes its cells (no numbers in them) keeps them
    stage(scene, key=stage_key, step=0, speed=speed, size="present" if presenting() and not own_cells else "plain",
          play=True)


def picture(exercise: exercises.Exercise, revealed: bool, key: str) -> None:
    """The question on the lesson's figure, or a small table for the topics drawn as one; an `output_value` or
    `output_size` question, once revealed, on the lesson's own stage, walking to the answer."""
    if revealed and exercise.topic in drawn.STAGE_REVEALS:
        reveal_stage(exercise, key)
        return
    fig = question_figure(exercise, revealed)
    if fig is not None:
        chart(fig, key=key)
    elif exercise.topic == "receptive_field":
        st.dataframe(drawn.layer_rows(exercise.params), hide_index=True)
        if revealed:
            st.caption("n, j, r and start after each layer (the receptive-fields lesson's table):")
            st.dataframe(drawn.receptive_rows(exercise.params), hide_index=True)
    elif exercise.topic == "parameters":
        st.dataframe(drawn.parameter_rows(exercise.params), hide_index=True)


def beside(topic: str):
    """(left, right): the question and its answer on the left, its figure or table on the right; one column
    for a topic shown by its question alone (batch norm)."""
    widths = [2, 3] if topic in drawn.FIGURE_TOPICS else [3, 2] if topic in drawn.TABLE_TOPICS else None
    return st.columns(widths, gap="medium") if widths else (st.container(), st.container())


def question_state(store_key: str, question_key) -> dict:
    """The per-question state (verdict, hint, revealed) kept in the session under `store_key`."""
    return st.session_state.setdefault(store_key, {}).setdefault(question_key, {})


def exercise_section(topics: list[str], key_prefix: str = "ex") -> None:
    """The "Exercise" section of a lesson on `topics` (ids of convviz.exercises.TOPICS); folded while presenting."""
    unknown = [t for t in topics if t not in exercises.TOPICS]
    if not topics or unknown:
        raise ValueError(f"exercise_section needs topics from {', '.join(exercises.TOPICS)} (got {topics!r}).")
    in_link = any(f"{key_prefix}_{name}" in st.query_params for name in ("topic", "seed"))
    if presenting():
        with st.expander("Exercise", icon=":material/quiz:", expanded=in_link):
            _exercise(list(topics), key_prefix)
        return
    st.header("Exercise: predict, then reveal", anchor="exercise")
    st.markdown("Work it out by hand first, type your answer, then check it. Every answer is computed by the same "
                "tested code as this lesson.")
    _exercise(list(topics), key_prefix)


@st.fragment
def _exercise(topics: list[str], prefix: str) -> None:
    topic_key, seed_key = f"{prefix}_topic", f"{prefix}_seed"
    choose, number = st.columns([3, 1], vertical_alignment="bottom")
    if len(topics) > 1:
        topic = choice_control("Topic", topic_key, {t: exercises.TOPICS[t] for t in topics}, topics[0],
                               container=choose, horizontal=True)
    else:
        topic = topics[0]
        choose.markdown(f"**{exercises.TOPICS[topic]}**")
    seed = int_control("Question number", seed_key, 0, MAX_SEED, 0, container=number,
                       help="Each number is a different question; the link keeps it.")
    exercise = question(topic, seed)
    state = question_state(f"_{prefix}_questions", (topic, seed))
    score = st.session_state.setdefault(SCORE, {})

    def next_question():
        st.session_state[seed_key] = min(seed + 1, MAX_SEED)

    left, right = beside(topic)
    with left:
        st.markdown(exercise.question)
        response, pressed = answer_form(f"{prefix}_form_{topic}_{seed}", ["Check", "Hint", "Reveal", "Next"], prefix,
                                        {"Next": next_question})
        feedback(exercise, state, response, pressed, score, (topic, seed))
        if score:
            st.markdown(score_line(score))
    with right:
        picture(exercise, bool(state.get("revealed")), key=f"{prefix}_figure")
