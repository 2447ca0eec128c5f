"""A lesson that opens on its figure (issue 24) and draws it before the sections below it (issue 23).

`figure_first` keeps the figure's place at the top, draws the control bar under it, then fills the
figure in. `let_the_browser_draw` then pauses the script for a moment, so that the figure reaches the
browser, and is drawn, before the sections below it.

Why a pause helps: Streamlit's server sends the queued messages from its event loop, which waits while
a fast script holds the interpreter, so a rerun's figure and its sections arrive together. The browser
then renders them all before it paints; the render grows with the number of elements. With the pause it
renders the controls and the figure, paints, and only then the rest. Measured on /convolution (docs/benchmarks.md):
a stride change redrew the stage after 209 ms median without the pause and after 109 ms with it; the
sections below the fold arrive about 0.1 s later. The pause costs no CPU. It is skipped where no browser is
connected (AppTest, scripts).
"""

from __future__ import annotations

import time
from typing import Any, Callable, NamedTuple

import streamlit as st

from convviz.lessons.settings_error import SettingsError

HEAD_START = 0.1     # seconds: more than one render of a lesson's controls and figure on a 2-core laptop
FIRST_LOAD_HEAD_START = 0.6   # a session's first run: the browser also loads plotly.js and the components first
_DRAWN_ONCE = "_figure_drawn_once"


def let_the_browser_draw(seconds: float | None = None) -> None:
    """Pause so that what the script has drawn so far is sent and drawn before what follows: HEAD_START on a
    rerun, FIRST_LOAD_HEAD_START on the session's first run of this page (issue 33 item 7: on a first visit the
    figure waits for plotly.js, and sections arriving meanwhile were rendered in the same frames)."""
    if st.context.url is None:                 # None without a browser: AppTest, bare scripts
        return
    time.sleep(head_start(st.session_state) if seconds is None else seconds)


def head_start(state) -> float:
    """FIRST_LOAD_HEAD_START the first time a session asks, HEAD_START after that (and marks the session)."""
    first = not state.get(_DRAWN_ONCE)
    state[_DRAWN_ONCE] = True
    return FIRST_LOAD_HEAD_START if first else HEAD_START


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
