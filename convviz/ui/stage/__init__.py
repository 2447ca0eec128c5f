"""The stage: one client-side component for the step-by-step views (st.components.v2, no iframe).

A lesson builds a scene (convviz.lessons.scenes, a module per lesson: grids, per-step highlights, links; every number from
convviz) and mounts it with `stage(scene, key=..., step=...)`. The browser draws it as SVG and steps,
plays, drags and highlights on hover without the server; the step it shows comes back 300 ms after
the last change, and `on_step` gets it. `step_stage` adds the link (`pos=` …) and the autoplay speed
(`speed=`). The JavaScript and CSS live beside this file (stage.js, stage.css) and are sent inline:
no CDN, no network, no build step. README.md is the data contract.

Put the call in an `st.fragment` with what depends on the step (a table, exports): a step from the
browser then reruns only that fragment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import streamlit as st

from convviz.ui.widgets.params import write_url
from convviz.ui.widgets.present import presenting
from convviz.ui.widgets.stepping import SPEED_KEY, SPEEDS, url_step
from convviz.ui.widgets.component_js import component_js

HERE = Path(__file__).resolve().parent
NAME = "convviz_stage"
JS = component_js(HERE / "stage.js")
CSS = (HERE / "stage.css").read_text(encoding="utf-8")
_component = st.components.v2.component(NAME, js=JS, css=CSS, isolate_styles=True)   # registered once, reused


def sent_state(key: str) -> dict:
    """What the browser last sent for stage `key` ({"step": int, "speed": str}; either may be missing)."""
    state = st.session_state.get(key)
    return dict(state) if isinstance(state, dict) else {}


PLAY_KEY = "play"                       # a link's play=1: the stage starts playing when it loads (README)
SIZES = ("plain", "fill", "present")    # cells of 46–60 px; growing to the width and height (to 84 px); a projector's


def stage(scene: dict, *, key: str, step: int = 0, speed: str = "normal",
          on_step: Callable[[int], None] | None = None, on_speed: Callable[[str], None] | None = None,
          size: str = "plain", play: bool = False, present: bool = False, col: int | None = None):
    """Mount the stage showing `scene` at `step`; returns the component's state (`.step`, `.speed`, `.col`).

    `size` is one of SIZES; with `play` the stage starts playing when it is first drawn; `present` grows a "plain"
    stage's cells for a projector; `col` is the matrix view's picked column (README: `col`).

    `on_step(step)` / `on_speed(name)` run (as callbacks, before the rerun) when the browser sends a
    new step (debounced) or speed. Python's `step` moves the stage only when it differs from the step
    the browser last sent (a link, a clamp), so an echo never pulls the view back.
    """
    def sent(name: str, handler):
        def callback() -> None:
            value = sent_state(key).get(name)
            if handler is not None and value is not None:
                handler(value)
        return callback

    data = {"scene": scene, "step": int(step), "speed": speed, "size": size, "play": play, "present": present,
            "presenting": presenting()}
    picked = {} if col is None else {"col": int(col)}
    return _component(key=key, data=data | picked, default={"step": int(step), "speed": speed} | picked,
                      on_step_change=sent("step", on_step), on_speed_change=sent("speed", on_speed),
                      **({} if col is None else {"on_col_change": lambda: None}))


def url_speed() -> str:
    """The autoplay speed (the link's `speed=`, as convviz.ui.widgets.stepping); an unknown value is the default."""
    if SPEED_KEY not in st.session_state:
        raw = st.query_params.get(SPEED_KEY)
        st.session_state[SPEED_KEY] = raw if raw in SPEEDS else "normal"
    speed = st.session_state[SPEED_KEY]
    speed = speed if speed in SPEEDS else "normal"
    write_url(SPEED_KEY, speed, "normal")
    return speed


def url_play() -> bool:
    """Whether the link asks the stage to play on load (`play=1` or `play=true`)."""
    return st.query_params.get(PLAY_KEY, "").strip().lower() in ("1", "true")


def step_stage(scene: dict, *, key: str, url_key: str, col_key: str | None = None, container=None,
               size: str = "plain", present: bool = False):
    """The stage with its step in the link (`url_key`) and the page's autoplay speed (`speed=`); returns the step
    it shows, or (step, column) with `col_key`: the matrix view, whose picked column (README: `col`) is in the
    link as `col_key`. Call it inside the fragment that depends on the step (the matrix view: outside one, so
    that every section showing the row and column follows). `size` and `present` as in `stage`; a link with
    `play=1` starts the autoplay (at the link's `speed=`).

    What the browser sent is read from the stage's state before it is drawn (a callback would do
    the same in the browser, but AppTest sets the state without calling callbacks): a step, column or speed
    not seen before moves the view; one already seen (the browser's state outlives a later clamp)
    does not.
    """
    ss, seen_key = st.session_state, f"_{key}_seen"
    sent, seen = sent_state(key), ss.get(seen_key, {})
    links = {"step": (url_key, len(scene["steps"]))} | ({"col": (col_key, len(scene.get("col_groups", [])))}
                                                        if col_key else {})
    for name, (link_key, count) in links.items():
        if sent.get(name) != seen.get(name) and isinstance(sent.get(name), int) and 0 <= sent[name] < count:
            ss[link_key] = sent[name]
    if sent.get("speed") != seen.get("speed") and sent.get("speed") in SPEEDS:
        ss[SPEED_KEY] = sent["speed"]
    step = url_step(url_key, links["step"][1], container)
    col = url_step(col_key, links["col"][1]) if col_key else None
    speed = url_speed()
    with container or st.container():
        result = stage(scene, key=key, step=step, speed=speed, on_step=lambda _: None, on_speed=lambda _: None,
                       size=size, play=url_play(), present=present, col=col)
    ss[seen_key] = {name: result.get(name) for name in ("step", "col", "speed")}
    return step if col_key is None else (step, col)
