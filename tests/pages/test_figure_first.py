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
    at = AppTest.from_function(_counting_script).run()
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


def test_a_sessions_first_figure_gets_the_longer_head_start():
    from convviz.ui.widgets.figure_first import FIRST_LOAD_HEAD_START, HEAD_START, head_start

    state = {}
    assert head_start(state) == FIRST_LOAD_HEAD_START > HEAD_START
    assert head_start(state) == head_start(state) == HEAD_START
