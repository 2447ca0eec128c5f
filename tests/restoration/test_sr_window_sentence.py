"""The super-resolution page's sentence about the bicubic downscaling window, generated from the weights and
checked against PIL's own downscale of an impulse at x2, x3, x4 (issue: "11 weights over a 12-pixel-wide window")."""
import numpy as np
import pytest
from PIL import Image

from convviz.lessons.super_resolution import window_sentence
from convviz.restoration.degradation import bicubic_downscale_weights


def pil_weights(scale: int) -> np.ndarray:
    """Weight of each input pixel for output pixel 8, read off PIL by shrinking one impulse at a time."""
    n = 16 * scale
    out = []
    for j in range(n):
        row = np.zeros((1, n), np.float32)
        row[0, j] = 1
        out.append(np.asarray(Image.fromarray(row, mode="F").resize((16, 1), Image.BICUBIC))[0, 8])
    w = np.array(out)
    return w[np.flatnonzero(np.abs(w) > 1e-7)[0]:np.flatnonzero(np.abs(w) > 1e-7)[-1] + 1]


@pytest.mark.parametrize("scale, count, zeros", [(2, 8, 0), (3, 11, 2), (4, 16, 0)])
def test_window_sentence_says_what_pil_does(scale, count, zeros):
    weights = bicubic_downscale_weights(scale)
    theirs = pil_weights(scale)
    assert len(theirs) == count and np.allclose(theirs, weights, atol=1e-6)
    text = window_sentence(weights)
    assert text.startswith(f"{count} weights per axis") and f"{count}-pixel-wide window" in text
    assert (f"({zeros} of them exactly 0)" in text) == bool(zeros)
    assert int(np.sum(np.abs(weights) < 1e-12)) == zeros
    assert "-" not in text.replace("-pixel-wide", "") and "−" in text          # a real minus sign
    low = float(text.split(" from ")[1].split(" to ")[0].replace("−", "-"))
    assert low == pytest.approx(weights.min(), abs=5e-4)
