"""Issue 32 item 7: a 24 MP denoising job peaks within 1.5 GB of memory (RSS, measured in a fresh process).

The real network on 24 MP takes minutes on a 2-core CPU, so the bound is assembled from two measured parts
(tests/restoration/peak_memory.py; the full 24 MP run is recorded by bench/bench_memory.py in docs/benchmarks.md):

- the job's full-size buffers, measured at the real 24 MP (6000 × 4000 colour) with the network replaced by a
  copy (no activations, seconds to run): the result array and whatever else scales with the image;
- the network's activations, the real net's peak minus the copy's peak on the same 1024 × 1024 image (four
  tiles): they depend on the tile (restore.TILE plus its overlap), not on the image, once there is more than one.

peak(24 MP) <= input + buffers(24 MP) + activations(tile) <= 1.5 GB.
"""
import os

import pytest

from convviz import restore
from tests.restoration.peak_memory import measure

LIMIT_MIB = 1.5e9 / 2**20         # 1.5 GB
H, W = 4000, 6000                 # 24 MP

pytestmark = [
    pytest.mark.skipif(not os.access("/proc/self/clear_refs", os.W_OK), reason="needs Linux's peak-RSS reset"),
    pytest.mark.skipif(not restore.weights_path(restore.DENOISER).exists(), reason="denoiser weights not shipped"),
]


@pytest.fixture(scope="module")
def parts():
    return {"copy24": measure(H, W, net="copy", timeout=600), "copy1": measure(1024, 1024, net="copy", timeout=600),
            "real1": measure(1024, 1024, net="real", timeout=600)}


def test_full_size_buffers_are_one_float32_result(parts):
    """No full-size copy of the input or of the output: the job's own growth at 24 MP is the float32 result
    (H·W·3·4 bytes = 275 MiB) plus at most 100 MiB (a tile, the gray check's masks, allocator slack)."""
    result_mib = H * W * 3 * 4 / 2**20
    row = parts["copy24"]
    assert row["tiles"] == 96
    assert result_mib <= row["job_mib"] <= result_mib + 100, row


def test_activations_are_bounded_by_the_tile(parts):
    activations = parts["real1"]["job_mib"] - parts["copy1"]["job_mib"]
    assert 0 < activations < 400, (parts["real1"], parts["copy1"])


def test_a_24_megapixel_job_stays_within_1_5_gb(parts):
    copy24, activations = parts["copy24"], parts["real1"]["job_mib"] - parts["copy1"]["job_mib"]
    bound = copy24["input_mib"] + copy24["job_mib"] + activations
    assert copy24["input_mib"] >= H * W * 3 * 8 / 2**20 * 0.99      # the float64 upload is counted too
    assert bound <= LIMIT_MIB, (bound, parts)
