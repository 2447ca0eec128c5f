"""The sections below a lesson's figure wait, on a session's first visit, until the browser has drawn it (issue 33).

On a first visit the browser must still load plotly.js and the components; sections that arrive meanwhile (a
lesson has up to 14 charts below its figure) are rendered in the same frames as the figure and hold it back
(batch norm: 1.67× the hello page's first figure with a fixed 0.6 s head start, docs/benchmarks.md). So the
session's first run draws the header, the figure and its controls and stops at the gate; a small client-side
element (figure_gate.js, served from the repo) reports when the figure has painted, and the page then runs
again with everything (an unchanged figure is not re-sent). Without a browser (AppTest, scripts) the gate is
open. Later runs of the session do not wait.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

KEY = "figure_gate"
_OPEN = "_figure_gate_open"
_component = st.components.v2.component(
    "convviz_figure_gate", js=(Path(__file__).resolve().parent / "figure_gate.js").read_text(encoding="utf-8"),
    isolate_styles=False)


def gate_open(state, sent: dict | None) -> tuple[bool, bool]:
    """(open, just opened): open once the browser has said the figure is drawn (`sent`, the component's state),
    and from then on for the whole session; `just opened` on the run that first sees it."""
    if state.get(_OPEN):
        return True, False
    if isinstance(sent, dict) and sent.get("drawn"):
        state[_OPEN] = True
        return True, True
    return False, False


def wait_for_the_figure() -> None:
    """Call right after a lesson's figure: on a session's first visit, stop the run here until the browser has
    drawn what is above (then the whole page runs again); otherwise return at once."""
    if st.context.url is None:                 # no browser: AppTest, bare scripts
        return
    sent = st.session_state.get(KEY)
    is_open, just_opened = gate_open(st.session_state, dict(sent) if isinstance(sent, dict) else None)
    if just_opened:            # the report reran only the figure's fragment, or only up to here: run the whole page,
        st.rerun(scope="app")  # whose gate says "open" (tests wait for that) only in that run
    _component(key=KEY, data={"drawn": is_open}, default={"drawn": False}, on_drawn_change=lambda: None)
    if not is_open:
        st.stop()
