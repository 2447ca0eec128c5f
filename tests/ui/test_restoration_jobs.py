"""convviz.ui.cache.restoration_jobs with threads: progress, one job per session, Cancel, a session that ended, queue order."""
import threading

import numpy as np

from convviz.ui.cache import restoration_jobs as jobs


def stepper(total, gate=None, out=None):
    out = np.zeros(2) if out is None else out

    def run(progress):
        for i in range(1, total + 1):
            if gate is not None:
                gate.wait(5)
            progress(i, total)
        return out
    return run


def test_a_job_reports_tiles_and_keeps_its_result():
    j = jobs.submit(("t", 1), "s1", 1.0, stepper(3))
    assert jobs.wait(("t", 1)).state == "done" and (j.done, j.total) == (3, 3)
    assert jobs.result(("t", 1))[0].shape == (2,)
    assert jobs.estimate_seconds(2.0) == 2 * j.seconds / 1.0                  # the measured rate


def test_cancel_and_one_job_per_session_and_ended_sessions():
    gate = threading.Event()
    first = jobs.submit(("t", 2), "s2", 1.0, stepper(5, gate))
    second = jobs.submit(("t", 3), "s2", 1.0, stepper(2))                  # same session: the first is cancelled
    gate.set()
    assert jobs.wait(("t", 2)).state == "cancelled" and first.cancel.is_set()
    assert jobs.wait(("t", 3)).state == "done" and second.done == 2
    gate2 = threading.Event()
    jobs.submit(("t", 4), "s3", 1.0, stepper(5, gate2))
    jobs.cancel(("t", 4))
    gate2.set()
    assert jobs.wait(("t", 4)).state == "cancelled" and jobs.result(("t", 4)) is None
    jobs.forget(("t", 4))
    assert jobs.job(("t", 4)) is None
    gone = jobs.submit(("t", 5), "s4", 1.0, stepper(3), alive=lambda s: False)   # the tab was closed
    assert jobs.wait(("t", 5)).state == "cancelled" and gone.done <= 1


def test_jobs_queue_in_order_and_say_how_many_are_ahead():
    gate = threading.Event()
    a = jobs.submit(("t", 6), "s5", 1.0, stepper(1, gate))
    b = jobs.submit(("t", 7), "s6", 1.0, stepper(1))
    assert jobs.ahead(b) == 1 and jobs.ahead(a) == 0
    assert b.state == "queued" and "1 job ahead" in jobs.status_text(b, 3.0)
    gate.set()
    assert jobs.wait(("t", 7)).state == "done" and a.state == "done"
