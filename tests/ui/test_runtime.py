"""convviz.ui.widgets.runtime.settle_heap: the server freezes its heap after the imports, once per batch of imports.

No timings here (bench/bench_browser.py measures the server CPU it saves); these check when it freezes.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from convviz.ui.widgets import runtime

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def calls(monkeypatch):
    """gc.collect and gc.freeze replaced by counters (freezing the test process's heap would leak it)."""
    counts = {"collect": 0, "freeze": 0}
    monkeypatch.setattr(runtime.gc, "collect", lambda *a: counts.__setitem__("collect", counts["collect"] + 1))
    monkeypatch.setattr(runtime.gc, "freeze", lambda: counts.__setitem__("freeze", counts["freeze"] + 1))
    monkeypatch.setattr(runtime, "_frozen_at", None)
    monkeypatch.delenv("CONVVIZ_GC_FREEZE", raising=False)
    return counts


def test_freezes_once_and_is_idempotent(calls):
    assert runtime.settle_heap() is True
    assert [runtime.settle_heap() for _ in range(5)] == [False] * 5
    assert calls == {"collect": 1, "freeze": 1}          # collected first, so no garbage is frozen


def test_freezes_again_only_after_many_new_imports(calls, monkeypatch):
    runtime.settle_heap()
    for n in range(runtime.NEW_MODULES - 1):             # a few lazy imports: not worth another freeze
        monkeypatch.setitem(sys.modules, f"_settle_heap_dummy_{n}", object())
    assert runtime.settle_heap() is False
    monkeypatch.setitem(sys.modules, "_settle_heap_dummy_last", object())   # a lesson's first visit: torch & co
    assert runtime.settle_heap() is True
    assert runtime.settle_heap() is False
    assert calls["freeze"] == 2


@pytest.mark.parametrize("value", ["0", "false", "off"])
def test_environment_switch_turns_it_off(calls, monkeypatch, value):
    monkeypatch.setenv("CONVVIZ_GC_FREEZE", value)
    assert runtime.settle_heap() is False
    assert calls["freeze"] == 0


def test_real_freeze_in_a_fresh_process():
    code = ("import gc; from convviz.ui.widgets.runtime import settle_heap; "
            "assert gc.get_freeze_count() == 0; assert settle_heap(); n = gc.get_freeze_count(); "
            "assert n > 0 and not settle_heap() and gc.get_freeze_count() == n; print(n)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 10_000                      # streamlit, numpy… are in the permanent generation


def test_app_settles_the_heap_after_each_run():
    """app.py's last statement calls settle_heap(), after navigation(...).run() has imported the page's modules."""
    body = ast.parse((ROOT / "app.py").read_text()).body
    last, before = body[-1], body[-2]
    assert isinstance(last, ast.Expr) and ast.unparse(last.value) == "settle_heap()"
    assert ast.unparse(before.value).endswith(".run()")
