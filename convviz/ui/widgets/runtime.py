"""The server process's heap: freeze what the imports and models left, so that collections skip it.

After every script run Streamlit collects garbage over the whole heap (`runner.postScriptGC`, on by
default). With torch, plotly and pandas imported that is ~300,000 tracked objects, which cost
260–400 ms of CPU per click, more than the page's own script (issue 23; docs/benchmarks.md,
"Server CPU per action"). `gc.freeze()` moves every object alive now into a permanent generation
that no collection walks again, so the post-run collection (and Python's own full collections) only
look at what the runs made since: a few milliseconds.

`settle_heap()` is called at the end of every run of app.py. It freezes the first time, and again
only after a run that imported many new modules (the first visit to a lesson imports torch and its
figures; later runs import nothing), so a process freezes a handful of times in its life, each time
after a full collection, so that no garbage is frozen with the modules. Whatever that run still held
(its figures, the session's state) is frozen too, and if it later becomes cyclic garbage it is never
collected: a bounded amount, once per freeze (bench/soak_test.py checks that memory stays flat over
hundreds of actions on every page; docs/benchmarks.md).

`CONVVIZ_GC_FREEZE=0` in the server's environment turns it off (for benchmarks: bench/bench_browser.py).
"""

from __future__ import annotations

import gc
import os
import sys
import threading

NEW_MODULES = 100        # freeze again only after a run that imported at least this many modules

_lock = threading.Lock()  # sessions run in their own threads
_frozen_at: int | None = None   # len(sys.modules) at the last freeze; None: never frozen


def enabled() -> bool:
    return os.environ.get("CONVVIZ_GC_FREEZE", "1").strip().lower() not in ("0", "false", "no", "off")


def settle_heap() -> bool:
    """Collect once and freeze the heap if nothing was frozen yet or many modules were imported since.

    Returns whether it froze. Idempotent: a second call with nothing new imported does nothing."""
    global _frozen_at
    if not enabled():
        return False
    with _lock:
        loaded = len(sys.modules)
        if _frozen_at is not None and loaded - _frozen_at < NEW_MODULES:
            return False
        gc.collect()          # what is garbage now goes; what is left is kept for the process's life
        gc.freeze()
        _frozen_at = loaded
        return True
