"""Walk every page's own controls through their allowed ranges: no combination ends in an uncaught error (issue 37).

The controls are read from the page itself (keyed number inputs, sliders, select boxes, segmented controls
and toggles, at the defaults and with each toggle on, which shows more), with their ranges and options, and
grouped by the section (header) they sit under. Then, through the URL, as a link would open them:

1. ends: each control alone at its lowest and highest value (or first and last option);
2. corners: each pair of controls of one section at its four corners;
3. random: seeded random values for every control of the page at once.

Sections are independent, so one run sets one case in every section at once (each control is still alone,
or one pair, within its section): the walk costs as many runs as its busiest section needs, not the sum.
A run passes when the page shows no exception box (a ValueError shown with st.error is the page doing its job) and
none of its checks against torch says "✗ differs from PyTorch" (issue 31: no disagreement at any setting).
"""

from __future__ import annotations

import itertools
import random
from functools import cache
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import flat

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
NUMERIC = ("number_input", "slider")
CHOICES = ("selectbox", "button_group")
SKIP = {"present"}                 # the presenting switch is walked by the presenting tests; it changes no numbers
RANDOM_RUNS = 4
MAX_PAIR_RUNS = 40                 # per page: pairs beyond this many runs are sampled (seeded), numbers first
# Controls without a key: the quiz's link maker is a form whose fields are the link's parameters.
FORM_KEYS = {"Questions": "count", "Seed (another seed, other questions)": "seed", "Topics": "topics"}


def _run(path: str, query: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=240)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _choices(element) -> list[str]:
    """The URL values of a select box or segmented control: convviz's choice_control formats with
    `options.get`, so the dict behind it holds them; otherwise the options as shown."""
    owner = getattr(getattr(element, "format_func", None), "__self__", None)
    return list(owner) if isinstance(owner, dict) else list(element.options)


def _domain(kind: str, element) -> list | None:
    """The values a control allows, as URL strings, lowest first (numbers: only the two ends and the grid)."""
    if kind in NUMERIC:
        lo, hi, step = element.min, element.max, element.step or 1
        as_int = all(float(v).is_integer() for v in (lo, hi, step))
        if as_int:
            return [str(int(v)) for v in range(int(lo), int(hi) + 1, int(step))]
        n = int(round((hi - lo) / step))
        return [repr(round(lo + i * step, 6)) for i in range(n + 1)]
    if kind in CHOICES:
        return _choices(element)
    if kind == "multiselect":                                   # each option alone, then all of them
        options = _choices(element)
        return options + [",".join(options)]
    if kind in ("toggle", "checkbox"):
        return ["false", "true"]
    return None


def _read(at: AppTest, found: dict) -> None:
    """Add the page's keyed controls to `found` (key -> (section, values)), in page order."""
    section = "top"
    for kind, _, element in flat(at.main):
        if kind in ("header", "title"):
            section = element.value
            continue
        key = getattr(element, "key", None) or FORM_KEYS.get(getattr(element, "label", None))
        if not key or str(key).startswith("$$") or key in SKIP or key in found:
            continue
        values = _domain(kind, element)
        if values and len(values) > 1 and not getattr(element, "disabled", False):
            found[key] = (section, values)


@cache
def controls(path: str) -> dict:
    """key -> (section, allowed values as URL strings), read from the page at its defaults and with each
    toggle switched on (which shows the controls it reveals)."""
    at = _run(path, {})
    assert not at.exception, [e.value for e in at.exception]
    found = {}
    _read(at, found)
    for key in [k for k, (_, values) in found.items() if values == ["false", "true"]]:
        _read(_run(path, {key: "true"}), found)
    return found


def _sections(path: str) -> dict[str, list[str]]:
    out = {}
    for key, (section, _) in controls(path).items():
        out.setdefault(section, []).append(key)
    return out


def _batched(cases_by_section: dict[str, list[dict]]) -> list[dict]:
    """Run r sets the r-th case of every section at once."""
    longest = max((len(c) for c in cases_by_section.values()), default=0)
    runs = []
    for r in range(longest):
        query = {}
        for cases in cases_by_section.values():
            if r < len(cases):
                query.update(cases[r])
        runs.append(query)
    return runs


def end_runs(path: str) -> list[dict]:
    table = controls(path)
    return _batched({section: [{key: table[key][1][end]} for key in keys for end in (0, -1)]
                     for section, keys in _sections(path).items()})


def _numbers_first(table: dict, pair: tuple[str, str]) -> int:
    """Pairs of two numeric controls (sizes, strides, …: where shapes stop fitting) come first; seeds last."""
    numeric = sum(table[key][1][0].lstrip("-").replace(".", "", 1).isdigit() for key in pair)
    seeds = sum("seed" in key for key in pair)
    return -numeric + 2 * seeds


