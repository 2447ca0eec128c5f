"""Autoplay for step-by-step views: Play / Pause and a speed, on top of a URL-bound step control.

The view sits in an `st.fragment(run_every=...)` (streamlit-notes §3; SPEEDS seconds while playing): while playing,
the fragment reruns every few tenths of a second and each run moves the step on by one, wrapping
round at the end; the step control writes it to the URL as usual. Play and Pause rerun the whole
page, because the fragment's interval is read only then: their callback calls `st.rerun()`, which
(Streamlit ≥ 1.63) makes the click one full run. Touching ◀ / ▶ or the slider pauses, the same way.

Every callback here sets a value chosen when the button was drawn ("playing: off", "step: 4") rather
than toggling or adding one. Streamlit can deliver one click twice when an autoplay tick is on its way
at the same moment (seen in Chromium: Pause ran twice and so played on); a callback that sets a value
is harmless when repeated.
"""

from __future__ import annotations

from typing import Sequence

import streamlit as st

from convviz.ui.widgets.params import seed_from_url, warn_link_problem, write_url, choice_control, parse_int

SPEEDS = {"slow": 2.0, "normal": 1.0, "fast": 0.5}       # seconds per step
SPEED_LABELS = {"slow": "slow (2 s)", "normal": "1 s", "fast": "fast (0.5 s)"}
SPEED_KEY = "speed"                                        # one player per page: the URL's speed=


def _playing_key(key: str) -> str:
    return f"_{key}_playing"


def is_playing(key: str) -> bool:
    return bool(st.session_state.get(_playing_key(key), False))


def set_playing(key: str, playing: bool) -> None:
    """Start or stop the autoplay of step `key`; a callback: the whole page reruns to apply the interval."""
    if is_playing(key) != playing:
        st.session_state[_playing_key(key)] = playing
        st.rerun()


def pause(key: str) -> None:
    """Stop the autoplay of step `key` (a callback of the step controls: a hand on the controls wins)."""
    set_playing(key, False)


def go_to(key: str, value) -> None:
    """Show step `value` of control `key` and pause (the callback of ◀ / ▶; repeating it changes nothing)."""
    st.session_state[key] = value
    pause(key)


def next_value(values: Sequence, current):
    """The value after `current` in `values`, wrapping round; an unknown current counts as the last."""
    index = list(values).index(current) if current in values else len(values) - 1
    return values[(index + 1) % len(values)]


def play_controls(key: str, values: Sequence, *, container=None, arrows: bool = False) -> None:
    """Play / Pause and the speed for the control `key` that steps through `values`
    (with `arrows`, ◀ / ▶ buttons too, for a control that has none, such as a selectbox).

    Call it before drawing that control: while playing, it first moves session state to the next value.
    """
    box = container or st
    ss = st.session_state
    if is_playing(key) and key in ss and len(values) > 1:
        ss[key] = next_value(values, ss[key])

    if arrows:                    # ◀ ▶ Play in one row, the speed under them (fits a narrow column)
        current = ss[key] if key in ss else st.query_params.get(key)   # not yet seeded on a link's first run
        index = list(values).index(current) if current in values else len(values) - 1
        back, forward, left = box.columns([1, 1, 2], vertical_alignment="bottom")
        back.button("◀", key=f"{key}_prev", on_click=go_to, args=(key, values[max(0, index - 1)]),
                    help="previous step", width="stretch")
        forward.button("▶", key=f"{key}_next", on_click=go_to, args=(key, values[min(len(values) - 1, index + 1)]),
                       help="next step", width="stretch")
        right = box
    else:
        left, right = box.columns([1, 3], vertical_alignment="bottom")
    playing = is_playing(key)
    left.button("Pause" if playing else "Play", key=f"{key}_play", on_click=set_playing, args=(key, not playing),
                width="stretch",
                icon=":material/pause:" if playing else ":material/play_arrow:", disabled=len(values) < 2,
                help="Step through on its own; ◀ / ▶ or the slider pause it")

    def new_speed() -> None:
        if is_playing(key):
            st.rerun()                 # the fragment's interval changes only on a full run

    choice_control("Autoplay speed", SPEED_KEY, SPEED_LABELS, "normal", container=right, horizontal=True,
                   on_change=new_speed)


def url_step(url_key: str, count: int, container=None) -> int:
    """The step in session state (first run: the link's `url_key`, with a message if unusable),
    clamped to count − 1 (a view that shrank) and written back to the URL (0 left out)."""
    last = count - 1
    if last <= 0:
        st.session_state.pop(url_key, None)
        st.query_params.pop(url_key, None)
        return 0
    problem = seed_from_url(url_key, parse_int(0, last), 0)
    value = max(0, min(last, int(st.session_state[url_key])))
    st.session_state[url_key] = value
    write_url(url_key, value, 0)
    warn_link_problem(container or st, problem)
    return value


def step_control(label: str, key: str, count: int, *, container=None, player: bool = False) -> int:
    """Choose one of `count` steps with a slider and ◀ / ▶ buttons; the step is in the URL.

    A step left over from a larger view (the output shrank) is clamped to the last one. With
    `player=True`, Play / Pause and a speed come under it (below; the caller puts
    the view in a fragment with run_every = SPEEDS[speed] while is_playing(key), else None).
    """
    box = container or st
    last = count - 1
    if url_step(key, count, box) == 0 and last <= 0:
        return 0
    row = box.container()
    if player:                                     # drawn below the slider, run first (it may move the step)
        play_controls(key, list(range(count)), container=box.container())

    current = st.session_state[key]                # ◀ / ▶ go to a step fixed now (a repeated click is harmless)
    prev_col, slider_col, next_col = row.columns([1, 10, 1], vertical_alignment="bottom")
    prev_col.button("◀", key=f"{key}_prev", on_click=go_to, args=(key, max(0, current - 1)), help="previous step",
                    width="stretch")
    next_col.button("▶", key=f"{key}_next", on_click=go_to, args=(key, min(last, current + 1)), help="next step",
                    width="stretch")
    value = slider_col.slider(label, 0, last, value=int(st.session_state[key]), key=key, on_change=pause, args=(key,))
    write_url(key, value, 0)
    return int(value)
