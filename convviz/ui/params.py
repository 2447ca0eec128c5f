"""Widgets whose values live in the URL, so that a copied link reopens the same view.

Each control is a streamlit widget bound to a query parameter (`bind="query-params"`, the
widget key is the parameter name). Streamlit silently drops a bad value from a link; these
helpers look at the raw value first and say plainly, under the control, what was wrong and
what is shown instead.
"""

from __future__ import annotations

import math

import streamlit as st


def _raw(key: str) -> str | None:
    """The value the URL gave for `key` on this run, before any widget touched it."""
    if key in st.session_state:          # the widget already exists: the URL was read before
        return None
    return st.query_params.get(key)


def _int_problem(raw: str, min_value: int, max_value: int) -> str | None:
    try:
        value = float(raw)
    except ValueError:
        return f"is not a number"
    if not math.isfinite(value) or value != int(value):
        return "is not a whole number"
    if not min_value <= int(value) <= max_value:
        return f"is outside {min_value}–{max_value}"
    return None


def int_control(label: str, key: str, min_value: int, max_value: int, default: int, *, container=None,
                help: str | None = None, disabled: bool = False) -> int:
    """A whole-number input bound to the URL parameter `key`."""
    box = container or st
    raw = _raw(key)
    problem = _int_problem(raw, min_value, max_value) if raw is not None else None
    value = box.number_input(label, min_value=min_value, max_value=max_value, value=default, step=1,
                             key=key, bind="query-params", help=help, disabled=disabled)
    if problem:
        box.warning(f"The link's {key}={raw!r} {problem}; showing {key}={value} instead.", icon=":material/warning:")
    return int(value)


def float_control(label: str, key: str, min_value: float, max_value: float, default: float, *, step: float = 1.0,
                  container=None, help: str | None = None, disabled: bool = False) -> float:
    """A number input (any real value in range) bound to the URL parameter `key`."""
    box = container or st
    raw = _raw(key)
    problem = None
    if raw is not None:
        try:
            v = float(raw)
            if not math.isfinite(v) or not min_value <= v <= max_value:
                problem = f"is outside {min_value:g}–{max_value:g}"
        except ValueError:
            problem = "is not a number"
    value = box.number_input(label, min_value=float(min_value), max_value=float(max_value), value=float(default),
                             step=float(step), key=key, bind="query-params", help=help, disabled=disabled)
    if problem:
        box.warning(f"The link's {key}={raw!r} {problem}; showing {key}={value:g} instead.", icon=":material/warning:")
    return float(value)


def choice_control(label: str, key: str, options: dict[str, str], default: str, *, container=None,
                   help: str | None = None, horizontal: bool = False, disabled: bool = False) -> str:
    """Pick one of `options` (URL value -> label shown); the URL holds the short value.

    Bound by hand rather than with bind="query-params": a bound selectbox with a format_func
    writes the long label into the URL, and these links should stay short and stable.
    """
    box = container or st
    values = list(options)
    problem = None
    if key not in st.session_state:
        raw = st.query_params.get(key)
        if raw is not None and raw not in options:
            problem = f"The link's {key}={raw!r} is not one of {', '.join(values)}; showing {default!r}."
        st.session_state[key] = raw if raw in options else default
    if horizontal:
        value = box.segmented_control(label, values, format_func=options.get, key=key, help=help, disabled=disabled)
        if value is None:                 # a segmented control can be clicked off: keep the default then
            value = default
    else:
        value = box.selectbox(label, values, format_func=options.get, key=key, help=help, disabled=disabled)
    if value == default:
        st.query_params.pop(key, None)    # defaults stay out of the link, as bound widgets do
    else:
        st.query_params[key] = value
    if problem:
        box.warning(problem, icon=":material/warning:")
    return value


def toggle_control(label: str, key: str, default: bool = False, *, container=None, help: str | None = None) -> bool:
    """An on/off switch bound to the URL parameter `key` ('true' / 'false')."""
    box = container or st
    raw = _raw(key)
    value = box.toggle(label, value=default, key=key, bind="query-params", help=help)
    if raw is not None and raw.lower() not in ("true", "false"):
        box.warning(f"The link's {key}={raw!r} is not true or false; showing {str(value).lower()}.", icon=":material/warning:")
    return bool(value)


def step_control(label: str, key: str, count: int, *, container=None) -> int:
    """Choose one of `count` steps with a slider and ◀ / ▶ buttons; the step is in the URL.

    A step left over from a larger view (the output shrank) is clamped to the last one.
    """
    box = container or st
    last = count - 1
    if last <= 0:
        st.session_state.pop(key, None)
        return 0
    raw = _raw(key)
    if key in st.session_state and not 0 <= st.session_state[key] <= last:
        st.session_state[key] = max(0, min(last, int(st.session_state[key])))

    def move(delta: int) -> None:
        st.session_state[key] = max(0, min(last, int(st.session_state.get(key, 0)) + delta))

    prev_col, slider_col, next_col = box.columns([1, 10, 1], vertical_alignment="bottom")
    prev_col.button("◀", key=f"{key}_prev", on_click=move, args=(-1,), help="previous step", width="stretch")
    next_col.button("▶", key=f"{key}_next", on_click=move, args=(1,), help="next step", width="stretch")
    value = slider_col.slider(label, 0, last, 0, key=key, bind="query-params")
    if raw is not None and _int_problem(raw, 0, last):
        box.warning(f"The link's {key}={raw!r} {_int_problem(raw, 0, last)}; showing step {value}.", icon=":material/warning:")
    return int(value)
