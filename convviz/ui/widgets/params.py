"""Widgets whose values live in the URL, so that a copied link reopens the same view.

The widget key is the URL parameter's name. On a widget's first run the URL's value is read,
checked, and put into session state (or the default, with a message under the control saying
what was wrong with the link); after every run the widget's value is written back to the URL,
and left out of it when it equals the default, so that links stay short.

Every control is also given its current value (`value=`, `index=`, `default=`): the browser starts a control
it draws afresh from that value (streamlit's default otherwise: the minimum, the first option), not from session
state, so a control redrawn after a run that ended early (a lesson's first visit stops at its figure gate) would
show, and send back, the minimum (seen: the transposed lesson's H, W and k all at 1 after a stride change).

The binding is done here rather than with streamlit's `bind="query-params"`: that one drops a
bad value silently, writes a selectbox's *label* into the URL, and crashes on `?k=inf` for a
whole-number input (int(float("inf")) in its deserializer).
"""

from __future__ import annotations

import math
from typing import Any, Callable

import streamlit as st


class BadValue(ValueError):
    """A URL value a control cannot show; the message completes "The link's k='…' …"."""


def _shown(raw: str) -> str:
    """The raw URL value for a message, cut short if someone pasted a novel."""
    return repr(raw if len(raw) <= 40 else raw[:37] + "...")


def seed_from_url(key: str, parse: Callable[[str], Any], default: Any) -> str | None:
    """First run of a control: session state gets the URL's value, or the default and a message. The message
    stays on later runs (a lesson's first visit runs twice: convviz.ui.widgets.figure_gate) until the control changes."""
    remembered = f"_link_problem_{key}"
    if key in st.session_state:
        problem, shown = st.session_state.get(remembered, (None, None))
        return problem if problem is not None and st.session_state[key] == shown else None
    raw = st.query_params.get(key)
    value, problem = default, None
    if raw is not None:
        try:
            value = parse(raw)
        except BadValue as error:
            problem = f"The link's {key}={_shown(raw)} {error}; showing {key}={default!r} instead."
            st.session_state[remembered] = (problem, value)
    st.session_state[key] = value
    return problem


def write_url(key: str, value: Any, default: Any) -> None:
    """The control's value into the URL; the default is left out."""
    if value == default or value is None:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value).lower() if isinstance(value, bool) else str(value)


# This run's messages about unusable link values, collected while a folded settings box is open
# (convviz.ui.widgets.present.settings_box), which then says above the fold that there are some.
LINK_PROBLEMS = "_link_problems"


def warn_link_problem(box, problem: str | None) -> None:
    """A link value that did not parse: a warning in `box`, and in the settings box's list of link problems."""
    if problem:
        box.warning(problem, icon=":material/warning:")
        if LINK_PROBLEMS in st.session_state:
            st.session_state[LINK_PROBLEMS].append(problem)


def _number(raw: str) -> float:
    """The URL value as a number (inf and nan included: the parsers say what is wrong with them)."""
    try:
        return float(raw)
    except ValueError:
        raise BadValue("is not a number") from None


def parse_int(min_value: int, max_value: int) -> Callable[[str], int]:
    """A parser for whole numbers in [min_value, max_value] ("7", "7.0"; not "7.5", "inf", "abc")."""
    def parse(raw: str) -> int:
        value = _number(raw)
        if not math.isfinite(value) or value != int(value):
            raise BadValue("is not a whole number")
        if not min_value <= int(value) <= max_value:
            raise BadValue(f"is outside {min_value}–{max_value}")
        return int(value)
    return parse


def parse_float(min_value: float, max_value: float) -> Callable[[str], float]:
    """A parser for finite numbers in [min_value, max_value]."""
    def parse(raw: str) -> float:
        value = _number(raw)
        if not math.isfinite(value) or not min_value <= value <= max_value:
            raise BadValue(f"is outside {min_value:g}–{max_value:g}")
        return value
    return parse


def _shows(key: str, shown: Any) -> bool:
    """A control that shows a value set by something else (a preset's): session state gets it, and the caller
    greys the control and leaves the URL alone. Leaving the preset keeps its values as a starting point."""
    if shown is None:
        return False
    st.session_state[key] = shown
    return True


def int_control(label: str, key: str, min_value: int, max_value: int, default: int, *, container=None,
                help: str | None = None, disabled: bool = False, shown: int | None = None) -> int:
    """A whole-number input bound to the URL parameter `key`; with `shown`, greyed and showing that value
    instead (a preset's), the URL left as it is."""
    box = container or st
    problem = seed_from_url(key, parse_int(min_value, max_value), default)
    fixed = _shows(key, shown)
    value = box.number_input(label, min_value=min_value, max_value=max_value, value=int(st.session_state[key]), step=1,
                             key=key, help=help, disabled=disabled or fixed)
    if not fixed:
        write_url(key, value, default)
    warn_link_problem(box, problem)
    return int(value)


