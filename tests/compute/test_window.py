"""The step-by-step window: its taps sum to F.conv2d's value, and it reads the right cells."""

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convviz.window import all_window_steps, window_step


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(1, 8), st.integers(1, 8), st.integers(1, 4), st.integers(1, 4),
       st.integers(1, 3), st.integers(0, 2), st.integers(1, 2), st.booleans(), st.integers(0, 2**31))
def test_each_step_sums_to_torch(c, h, w, kh, kw, s, p, d, flip, seed):
    assume(h + 2 * p >= d * (kh - 1) + 1 and w + 2 * p >= d * (kw - 1) + 1)
    rng = np.random.default_rng(seed)
    x, k = rng.standard_normal((c, h, w)), rng.standard_normal((c, kh, kw))
    used = torch.from_numpy(k.copy())
    if flip:
        used = torch.flip(used, dims=(-2, -1))
    y = F.conv2d(torch.from_numpy(x)[None], used[None], torch.tensor([0.5], dtype=torch.float64),
                 stride=s, padding=p, dilation=d)[0, 0].numpy()
    steps = all_window_steps(x, k, bias=0.5, stride=s, padding=p, dilation=d, flip=flip)
    assert len(steps) == y.size
    for step in steps:
        assert abs(step.total - y[step.i, step.j]) < 1e-10
        assert len(step.taps) == c * kh * kw


def test_dilated_window_reads_every_other_cell():
    x = np.arange(25.0).reshape(5, 5)
    step = window_step(x, np.ones((2, 2)), 0, 1, dilation=2, padding=0, stride=1)
    assert step.rows_cols() == [(0, 1), (0, 3), (2, 1), (2, 3)]
    assert [t.x for t in step.taps] == [1, 3, 11, 13]


def test_padding_taps_are_marked_and_zero():
    step = window_step(np.ones((3, 3)), np.ones((3, 3)), 0, 0, padding=1)
    assert sum(t.is_padding for t in step.taps) == 5
    assert all(t.x == 0 for t in step.taps if t.is_padding)
    assert step.total == 4


