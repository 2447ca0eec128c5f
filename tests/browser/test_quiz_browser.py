"""Issue 25 in Chromium: a three-question quiz link on a laptop (1440×900: each question answered wrong, then
right, Next through all three) and on a projector (1920×1080, present=1: the answer hidden until Reveal); the
exercise at the end of the convolution lesson (Check, Reveal, Next inside its fragment, the seed in the link).
Screenshots: quiz_laptop_q{1,2,3}.png, quiz_present_q1.png, exercise_convolution_laptop.png."""

import re
from contextlib import contextmanager

from playwright.sync_api import expect

from tests.support import after_a_change, steady

from convviz.exercises import generate, quiz
from convviz.lessons.exercises import reveal_scene, window_cells
from convviz.testing.serve import wait_for_app
from convviz.ui.sections.exercises import answer_text

LINK = "quiz?topics=output_size,receptive_field&count=3&seed=7"
QUESTIONS = quiz(["output_size", "receptive_field"], 3, 7)


@contextmanager
def opened(tabs, url, width, height):
    """A page at `url` in a width × height window; no JavaScript error may happen while it is open."""
    page = tabs.open(viewport={"width": width, "height": height})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(url)
        page.locator("h1").first.wait_for(timeout=120_000)      # a fresh server may rerun through app.py first
        wait_for_app(page, timeout=120_000)
        assert page.locator("[data-testid='stException']").count() == 0
        yield page
        assert not errors, errors
    finally:
        page.close()


def press(page, name: str, within=None):
    """Click the button `name` (of the form `within`, if given) and wait for the run to end."""
    after_a_change(page, (within or page).get_by_role("button", name=name, exact=True).click)
    assert page.locator("[data-testid='stException']").count() == 0


def answer(page, text: str, within=None):
    box = (within or page).get_by_label("Your answer")
    box.fill(text)
    press(page, "Check", within)


def test_quiz_link_on_a_laptop(tabs, app_url, screenshots):
    with opened(tabs, f"{app_url}/{LINK}", 1440, 900) as page:
        main = page.locator("[data-testid=stMain]")
        for i, exercise in enumerate(QUESTIONS, start=1):
            assert f"Question {i} of 3" in main.inner_text()
            answer(page, str(float(exercise.answer) + 1000))
            assert "Not quite" in page.locator("[data-testid=stAlertContentError]").last.inner_text()
            answer(page, answer_text(exercise))
            assert page.locator("[data-testid=stAlertContentSuccess]").last.inner_text().splitlines()[-1].startswith("Correct")
            assert f"Score: 0 of {i} right" in main.inner_text()          # first answers count: all wrong
            assert page.get_by_label("Your answer").input_value() == answer_text(exercise)
            page.screenshot(path=str(screenshots / f"quiz_laptop_q{i}.png"), full_page=False)
            screenshots.save(page, f"quiz_laptop_q{i}_full.png")
            if i < 3:
                press(page, "Next")
                assert f"q={i + 1}" in page.url
                assert page.get_by_label("Your answer").input_value() == ""


