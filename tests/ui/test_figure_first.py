"""convviz.ui.widgets.figure_first: the figure's head start and the page rerun for a setting read outside a fragment."""

import time

from streamlit.testing.v1 import AppTest


def _counting_script():
    import streamlit as st

    from convviz.ui.widgets.figure_first import rerun_page_when_changed

    st.session_state.runs = st.session_state.get("runs", 0) + 1
    value = st.number_input("v", value=1, key="v")
    rerun_page_when_changed("test_v", value)


def test_a_changed_setting_reruns_the_page_once_and_an_unchanged_one_never():
    at = AppTest.from_function(_counting_script, default_timeout=60).run()
    assert at.session_state.runs == 1                  # the first run has nothing to compare with
    at.run()
    assert at.session_state.runs == 2                  # unchanged: no extra run
    at.number_input(key="v").set_value(2).run()
    assert at.session_state.runs == 4                  # changed: the run, then one more for the whole page
    at.run()
    assert at.session_state.runs == 5
    assert not at.exception


def _pausing_script():
    import time

    import streamlit as st

    from convviz.ui.widgets.figure_first import let_the_browser_draw

    start = time.perf_counter()
    let_the_browser_draw(5.0)
    st.session_state.paused = time.perf_counter() - start


def test_no_pause_without_a_browser():
    started = time.perf_counter()
    at = AppTest.from_function(_pausing_script).run(timeout=30)
    assert at.session_state.paused < 0.5 and time.perf_counter() - started < 5


def test_the_figure_gate_opens_when_the_browser_says_the_figure_is_drawn_and_stays_open():
    from convviz.ui.widgets.figure_gate import gate_open

    state = {}
    assert gate_open(state, None) == (False, False)                 # the first run: nothing sent yet
    assert gate_open(state, {"drawn": False}) == (False, False)
    assert gate_open(state, {"drawn": True}) == (True, True)        # the report's run: open, and it says so once
    assert gate_open(state, {"drawn": True}) == (True, False)
    assert gate_open(state, None) == (True, False)                  # for the rest of the session


def _figure_first_script():
    import streamlit as st

    from convviz.lessons.settings_error import SettingsError
    from convviz.ui.widgets.figure_first import figure_first

    def build(chosen: int) -> int:
        if chosen == 1:
            raise SettingsError({"H": "no window fits."})
        if chosen == 2:
            raise ValueError("A would be too large.")                # a lesson's plain ValueError: the settings as a whole
        return 10 * chosen

    def view(layer: int, result: int) -> str:
        st.markdown(f"figure {layer} {result}")
        return "shown"

    drawn = figure_first(lambda: st.number_input("v", value=3, key="v"), build, lambda layer: layer + 1, view, "grid")
    st.session_state.drawn = tuple(drawn)


def test_figure_first_draws_the_figure_or_says_what_is_wrong_in_its_place():
    at = AppTest.from_function(_figure_first_script).run()
    assert at.session_state.drawn == (3, 30, {}, 31, "shown") and at.markdown[0].value == "figure 30 31"
    at.number_input(key="v").set_value(1).run()
    assert at.session_state.drawn == (1, None, {"H": "no window fits."}, None, None)
    assert at.error[0].value == "Height: no window fits. No grid for these settings. Change them in the bar below."
    at.number_input(key="v").set_value(2).run()
    assert at.session_state.drawn[2] == {"": "A would be too large."}
    assert at.error[0].value == "A would be too large. No grid for these settings. Change them in the bar below."
    assert not at.exception
