"""One way to cache a lesson's builder: `cached(builder)`, keyed on its arguments (frozen settings
objects or a few numbers and names, never arrays).

Resources by default: the result (figures, dicts of arrays) is shared between reruns and sessions
rather than copied, so a rerun that changed nothing is a dictionary look-up; pages only read it.
`copies=True` caches data instead (st.cache_data: every caller gets its own copy).
"""

from __future__ import annotations

from typing import Callable, TypeVar

import streamlit as st

F = TypeVar("F", bound=Callable)


def cached(builder: F, max_entries: int = 32, *, spinner: bool | str = False, copies: bool = False) -> F:
    """`builder` behind st.cache_resource (st.cache_data with copies=True), at most `max_entries` results kept."""
    cache = st.cache_data if copies else st.cache_resource
    return cache(max_entries=max_entries, show_spinner=spinner)(builder)
