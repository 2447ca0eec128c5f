"""One network run at a time, first come first served, for every session of the server.

Streamlit runs each session's script in its own thread, and torch gives every run all the CPU
cores. Twenty students pressing a button at once would start twenty runs that share two cores
and all finish late (and hold twenty runs' activations in memory). Instead every network call in
convviz.restore and the batch-norm training demo takes a turn here:

    with INFERENCE.turn():
        y = model(x)

Turns are granted in arrival order (a ticket queue, not a bare lock, whose waiter order is up to
the OS). A thread that already holds a turn may take it again (nested calls do not deadlock).
Results are cached per exact input by convviz/ui/cache/restoration.py, so a second student
with the same image and settings waits for the first run and gets its result, without a run.
Uploads are decoded one at a time too (DECODING, a queue of its own), which bounds memory.
Tested with threads in tests/restoration/test_inference_queue.py.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager


class FairQueue:
    """At most `slots` holders at once; waiters are admitted in the order they arrived."""

    def __init__(self, slots: int = 1):
        if slots < 1:
            raise ValueError(f"slots must be at least 1, got {slots}")
        self.slots = slots
        self._cond = threading.Condition()
        self._next_ticket = 0      # handed to the next arrival
        self._admitted = 0         # tickets below this have had their turn
        self._running = 0
        self._mine = threading.local()   # nesting depth per thread

    @contextmanager
    def turn(self):
        """Wait for this thread's turn, hold it for the `with` block, then pass it on."""
        depth = getattr(self._mine, "depth", 0)
        if depth:                                   # nested: this thread already holds a turn
            self._mine.depth = depth + 1
            try:
                yield
            finally:
                self._mine.depth = depth
            return
        with self._cond:
            ticket = self._next_ticket
            self._next_ticket += 1
            self._cond.wait_for(lambda: ticket == self._admitted and self._running < self.slots)
            self._admitted += 1
            self._running += 1
            self._cond.notify_all()                 # with slots > 1 the next ticket may start too
        self._mine.depth = 1
        try:
            yield
        finally:
            self._mine.depth = 0
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    @property
    def waiting(self) -> int:
        """How many threads are queued (not yet running)."""
        with self._cond:
            return self._next_ticket - self._admitted

    @property
    def running(self) -> int:
        with self._cond:
            return self._running


INFERENCE = FairQueue(slots=1)   # one run uses every core (CPU) or the whole GPU
DECODING = FairQueue(slots=1)    # one upload decoded at a time (convviz.restoration.image_input: 0.5 GB for 40 MP)
