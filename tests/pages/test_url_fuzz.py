"""Hostile links: every page in pages/, every URL parameter it reads, garbage values. No exception escapes.

A page's parameters are the keys of its widgets at its defaults (they are the URL parameter
names), plus every key its source hands to a URL-bound control or reads from st.query_params
(some controls only appear in another state, e.g. the denoiser's own σ). Two tests:

- named cases: every parameter of a page set at once to one kind of garbage (negative, huge,
  NaN/inf, 10,000 characters, unicode, control characters, empty, a key repeated). When the value is
  unusable for every control, each control the page shows says so under it, the message is short
  (the value is not echoed whole), and the page is the default one, whole: nothing is lost;
- hypothesis: random mixtures of such values over random subsets of the parameters.
"""

import ast
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
CONTROLS = {"int_control", "float_control", "slider_control", "choice_control", "toggle_control", "step_control"}

# kind of garbage -> (value, or a list for a repeated key; unusable by every control?)
CASES = {
    "negative": ("-7", False),
    "huge": ("1e308", True),
    "huge integer": ("9" * 400, True),               # float() gives inf
    "nan": ("nan", True),
    "inf": ("inf", True),
    "-inf": ("-inf", True),
    "10k characters": ("x" * 10_000, True),
    "10k digits": ("1" * 10_000, True),               # int() would refuse it (4300-digit limit); float() gives inf
    "unicode": ("🙂∞ä\u202e漢", True),
    "unicode digits": ("３", False),                  # Python's float() reads a full-width 3 as 3.0
    "control characters": ("\x00\n\t\x1b[2J", True),
    "empty": ("", True),
    "repeated, bad last": (["3", "nan"], True),       # st.query_params.get gives the last value
    "repeated, good last": (["nan", "1"], False),
}
EMPTY_IS_A_VALUE = {"stack"}   # receptive fields: `stack=` is the empty layer stack, a view of its own
NOT_A_PARAMETER = {"net_text"}  # your network: the text box's key; its text travels compressed as `net=` (fuzzed too)
MAX_MESSAGE = 600   # characters: a message names the bad value, it does not paste 10,000 of them

NASTY = st.one_of(
    st.sampled_from(["", "abc", "-1", "0", "1e999", "-1e999", "nan", "NaN", "inf", "-inf", "1.5", "99999999999999999999",
                     "true", "false", "None", "[]", "{}", "'; DROP TABLE", "%00", "\u00e9\u00e8", "1,2", " 3 ", "0x10",
                     "３", "٣", "\u202e", "🙂", "\x00"]),
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=30),
    st.just("9" * 5000),
    st.just("é" * 10_000),
    st.lists(st.sampled_from(["1", "nan", "", "-5", "abc"]), min_size=2, max_size=3),   # a repeated key
)


def ui_sources(path: str) -> list[Path]:
    """The page's file and every convviz/ui module it imports, directly or through another ui module."""
    seen, todo = [], [ROOT / path]
    while todo:
        source = todo.pop()
        if source in seen:
            continue
        seen.append(source)
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("convviz.ui"):
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                todo += [m for n in names if (m := ROOT / (n.replace(".", "/") + ".py")).exists()]
    return seen


def source_keys(path: str) -> set[str]:
    """Keys in the page's source and its UI modules: 2nd argument (or key=) of a URL-bound control, the key of
    each (label, key, …) spec handed to int_controls, st.query_params.get('…')."""
    keys = set()
    for source in ui_sources(path):
        for node in ast.walk(ast.parse(source.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            args = node.args[1:2] if name in CONTROLS else []
            args += [kw.value for kw in node.keywords if kw.arg == "key" and name in CONTROLS]
            if name == "get" and "query_params" in ast.unparse(node.func):
                args = node.args[:1]
            if name == "int_controls" and node.args and isinstance(node.args[0], ast.List):
                args += [spec.elts[1] for spec in node.args[0].elts if isinstance(spec, ast.Tuple) and len(spec.elts) > 1]
            keys.update(a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return keys


def run(path: str, query: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def chart_count(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


@cache
def defaults(path: str) -> tuple[tuple[str, ...], tuple[str, ...], int]:
    """(widget keys shown at the defaults, every URL key, plotly charts at the defaults)."""
    at = run(path, {})
    assert not at.exception, [e.value for e in at.exception]
    shown = set(at.query_params)
    for kind in ["number_input", "slider", "selectbox", "toggle", "checkbox", "radio", "text_input",
                 "select_slider", "multiselect", "segmented_control", "text_area"]:
        try:
            elements = at.get(kind)
        except Exception:   # noqa: BLE001 - a kind this streamlit version's AppTest does not name
            continue
        shown.update(e.key for e in elements if getattr(e, "key", None) and not str(e.key).startswith("$$"))
    return tuple(sorted(shown)), tuple(sorted(shown | source_keys(path))), chart_count(at)


def assert_no_exception(at, query):
    assert not at.exception, ({k: str(v)[:40] for k, v in query.items()}, [e.value for e in at.exception])


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("path", PAGES)
def test_every_parameter_with_one_kind_of_garbage(path, case):
    value, unusable = CASES[case]
    shown, keys, charts = defaults(path)
    query = {key: value for key in keys if not (value == "" and key in EMPTY_IS_A_VALUE)}
    at = run(path, query)
    assert_no_exception(at, query)
    assert at.title, "the page lost its title"
    messages = [m.value for kind in ("warning", "error", "info") for m in getattr(at, kind)]
    assert all(len(m) <= MAX_MESSAGE for m in messages), max(messages, key=len)[:200]
    if unusable:
        complaints = " ".join(w.value for w in at.warning)
        silent = [key for key in shown
                  if f"The link's {key}=" not in complaints and key != "stack" and key not in NOT_A_PARAMETER]
        assert silent == [], f"no message for {silent}"
        assert chart_count(at) == charts, "the default view did not come back whole"


@pytest.mark.parametrize("path", PAGES)
def test_garbage_in_every_url_parameter(path):
    _, keys, _ = defaults(path)
    assert keys, f"{path} reads no URL parameters"

    @settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(keys), NASTY, min_size=1, max_size=len(keys)))
    def check(query):
        assert_no_exception(run(path, query), query)

    check()


def test_source_keys_find_controls_hidden_at_the_defaults():
    """The denoiser's own-σ controls only appear with noise=real; the source scan still finds them."""
    assert {"own_sigma", "sigma_net", "noise", "zx"} <= source_keys("pages/denoising.py")
    assert "stack" in source_keys("pages/receptive_fields.py")
