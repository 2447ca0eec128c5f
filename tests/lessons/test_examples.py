"""Note 004's Exercise 7.1 and the lesson's inputs and kernels."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convviz.lessons.shared.examples import EXERCISE_7_1, KERNEL_CHOICES, exercise_7_1, input_values, kernel_values


def test_exercise_7_1_reproduces_the_note():
    """Note 004, Example 7.1 (Tarokh, Duke ECE685), Solution 7.1: Y, max and average pooling as printed."""
    ex = exercise_7_1()
    np.testing.assert_array_equal(ex["y"], [[0, 5, 8, 0], [6, 10, 1, 5], [4, 0, 2, 11], [0, 1, 11, 3]])
    np.testing.assert_array_equal(ex["max_pool"], [[10, 8], [4, 11]])
    np.testing.assert_allclose(ex["avg_pool"], [[21 / 4, 7 / 2], [5 / 4, 27 / 4]], atol=1e-15)


def test_exercise_7_1_agrees_with_torch():
    e = EXERCISE_7_1
    x, w = torch.from_numpy(e["x"])[None], torch.from_numpy(e["w"])[None]
    y = F.relu(F.conv2d(x, w, torch.tensor([2.0], dtype=torch.float64), padding=1))
    np.testing.assert_array_equal(exercise_7_1()["y"], y[0, 0].numpy())
    np.testing.assert_array_equal(exercise_7_1()["max_pool"], F.max_pool2d(y, 2)[0, 0].numpy())
    np.testing.assert_allclose(exercise_7_1()["avg_pool"], F.avg_pool2d(y, 2)[0, 0].numpy(), atol=1e-15)


def test_exercise_7_1_typo_is_found():
    """The note prints 11 for X2*W2 at row 1, column 3; torch (cross-correlation) gives 1. Only that cell differs."""
    ex = exercise_7_1()
    assert ex["typos"] == [(2, 1, 3, 11.0, 1.0)]
    e = EXERCISE_7_1
    true_map = F.conv2d(torch.from_numpy(e["x"][2])[None, None], torch.from_numpy(e["w"][2])[None, None], padding=1)
    assert true_map[0, 0, 1, 3].item() == 1.0


def test_the_note_means_cross_correlation():
    """With a true (flipped) convolution the note's per-channel maps would not come out."""
    from convviz.conv import convolve2d
    e = EXERCISE_7_1
    assert not np.array_equal(convolve2d(e["x"][0], e["w"][0], padding=1), e["printed_channel_maps"][0])


def test_inputs_are_seeded_and_shaped():
    a, b = input_values("random", 3, 4, 6, seed=7), input_values("random", 3, 4, 6, seed=7)
    assert a.shape == (3, 4, 6) and np.array_equal(a, b)
    assert not np.array_equal(a, input_values("random", 3, 4, 6, seed=8))
    np.testing.assert_array_equal(input_values("edge", 1, 2, 4), [[[0, 0, 1, 1], [0, 0, 1, 1]]])
    np.testing.assert_array_equal(input_values("ramp", 2, 2, 2)[1], [[1, 2], [2, 3]])


@pytest.mark.parametrize("name", list(KERNEL_CHOICES))
def test_every_kernel_choice_builds(name):
    assert kernel_values(name, 2, 3, 3).shape == (2, 3, 3)


def test_named_filter_with_wrong_size_says_why():
    with pytest.raises(ValueError, match="3×3"):
        kernel_values("sobel_x", 1, 5, 5)


def test_note_002_slide_examples_agree_with_torch():
    """Note 002's two slides print no result: the app's values are torch's (float64)."""
    from convviz.conv import convolve2d, cross_correlate2d
    from convviz.lessons.shared.examples import CONV_PRESETS

    flip = CONV_PRESETS["note002_flip"]
    expected = [[3, 7, 9, 4], [7, 0, 5, 6], [0, 8, 3, 3], [5, 5, 2, 1]]
    np.testing.assert_array_equal(cross_correlate2d(flip.x, flip.w), expected)
    np.testing.assert_array_equal(convolve2d(flip.x, flip.w), expected)          # the kernel is 180°-symmetric
    torch_y = F.conv2d(torch.from_numpy(flip.x)[None], torch.from_numpy(flip.w)[None])[0, 0]
    np.testing.assert_array_equal(torch_y.numpy(), expected)

    lap = CONV_PRESETS["note002_laplacian"]
    np.testing.assert_array_equal(lap.x[0], np.pad(np.ones((3, 3)), 1))
    y = F.conv2d(torch.from_numpy(lap.x)[None], torch.from_numpy(lap.w)[None])[0, 0].numpy()
    np.testing.assert_array_equal(y, [[-2, -1, -2], [-1, 0, -1], [-2, -1, -2]])
    np.testing.assert_array_equal(cross_correlate2d(lap.x, lap.w), y)
    same = F.conv2d(torch.from_numpy(lap.x)[None], torch.from_numpy(lap.w)[None], padding=1)[0, 0].numpy()
    np.testing.assert_array_equal(cross_correlate2d(lap.x, lap.w, padding=1), same)
    assert same[0, 2] == 1 and same[0, 0] == 0                                    # the ring outside the square


def test_square_pattern_keeps_a_zero_border():
    x = input_values("square", 2, 4, 6)
    np.testing.assert_array_equal(x[0], np.pad(np.ones((2, 4)), 1))
    np.testing.assert_array_equal(x[1], x[0] + 1)
    assert input_values("square", 1, 1, 1).shape == (1, 1, 1)
