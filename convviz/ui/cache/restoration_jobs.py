"""Long restoration runs (a person's full-size photo) as background jobs: progress, queue, Cancel (issue 32).

A run on an image over SYNC_PIXELS does not block the page's script: `submit` starts it in a thread and
the page polls it from a fragment (`progress_fragment`, run_every = POLL_S seconds), so every other
control stays usable while it runs. Rules:

- Jobs run one at a time, first come first served (JOB_QUEUE, a FairQueue like the network's own);
  the page shows how many jobs are ahead. Inside a job each tile still takes the network's turn
  (convviz.restore), so a student's small sample runs between two tiles of a long job.
- One job per session: submitting another cancels the session's previous one.
- A job stops at its next tile when Cancel is pressed or when its session has ended (the browser tab
  was closed): `progress(done, total)` raises Cancelled.
- Finished results are kept per exact key (the image's digest plus every setting), the last KEEP of
  them for the whole server, so a rerun or a second visitor with the same key gets them without a run.
- Time estimate: pixels × passes × seconds per megapixel-pass, the rate measured on this server by the
  last finished job (START_RATE before any).

The job logic is plain Python, tested with threads in tests/ui/test_restoration_jobs.py; AppTest
does not run fragments, so the page tests wait on `wait` and rerun.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import streamlit as st

from convviz.restoration.inference_queue import FairQueue

SYNC_PIXELS = 400_000      # images up to this run in the page's script (the samples: 384 px side)
POLL_S = 1.0
KEEP = 4                   # finished results kept for the server
START_RATE = {"cpu": 6.0, "cuda": 0.2}    # s per megapixel-pass before any job has run (bench/bench_restore.py)
JOB_QUEUE = FairQueue(slots=1)


class Cancelled(Exception):
    """Raised inside a job's run to stop it at the next tile."""


@dataclass
class Job:
    key: tuple
    session: str
    work: float                        # megapixel-passes, for the estimate
    state: str = "queued"              # queued, running, done, cancelled, failed
    done: int = 0
    total: int = 0
    error: str = ""
    seconds: float = 0.0
    ticket: int = 0
    cancel: threading.Event = field(default_factory=threading.Event)


_LOCK = threading.Lock()
JOBS: dict[tuple, Job] = {}
RESULTS: OrderedDict = OrderedDict()           # key -> (array, seconds)
_RATE = {"s_per_mp": None}
_TICKETS = [0]


def estimate_seconds(work: float, device: str = "cpu") -> float:
    """About how long `work` megapixel-passes take here."""
    return work * (_RATE["s_per_mp"] or START_RATE.get(device, START_RATE["cpu"]))


def result(key: tuple):
    """(array, seconds) of a finished job, or None."""
    with _LOCK:
        if key in RESULTS:
            RESULTS.move_to_end(key)
            return RESULTS[key]
    return None


def job(key: tuple) -> Job | None:
    with _LOCK:
        return JOBS.get(key)


def ahead(j: Job) -> int:
    """How many jobs were submitted before this one and have not finished."""
    with _LOCK:
        return sum(1 for o in JOBS.values() if o.state in ("queued", "running") and o.ticket < j.ticket)


def _alive(session: str) -> bool:
    try:
        from streamlit import runtime
        return not runtime.exists() or runtime.get_instance().is_active_session(session)
    except Exception:        # no runtime (a plain script, a test): the job is never orphaned
        return True


def submit(key: tuple, session: str, work: float, run: Callable[[Callable[[int, int], None]], np.ndarray],
           alive: Callable[[str], bool] = _alive) -> Job:
    """Start `run(progress)` in a thread for `key` (or return the job already running for it); this session's
    other unfinished job is cancelled."""
    with _LOCK:
        existing = JOBS.get(key)
        if existing and existing.state in ("queued", "running"):
            return existing
        for other in JOBS.values():
            if other.session == session and other.state in ("queued", "running"):
                other.cancel.set()
        _TICKETS[0] += 1
        j = Job(key, session, work, ticket=_TICKETS[0])
        JOBS[key] = j

    def progress(done: int, total: int) -> None:
        j.done, j.total = done, total
        if j.cancel.is_set() or not alive(j.session):
            raise Cancelled()

    def target() -> None:
        with JOB_QUEUE.turn():
            if j.cancel.is_set() or not alive(j.session):
                j.state = "cancelled"
                return
            j.state = "running"
            t0 = time.perf_counter()
            try:
                out = run(progress)
            except Cancelled:
                j.state = "cancelled"
                return
            except Exception as error:               # shown on the page as a message, never a traceback
                j.state, j.error = "failed", str(error)
                return
            j.seconds = time.perf_counter() - t0
            with _LOCK:
                RESULTS[key] = (out, j.seconds)
                while len(RESULTS) > KEEP:
                    RESULTS.popitem(last=False)
                if j.work > 0:
                    _RATE["s_per_mp"] = j.seconds / j.work
            j.state = "done"

    threading.Thread(target=target, daemon=True, name=f"restoration-job-{j.ticket}").start()
    return j


def cancel(key: tuple) -> None:
    j = job(key)
    if j:
        j.cancel.set()


def forget(key: tuple) -> None:
    """Drop a finished, cancelled or failed job, so that the next run starts it again."""
    with _LOCK:
        j = JOBS.get(key)
        if j and j.state not in ("queued", "running"):
            del JOBS[key]


def wait(key: tuple, timeout: float = 120.0) -> Job | None:
    """Block until the job for `key` has finished (tests and scripts)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        j = job(key)
        if j is None or j.state not in ("queued", "running"):
            return j
        time.sleep(0.02)
    return job(key)


def session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "no-session"


def status_text(j: Job, estimate: float) -> str:
    """One line: where the job stands."""
    if j.state == "queued":
        n = ahead(j)
        return (f"Waiting: {n} job{'s' if n != 1 else ''} ahead of yours (one runs at a time). "
                f"About {estimate:.0f} s once it starts.")
    if j.state == "running":
        return f"Tile {j.done} of {j.total or '…'} done; about {estimate:.0f} s in all."
    return {"cancelled": "Cancelled.", "failed": f"The network could not run on this image: {j.error}",
            "done": f"Done in {j.seconds:.1f} s."}.get(j.state, j.state)


def progress_fragment(key: tuple, what: str, estimate: float) -> None:
    """The progress bar (tiles done of total), the queue position and Cancel, polled every POLL_S seconds
    in a fragment; when the job ends, one full rerun shows its result."""

    @st.fragment(run_every=POLL_S)
    def poll():
        j = job(key)
        if j is None:
            return
        if j.state not in ("queued", "running"):
            st.rerun(scope="app")
        fraction = j.done / j.total if j.total else 0.0
        st.progress(fraction, text=f"{what}: {status_text(j, estimate)}")
        st.button("Cancel", key="job_cancel", icon=":material/cancel:", on_click=cancel, args=(key,))

    poll()
