"""U-Net size arithmetic (convviz.unet) against the paper's numbers and a torch U-Net built on the fly."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.unet import (nearest_working, skip_crops, unet_output_size, unet_table, working_sizes, works)
from convviz.torch_ref.unet import unet_torch_rows


def test_the_papers_numbers():
    """Ronneberger et al. 2015, Fig. 1: 572 × 572 in, 388 × 388 out; the copied maps 568, 280, 136, 64
    are cropped to 392, 200, 104, 56; the bottom ends at 28 (32 → 30 → 28)."""
    rows = unet_table(572, 4)
    assert rows[-1]["size out"] == 388 and unet_output_size(572) == 388
    assert skip_crops(572) == [(64, 56), (136, 104), (280, 200), (568, 392)]
    bottom = [r for r in rows if r["stage"] == "bottom"]
    assert [(r["size in"], r["size out"]) for r in bottom] == [(32, 30), (30, 28)]
    pools = [r["size in"] for r in rows if "pool" in r["operation"]]
    assert pools == [568, 280, 136, 64]
    assert len(rows) == 4 * 3 + 2 + 4 * 4 + 1
    for before, after in zip(rows, rows[1:]):
        assert after["size in"] == before["size out"]


def test_padded_keeps_the_size_and_crops_nothing():
    rows = unet_table(512, 4, padded=True)
    assert rows[-1]["size out"] == 512
    assert skip_crops(512, 4, padded=True) == [(64, 64), (128, 128), (256, 256), (512, 512)]
    assert [r["size out"] for r in rows if "conv" in r["operation"] and "up" not in r["operation"]
            and r["stage"].startswith("down")] == [512, 512, 256, 256, 128, 128, 64, 64]


@pytest.mark.parametrize("n, depth, padded, words", [
    (570, 4, False, ["A 570 × 570 input does not go through the valid U-Net of depth 4",
                     "Down 2: the 2×2 max pool gets 279 × 279, an odd size", "every pool must see an even size"]),
    (520, 4, True, ["Down 4: the 2×2 max pool gets 65 × 65", "divisible by 2^depth"]),
    (12, 4, False, ["needs at least 3 × 3 but gets 2 × 2"]),
    (0, 4, False, ["whole number ≥ 1"]),
    (572, 0, False, ["depth"]),
    (572, 7, False, ["depth"]),
])
def test_bad_sizes_name_the_step(n, depth, padded, words):
    with pytest.raises(ValueError) as error:
        unet_table(n, depth, padded)
    for word in words:
        assert word in str(error.value)


def test_working_sizes():
    """Valid, depth 4: the inputs that go through are 16 apart (572 = 16·28 + 124); the smallest is 188 → 4."""
    sizes = working_sizes(1, 700, 4)
    assert sizes[0] == (188, 4)
    assert (572, 388) in sizes
    assert all(b[0] - a[0] == 16 and b[1] - a[1] == 16 for a, b in zip(sizes, sizes[1:]))
    assert all(n % 16 == 572 % 16 for n, _ in sizes)
    assert working_sizes(1, 100, 3, padded=True) == [(n, n) for n in range(8, 101, 8)]
    assert nearest_working(572) == [(524, 340), (540, 356), (556, 372), (572, 388), (588, 404), (604, 420)]
    assert nearest_working(570) == [(524, 340), (540, 356), (556, 372), (572, 388), (588, 404), (604, 420)]
    assert nearest_working(10, 2, True) == [(4, 4), (8, 8), (12, 12), (16, 16), (20, 20)]


def test_every_size_agrees_with_brute_force_over_single_steps():
    """works(n) is true exactly when no pool in the table sees an odd size and every conv gets ≥ 3 (depth 2)."""
    for n in range(1, 120):
        expected = True
        size = n
        for _ in range(2):
            size -= 4
            if size < 1 or size % 2:
                expected = False
                break
            size //= 2
        if expected:
            bottom = size - 4
            size = bottom
            for _ in range(2):
                size = 2 * size - 4
                if bottom < 1 or size < 1:
                    expected = False
        assert works(n, 2) == expected, n


@pytest.mark.parametrize("n, depth, padded", [(572, 4, False), (512, 4, True), (572, 5, False), (64, 5, True)])
def test_torch_unet_has_the_tables_shapes(n, depth, padded):
    assert unet_torch_rows(n, depth, padded) == unet_table(n, depth, padded)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 160), st.integers(1, 4), st.booleans())
def test_torch_unet_agrees_on_random_sizes(n, depth, padded):
    """Where the table says a size goes through, torch's shapes at every step equal it; where it refuses,
    torch either fails (a map too small) or one of its pools sees an odd size."""
    try:
        table = unet_table(n, depth, padded)
    except ValueError:
        try:
            rows = unet_torch_rows(n, depth, padded)
        except RuntimeError:
            return
        assert any(r["size in"] % 2 for r in rows if "pool" in r["operation"]), (n, depth, padded)
        return
    assert unet_torch_rows(n, depth, padded) == table
