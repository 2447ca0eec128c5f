"""Note 000's super-resolution degradation (r×r average pool, stride r) against torch, PIL's bicubic
downscaling weights against PIL itself, and the page's comparison sentence against its numbers."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.restoration import baselines

from convviz.restoration import imaging
from convviz.restoration.degradation import (DEGRADATIONS, average_pool_downscale, bicubic_downscale_weights,
                                    compare_degradations, degrade)


def avg_pool_torch(hr: np.ndarray, r: int) -> np.ndarray:
    """F.avg_pool2d(kernel_size=r, stride=r) in float64 on (H, W) or (H, W, C), channels first inside."""
    x = torch.from_numpy(np.asarray(hr, dtype=np.float64))
    x = x[None, None] if x.ndim == 2 else x.permute(2, 0, 1)[None]     # (1, C, H, W)
    y = F.avg_pool2d(x, kernel_size=r, stride=r)[0]                     # (C, H//r, W//r)
    return (y[0] if hr.ndim == 2 else y.permute(1, 2, 0)).numpy()


@settings(max_examples=60, deadline=None)
@given(r=st.sampled_from([2, 3, 4]), h=st.integers(4, 23), w=st.integers(4, 23), colour=st.booleans(),
       seed=st.integers(0, 2**31 - 1))
def test_average_pool_equals_torch_avg_pool2d_for_any_size(r, h, w, colour, seed):
    if min(h, w) < r:
        return
    hr = np.random.default_rng(seed).random((h, w, 3) if colour else (h, w))
    ours = average_pool_downscale(hr, r)
    assert ours.dtype == np.float64 and ours.shape[:2] == (h // r, w // r)
    np.testing.assert_allclose(ours, avg_pool_torch(hr, r), rtol=0, atol=1e-15)
    # torch's floor drops the same bottom rows and right columns that crop_to_multiple cuts
    np.testing.assert_allclose(ours, avg_pool_torch(imaging.crop_to_multiple(hr, r), r), rtol=0, atol=1e-15)


def test_average_pool_by_hand():
    x = np.arange(35, dtype=np.float64).reshape(5, 7)      # 5×7, r = 2: row 4 and column 6 are cropped
    assert average_pool_downscale(x, 2).tolist() == [[4.0, 6.0, 8.0], [18.0, 20.0, 22.0]]


@pytest.mark.parametrize("shape", [(50, 61), (50, 61, 3)])
@pytest.mark.parametrize("r", [2, 3, 4])
def test_degrade_shares_the_truth_and_keeps_bicubic_as_before(shape, r):
    hr = np.random.default_rng(r).random(shape)
    truth_b, low_b = degrade(hr, r, "bicubic")
    truth_a, low_a = degrade(hr, r, "average")
    ref_truth, ref_low = baselines.downscale(hr, r)
    np.testing.assert_array_equal(truth_b, ref_truth)
    np.testing.assert_array_equal(truth_a, ref_truth)
    np.testing.assert_array_equal(low_b, ref_low)                      # the default keeps its old meaning
    assert truth_a.shape[:2] == (50 - 50 % r, 61 - 61 % r) and low_a.shape == low_b.shape
    np.testing.assert_allclose(low_a, avg_pool_torch(ref_truth, r), rtol=0, atol=1e-15)
    assert np.abs(low_a - low_b).max() > 0.01                          # the two degradations really differ


def test_degrade_refuses_an_unknown_degradation():
    with pytest.raises(ValueError, match="bicubic, average"):
        degrade(np.zeros((12, 12)), 2, "gaussian")
    assert list(DEGRADATIONS) == ["bicubic", "average"]


@pytest.mark.parametrize("r", [2, 3, 4])
def test_bicubic_weights_are_pils(r):
    """Shrink a one-pixel impulse with PIL: output pixel i takes input pixel p with weight w[p - start]."""
    n, i = 12 * r, 6
    response = np.array([imaging.pil_bicubic(np.tile(np.eye(n)[p], (4, 1)), (4, n // r))[0, i] for p in range(n)])
    w = bicubic_downscale_weights(r)
    assert len(w) == 4 * r - r % 2 and w.sum() == pytest.approx(1.0, abs=1e-12)
    start = round((i + 0.5) * r - 0.5 - (len(w) - 1) / 2)
    np.testing.assert_allclose(response[start:start + len(w)], w, atol=1e-7)       # PIL float mode is float32
    assert np.abs(np.delete(response, range(start, start + len(w)))).max() == 0
    assert w.min() < 0 and w[0] < 0 and w[-1] < 0                                    # negative at the edges


def test_comparison_is_worded_from_the_numbers():
    avg = {"Nearest": 25.30, "Bicubic": 27.42, "SRCNN": 28.44, "Sub-pixel net": 28.87}
    bic = {"Nearest": 25.20, "Bicubic": 27.39, "SRCNN": 28.89, "Sub-pixel net": 29.77}
    text = compare_degradations(avg, bic)
    assert "rose for Nearest (+0.10 dB) and Bicubic (+0.03 dB)" in text
    assert "fell for SRCNN (−0.45 dB) and Sub-pixel net (−0.90 dB)" in text
    assert "+1.45 dB here (Sub-pixel net) against +2.38 dB" in text and text.endswith("smaller.")


def test_comparison_says_rose_when_the_networks_gain():
    avg = {"Nearest": 25.0, "Bicubic": 27.0, "SRCNN": 30.0, "Sub-pixel net": 29.0}
    bic = {"Nearest": 25.0, "Bicubic": 27.5, "SRCNN": 29.0, "Sub-pixel net": 28.9}
    text = compare_degradations(avg, bic)
    assert "rose for SRCNN (+1.00 dB) and Sub-pixel net (+0.10 dB)" in text
    assert "fell for Bicubic (−0.50 dB)" in text and "stayed within 0.005 dB for Nearest" in text
    assert "+3.00 dB here (SRCNN) against +1.50 dB" in text and text.endswith("larger.")
    assert "fell for SRCNN" not in text


def test_comparison_without_networks_has_no_lead_sentence():
    text = compare_degradations({"Nearest": 20.0, "Bicubic": 21.0}, {"Nearest": 20.5, "Bicubic": 21.0})
    assert "lead" not in text and "fell for Nearest (−0.50 dB)" in text