def int_controls(specs: list[tuple], per_row: int = 0, columns=None, disabled: bool = False,
                 shown: tuple | None = None) -> tuple[int, ...]:
    """int_control per (label, key, min, max, default), one to a column: in `columns` (containers), else
    `per_row` to a row of equal columns (two rows leave a message under a control room to read); `shown`:
    the values a preset sets, one per control (see int_control)."""
    cols = columns or [col for _ in range(0, len(specs), per_row) for col in st.columns(per_row)]
    values = shown or (None,) * len(specs)
    return tuple(int_control(*spec, container=col, disabled=disabled, shown=value)
                 for spec, col, value in zip(specs, cols, values))


def float_control(label: str, key: str, min_value: float, max_value: float, default: float, *, step: float = 1.0,
                  container=None, help: str | None = None, disabled: bool = False, shown: float | None = None) -> float:
    """A number input (any finite value in range) bound to the URL parameter `key` (`shown`: as int_control)."""
    box = container or st
    problem = seed_from_url(key, parse_float(min_value, max_value), float(default))
    fixed = _shows(key, None if shown is None else float(shown))
    value = box.number_input(label, min_value=float(min_value), max_value=float(max_value),
                             value=float(st.session_state[key]), step=float(step), key=key, help=help,
                             disabled=disabled or fixed)
    if not fixed:
        write_url(key, float(value), float(default))
    warn_link_problem(box, problem)
    return float(value)


def slider_control(label: str, key: str, min_value: float, max_value: float, default: float, *, step: float,
                   container=None, help: str | None = None, disabled: bool = False) -> float:
    """A slider over [min_value, max_value] bound to the URL parameter `key`.

    A value from the link is snapped to the slider's grid (min_value + k*step) so that the slider
    can show it; floats are rounded to 6 decimals so that the URL stays readable.
    """
    box = container or st
    as_int = all(float(v).is_integer() for v in (min_value, max_value, default, step))
    cast = int if as_int else float
    check = parse_int(int(min_value), int(max_value)) if as_int else parse_float(min_value, max_value)

    def parse(raw: str):
        value = check(raw)
        snapped = min_value + round((value - min_value) / step) * step
        return cast(round(min(max_value, snapped), 6))

    problem = seed_from_url(key, parse, cast(default))
    value = box.slider(label, cast(min_value), cast(max_value), value=st.session_state[key], step=cast(step), key=key,
                       help=help, disabled=disabled)
    value = cast(round(value, 6))
    write_url(key, value, cast(default))
    warn_link_problem(box, problem)
    return value


def choice_control(label: str, key: str, options: dict[str, str], default: str, *, container=None,
                   help: str | None = None, horizontal: bool = False, disabled: bool = False,
                   on_change=None) -> str:
    """Pick one of `options` (URL value -> label shown); the URL holds the short value."""
    box = container or st
    values = list(options)

    def parse(raw: str) -> str:
        if raw not in options:
            raise BadValue(f"is not one of {', '.join(values)}")
        return raw

    problem = seed_from_url(key, parse, default)
    if horizontal:
        value = box.segmented_control(label, values, format_func=options.get, default=st.session_state[key], key=key,
                                     help=help, disabled=disabled, on_change=on_change)
        if value is None:                 # a segmented control can be clicked off: keep the default then
            value = default
    else:
        shown = st.session_state[key]
        value = box.selectbox(label, values, index=values.index(shown) if shown in values else 0,
                              format_func=options.get, key=key, help=help, disabled=disabled, on_change=on_change)
    write_url(key, value, default)
    warn_link_problem(box, problem)
    return value


def toggle_control(label: str, key: str, default: bool = False, *, container=None, help: str | None = None) -> bool:
    """An on/off switch bound to the URL parameter `key` ('true' / 'false')."""
    box = container or st

    def parse(raw: str) -> bool:
        if raw.strip().lower() not in ("true", "false", "1", "0"):
            raise BadValue("is not true or false")
        return raw.strip().lower() in ("true", "1")

    problem = seed_from_url(key, parse, default)
    value = box.toggle(label, value=bool(st.session_state[key]), key=key, help=help)
    write_url(key, bool(value), default)
    warn_link_problem(box, problem)
    return bool(value)
