"""Hostile links: every page, every URL parameter it reads, garbage values. No exception escapes.

Each page is opened once at its defaults to learn its parameters (the keys of its widgets, which
are the URL parameter names); hypothesis then fills them with garbage, negatives, huge numbers,
NaN/inf and very long strings. A page may show messages, never an exception.
"""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from convviz.ui.layout import LESSONS

ROOT = Path(__file__).resolve().parents[1]
PAGES = [f"pages/{lesson.page}" for lesson in LESSONS if lesson.available]

NASTY = st.one_of(
    st.sampled_from(["", "abc", "-1", "0", "1e999", "-1e999", "nan", "NaN", "inf", "-inf", "1.5", "99999999999999999999",
                     "true", "false", "None", "[]", "{}", "'; DROP TABLE", "%00", "\u00e9\u00e8", "1,2", " 3 ", "0x10"]),
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=30),
    st.just("9" * 5000),
)


def url_keys(path: str) -> list[str]:
    """The URL parameters a page reads: its widget keys (buttons excluded) and what it wrote to the URL."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    keys = set(at.query_params)
    for kind in ["number_input", "slider", "selectbox", "toggle", "checkbox", "radio", "text_input",
                 "select_slider", "multiselect", "segmented_control", "text_area"]:
        try:
            elements = at.get(kind)
        except Exception:   # noqa: BLE001 - a kind this streamlit version's AppTest does not name
            continue
        keys.update(e.key for e in elements if getattr(e, "key", None) and not str(e.key).startswith("$$"))
    return sorted(keys)


@pytest.mark.parametrize("path", PAGES)
def test_garbage_in_every_url_parameter(path):
    keys = url_keys(path)
    assert keys, f"{path} reads no URL parameters"

    @settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(keys), NASTY, min_size=1, max_size=len(keys)))
    def check(query):
        at = AppTest.from_file(str(ROOT / path), default_timeout=120)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, (query, [e.value for e in at.exception])

    check()