def corner_runs(path: str) -> list[dict]:
    """Each pair of one section at its four corners; a section with more than MAX_PAIR_RUNS / 4 pairs keeps
    its numeric pairs first, then a seeded sample of the rest (the same every run)."""
    table = controls(path)
    cases = {}
    for section, keys in _sections(path).items():
        pairs = list(itertools.combinations(keys, 2))
        random.Random(f"{path}:{section}").shuffle(pairs)
        pairs = sorted(pairs, key=lambda pair: _numbers_first(table, pair))[:MAX_PAIR_RUNS // 4]
        cases[section] = [{a: table[a][1][i], b: table[b][1][j]} for a, b in pairs for i in (0, -1) for j in (0, -1)]
    return _batched(cases)


def random_runs(path: str) -> list[dict]:
    rng = random.Random(f"{path}:random")
    table = controls(path)
    return [{key: rng.choice(values) for key, (_, values) in table.items()} for _ in range(RANDOM_RUNS)]


def disagreements(at: AppTest) -> list[str]:
    """The page's own checks that say they disagree with torch ("✗ differs from PyTorch", layout.torch_check)."""
    said = [e.value for kind in ("markdown", "caption", "warning", "error") for e in at.get(kind)]
    return [text[:200] for text in said if "✗ differs from PyTorch" in text]


def walk(path: str, runs: list[dict]) -> list[tuple[dict, list[str]]]:
    """The runs that end in an exception box, or in a check that disagrees with torch, with what they showed."""
    failures = []
    for query in runs:
        at = _run(path, query)
        shown = [e.value.splitlines()[0][:200] for e in at.exception] + disagreements(at)
        if shown:
            failures.append((query, shown))
    return failures


@pytest.mark.parametrize("path", PAGES)
def test_every_control_alone_at_its_ends(path):
    assert controls(path), f"{path}: no controls read from the page"
    assert walk(path, end_runs(path)) == []


@pytest.mark.parametrize("path", PAGES)
def test_pairs_of_one_section_at_their_corners(path):
    assert walk(path, corner_runs(path)) == []


@pytest.mark.parametrize("path", PAGES)
def test_seeded_random_combinations(path):
    assert walk(path, random_runs(path)) == []


@pytest.mark.parametrize("query", [{"cb_k": "7", "cb_s": "1"}, {"cb_k": "7", "cb_n": "2"}, {"cb_s": "1", "cb_n": "2"}])
def test_the_checkerboard_links_of_the_issue_show_a_message_and_the_rest_of_the_page(query):
    at = _run("pages/transposed_convolution.py", query)
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "n·s ≥ k" in errors and "no window fits" in errors
    assert any(b.label.startswith("Use ") for b in at.button)              # the nearest setting that works
    headers = [h.value for h in at.header]
    assert headers.index("Checkerboard artifacts") < len(headers) - 1     # the sections after it are still drawn


def test_the_offered_setting_works_and_keeps_the_control_moved_last():
    at = _run("pages/transposed_convolution.py", {})
    at.slider(key="cb_k").set_value(7).run()
    at.slider(key="cb_s").set_value(1).run()                                # s moved last: s stays 1
    button = next(b for b in at.button if b.label.startswith("Use "))
    assert "s =" not in button.label
    button.click().run()
    assert not at.exception and not [e for e in at.error if "n·s ≥ k" in e.value]
    k, s, n = at.slider(key="cb_k").value, at.slider(key="cb_s").value, at.number_input(key="cb_n").value
    assert s == 1 and n * s >= k and (k, n) != (7, 4)                       # s kept; k or n moved until it fits


def test_the_walk_reads_the_checkerboard_controls_from_the_page():
    table = controls("pages/transposed_convolution.py")
    assert {"cb_k", "cb_s", "cb_n"} <= set(table)
    assert table["cb_k"][1][-1] == "7" and table["cb_s"][1][0] == "1" and table["cb_n"][1][0] == "2"
    assert table["cb_k"][0] == table["cb_s"][0] == table["cb_n"][0] == "Checkerboard artifacts"
    corners = corner_runs("pages/transposed_convolution.py")
    assert any(q.get("cb_k") == "7" and q.get("cb_s") == "1" for q in corners)


LEAKY_PAGE = '''
import streamlit as st
from convviz.arithmetic import conv_output_size

st.header("A section that lets its error through")
n = st.number_input("Input size n", 4, 8, int(st.query_params.get("n", 8)), key="n")
k = st.number_input("Kernel size k", 1, 7, int(st.query_params.get("k", 3)), key="k")
st.write(f"Output size: {conv_output_size(n, k)}")       # k > n raises ValueError, and nothing catches it
'''


def test_the_walk_fails_on_a_section_that_leaves_its_error_uncaught(tmp_path):
    """The check of the check (issue 37): each control alone at its ends fits, so only the corner k = 7, n = 4 fails,
    and the walk finds it, as it would have found the checkerboard links of the issue."""
    path = tmp_path / "leaky.py"
    path.write_text(LEAKY_PAGE)
    assert set(controls(str(path))) == {"n", "k"}
    assert walk(str(path), end_runs(str(path))) == []
    failures = walk(str(path), corner_runs(str(path)))
    assert [query for query, _ in failures] == [{"n": "4", "k": "7"}]
    assert failures[0][1][0].startswith("This app has encountered an error")    # the red box the issue saw


def test_the_walk_fails_on_a_check_that_disagrees_with_torch(tmp_path):
    path = tmp_path / "disagrees.py"
    path.write_text(LEAKY_PAGE.replace('st.write(f"Output size: {conv_output_size(n, k)}")',
                                       'st.caption("✗ differs from PyTorch (max |difference| 1)" if n == 8 else "✓ ok")'))
    failures = walk(str(path), end_runs(str(path)))
    assert failures and all(query.get("n", "8") == "8" for query, _ in failures)
    assert failures[0][1] == ["✗ differs from PyTorch (max |difference| 1)"]
