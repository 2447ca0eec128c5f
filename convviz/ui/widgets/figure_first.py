"""A lesson that opens on its figure (issue 24) and draws it before the sections below it (issue 23).

`figure_first` keeps the figure's place at the top, draws the control bar under it, then fills the
figure in. `let_the_browser_draw` then holds the sections below back until the figure is drawn: on a session's
first visit until the browser says so (convviz.ui.widgets.figure_gate), on later runs for a moment.

Why a pause helps: Streamlit's server sends the queued messages from its event loop, which waits while
a fast script holds the interpreter, so a rerun's figure and its sections arrive together. The browser
then renders them all before it paints; the render grows with the number of elements. With the pause it
renders the controls and the figure, paints, and only then the rest. Measured on /convolution (docs/benchmarks.md):
a stride change redrew the stage after 209 ms median without the pause and after 109 ms with it; the
sections below the fold arrive about 0.1 s later. The pause costs no CPU. A fixed pause could not cover a first
visit (plotly.js loads first: 0.6 s was not enough on a loaded laptop), hence the gate. Both are skipped where no
browser is connected (AppTest, scripts).
"""

from __future__ import annotations

import time
from typing import Any, Callable, NamedTuple

import streamlit as st

from convviz.lessons.settings_error import SettingsError
from convviz.ui.widgets.figure_gate import wait_for_the_figure

HEAD_START = 0.1     # seconds: more than one render of a lesson's controls and figure on a 2-core laptop


def let_the_browser_draw(seconds: float | None = None) -> None:
    """Let what the script has drawn so far reach the browser, and be drawn, before what follows: on a session's
    first visit the run stops here until the browser reports the figure drawn (convviz.ui.widgets.figure_gate: plotly.js
    and the components still load then); on later runs a pause of HEAD_START (or `seconds`)."""
    if st.context.url is None:                 # None without a browser: AppTest, bare scripts
        return
    if seconds is None:
        wait_for_the_figure()
    time.sleep(HEAD_START if seconds is None else seconds)


def rerun_page_when_changed(name: str, value) -> None:
    """For a setting drawn inside a lesson's st.fragment that sections outside it also read (a preset, a seed):
    when it has changed since the last run, the whole page reruns once, so that those sections follow it (a
    fragment's rerun alone would leave them as they were)."""
    key = f"_drawn_{name}"
    drawn = st.session_state.get(key)
    st.session_state[key] = value
    if drawn is not None and drawn != value:
        st.rerun()


class FirstFigure(NamedTuple):
    """What figure_first drew from: the controls' values, the layer built from them and its result (None where
    the settings make none), the problems by place (SettingsError.problems; {} when none), what `view` returned."""
    chosen: Any
    layer: Any
    problems: dict
    result: Any
    shown: Any


def figure_first(settings: Callable, build: Callable, compute: Callable, view: Callable, what: str,
                 hint: str = "Change them in the bar below.") -> FirstFigure:
    """The figure's place, the controls drawn under it (`settings()`, returning what they chose), then the figure
    filled in: `view(layer, compute(layer))` with layer = `build(chosen)`; or, when the settings make no layer or
    no figure (a ValueError from build or compute: a lesson's SettingsError, which says where each problem shows),
    what is wrong with them in words, then "No `what` for these settings" and the `hint`. Then a head start for the
    figure (let_the_browser_draw)."""
    figure = st.container()
    chosen = settings()
    layer = result = shown = None
    problems = {}
    try:
        layer = build(chosen)
        result = compute(layer)
    except ValueError as error:
        problems = SettingsError.of(error).problems
    with figure:
        if problems:
            st.error(f"{SettingsError(problems)} No {what} for these settings. {hint}", icon=":material/block:")
        else:
            shown = view(layer, result)
    let_the_browser_draw()
    return FirstFigure(chosen, layer, problems, result, shown)
