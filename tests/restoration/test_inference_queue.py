"""convviz.restoration.inference_queue: one run at a time, in arrival order, with real threads.

No test measures speed: threads are ordered with events and by watching the queue's length
(`wait_until` only guards against a hang).
"""

import threading
import time

import numpy as np
import pytest

from convviz import restore

from convviz.lessons.shared import bn_training_demo
from convviz.restoration.image_input import decode_image, encode_png
from convviz.restoration.inference_queue import DECODING, INFERENCE, FairQueue


def wait_until(condition, what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.005)


def start(target, *args) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def test_one_at_a_time_and_in_arrival_order():
    queue, order, inside, most = FairQueue(), [], [0], [0]
    lock = threading.Lock()

    def work(n):
        with queue.turn():
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                order.append(n)
            time.sleep(0.001)                      # give a wrongly admitted second thread a chance to overlap
            with lock:
                inside[0] -= 1

    with queue.turn():                             # hold the turn while five threads queue up, one by one
        threads = []
        for n in range(5):
            threads.append(start(work, n))
            wait_until(lambda: queue.waiting == n + 1, f"thread {n} to queue")
        assert order == [] and queue.running == 1
    for thread in threads:
        thread.join(60)
    assert order == [0, 1, 2, 3, 4]
    assert most[0] == 1
    assert queue.waiting == 0 and queue.running == 0


def test_two_slots_let_two_run_together():
    queue = FairQueue(slots=2)
    both_inside = threading.Barrier(2, timeout=60)   # breaks (BrokenBarrierError) if only one can get in
    results = []

    def work():
        with queue.turn():
            results.append(both_inside.wait())

    threads = [start(work) for _ in range(2)]
    for thread in threads:
        thread.join(60)
    assert sorted(results) == [0, 1]


def test_an_exception_passes_the_turn_on():
    queue = FairQueue()
    with pytest.raises(RuntimeError, match="out of memory"):
        with queue.turn():
            raise RuntimeError("out of memory")
    assert queue.running == 0
    done = threading.Event()

    def work():
        with queue.turn():
            done.set()

    start(work)
    assert done.wait(60)


def test_nested_turns_in_one_thread_do_not_deadlock():
    queue = FairQueue()
    with queue.turn():
        with queue.turn():
            assert queue.running == 1
        assert queue.running == 1
    assert queue.running == 0


def test_slots_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        FairQueue(slots=0)


shipped = pytest.mark.skipif(not all(restore.weights_path(n).exists() for n in (restore.DENOISER, "subpixel_x2")),
                             reason="shipped weights missing")
IMAGE = np.linspace(0, 1, 24 * 32).reshape(24, 32)


@pytest.mark.parametrize("queue, run", [
    pytest.param(INFERENCE, lambda: restore.denoise(IMAGE, 25), marks=shipped, id="denoise"),
    pytest.param(INFERENCE, lambda: restore.upscale(IMAGE, 2), marks=shipped, id="upscale"),
    pytest.param(INFERENCE, lambda: restore.feature_maps(IMAGE, 1, 25), marks=shipped, id="feature_maps"),
    pytest.param(INFERENCE, lambda: bn_training_demo.compare((0.01, 0.1), steps=1, batch_size=8), id="bn_training_demo"),
    pytest.param(DECODING, lambda: decode_image(encode_png(IMAGE)), id="decode_upload"),
])
def test_every_network_run_and_decode_waits_for_its_turn(queue, run):
    """While another session holds the turn, a run queues and does not start; then it finishes."""
    done = threading.Event()
    with queue.turn():
        thread = start(lambda: (run(), done.set()))
        wait_until(lambda: queue.waiting == 1, "the run to queue")
        assert not done.is_set()
    thread.join(120)
    assert done.is_set() and queue.waiting == 0 and queue.running == 0