def test_quiz_link_on_the_projector(tabs, app_url, screenshots):
    with opened(tabs, f"{app_url}/{LINK}&present=1", 1920, 1080) as page:
        main = page.locator("[data-testid=stMain]")
        exercise = QUESTIONS[0]
        assert page.get_by_label("Your answer").count() == 0
        assert f"Answer: {answer_text(exercise)}" not in main.inner_text()
        question = page.locator(".st-key-quiz_question p").first
        assert float(question.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 28   # big on the wall
        press(page, "Reveal")
        assert f"Answer: {answer_text(exercise)}" in main.inner_text()
        stage = page.locator(f".st-key-quiz_figure_stage_output_size_{exercise.seed} .stage")   # the lesson's stage
        stage.wait_for(timeout=30_000)
        assert f"output {exercise.answer}×{exercise.answer}" in stage.locator(".stage-caption").inner_text()
        expect(stage).to_have_attribute("data-playing", "false", timeout=60_000)   # walked to the last position
        assert stage.get_attribute("data-step") == str(2 * exercise.answer - 2)
        assert stage.locator(".cell.target").get_attribute("data-row") == str(exercise.answer - 1)
        page.screenshot(path=str(screenshots / "quiz_present_q1.png"), full_page=False)
        screenshots.save(page, "quiz_present_q1_full.png")
        press(page, "Next")
        assert "Question 2 of 3" in main.inner_text() and "Answer:" not in main.inner_text()


def test_exercise_on_the_convolution_lesson(tabs, app_url, screenshots):
    with opened(tabs, f"{app_url}/convolution?ex_topic=output_value&ex_seed=3", 1440, 900) as page:
        exercise = generate("output_value", 3)
        form = page.locator("[data-testid=stForm]").last
        form.scroll_into_view_if_needed()
        answer(page, answer_text(exercise), within=form)
        assert page.locator("[data-testid=stAlertContentSuccess]").last.inner_text().splitlines()[-1].startswith("Correct")
        press(page, "Reveal", within=form)
        assert f"Answer: {answer_text(exercise)}" in page.locator("[data-testid=stMain]").inner_text()
        page.get_by_role("heading", name="Exercise: predict, then reveal").scroll_into_view_if_needed()
        steady(page)
        page.screenshot(path=str(screenshots / "exercise_convolution_laptop.png"), full_page=False)
        press(page, "Next", within=page.locator("[data-testid=stForm]").last)
        # The new question can show a moment before the link is rewritten: wait for the link itself.
        page.wait_for_url(re.compile(r"ex_topic=output_value.*ex_seed=4|ex_seed=4.*ex_topic=output_value"))
        box = page.locator("[data-testid=stForm]").last.get_by_label("Your answer")
        assert box.input_value() == ""
        box.fill(answer_text(generate("output_value", 4)))
        after_a_change(page, lambda: box.press("Enter"))            # Enter checks, as the Check button does
        assert page.locator("[data-testid=stAlertContentSuccess]").last.inner_text().splitlines()[-1].startswith("Correct")


def test_reveal_walks_the_lessons_stage_to_the_asked_cell(tabs, app_url, screenshots):
    """Reveal on an output_value question: the convolution lesson's stage plays from output (0, 0) and stops on
    the asked cell, its window the question's, its products summing to the answer (exercise_reveal_stage.png)."""
    exercise = generate("output_value", 3)
    p, steps = exercise.params, len(reveal_scene(exercise)["steps"])
    with opened(tabs, f"{app_url}/convolution?ex_topic=output_value&ex_seed=3", 1440, 900) as page:
        form = page.locator("[data-testid=stForm]").last
        form.scroll_into_view_if_needed()
        assert page.locator(".st-key-ex_figure_stage_output_value_3").count() == 0
        press(page, "Reveal", within=form)
        stage = page.locator(".st-key-ex_figure_stage_output_value_3 .stage")
        stage.wait_for(timeout=30_000)
        stage.scroll_into_view_if_needed()
        assert stage.get_attribute("data-steps") == str(steps)
        assert stage.get_attribute("data-playing") == "true"
        expect(stage).to_have_attribute("data-playing", "false", timeout=steps * 2_000 + 20_000)
        assert stage.get_attribute("data-step") == str(steps - 1)
        # The pause is what is tested: two ticks at its speed in which it must NOT go round (no event to wait on).
        page.wait_for_timeout(1_500)
        assert stage.get_attribute("data-step") == str(steps - 1)
        row, col, answer_shown = p["row"], p["col"], answer_text(exercise)
        assert stage.locator(".stage-status").inner_text().startswith(f"Output cell ({row}, {col}) = {answer_shown} ·")
        assert stage.locator(".terms-sum").inner_text().endswith(f"= y[{row}, {col}] = {answer_shown}")
        target = stage.locator(".cell.target")
        assert (target.get_attribute("data-grid"), target.get_attribute("data-row"), target.get_attribute("data-col")) == (
            "output", str(row), str(col))
        window = stage.locator(".cell.win[data-grid=input]").evaluate_all("els => els.map(e => [+e.dataset.row, +e.dataset.col])")
        assert sorted(map(tuple, window)) == sorted(window_cells(p))
        steady(page)
        page.screenshot(path=str(screenshots / "exercise_reveal_stage.png"), full_page=False)


def test_quiz_link_on_a_phone(tabs, app_url, screenshots):
    """Nothing runs off a 390-px phone sideways (the question's grids scroll in their own box)."""
    from tests.browser.test_every_page_browser import OFFENDERS

    with opened(tabs, f"{app_url}/quiz?topics=output_value,batchnorm&count=2&seed=3", 390, 844) as page:
        answer(page, "banana")
        assert "not a number" in page.locator("[data-testid=stAlertContentWarning]").last.inner_text()
        screenshots.save(page, "quiz_phone_full.png")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        assert page.evaluate(OFFENDERS) == []
