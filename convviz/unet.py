"""Sizes through a U-Net: the original valid-convolution network and the padded ("same") variant.

U-Net (Ronneberger, Fischer & Brox 2015; notes 000 and 003): a contracting path of `depth` stages,
each two 3×3 convs then a 2×2 max pool with stride 2, a bottom stage of two 3×3 convs, then an
expanding path: a 2×2 up-conv (stride 2, size ×2), the encoder map of that level copied across and
concatenated, and two 3×3 convs; a 1×1 conv gives the output.

- valid (the paper's): a 3×3 conv without padding takes 2 off each side length, n -> n − 2, so the
  encoder map is larger than the decoder's and is centre-cropped before the concatenation. The paper's
  572 × 572 input gives a 388 × 388 output, with crops 568 → 392, 280 → 200, 136 → 104, 64 → 56.
- padded: 3×3 convs with padding 1 keep n, so no crop is needed and the output is n × n.

Every pool must see an even size (an odd one drops its last row and column and the halves no longer
line up); for the padded variant that means n divisible by 2^depth. The sizes follow the conv output
formula n_out = ⌊(n + 2p − k)/s⌋ + 1 and the transposed-conv formula n_out = s(n − 1) + k − 2p
(note 003), here 2(n − 1) + 2 = 2n. Checked against a torch U-Net in tests/compute/test_unet.py
(convviz/torch_ref/unet.py builds it).
"""

from __future__ import annotations

import numpy as np

from convviz.arithmetic import conv_output_size

MAX_DEPTH = 6
PAPER_INPUT, PAPER_OUTPUT, PAPER_DEPTH = 572, 388, 4          # Ronneberger et al. 2015, Fig. 1


def _conv3(n: int, padded: bool, where: str) -> int:
    """n_out = n + 2p − 3 + 1: n − 2 (valid, p = 0) or n (padded, p = 1)."""
    if n < 3 and not padded:
        raise ValueError(f"{where}: a 3×3 valid conv needs at least 3 × 3 but gets {n} × {n}; "
                         "the input is too small for this depth.")
    return conv_output_size(n, 3, 1, 1 if padded else 0)


def _pool2(n: int, where: str, padded: bool) -> int:
    """n_out = ⌊(n − 2)/2⌋ + 1 = n/2 for even n; an odd n loses its last row and column."""
    if n % 2:
        need = "the input size must be divisible by 2^depth" if padded else "every pool must see an even size"
        raise ValueError(f"{where}: the 2×2 max pool gets {n} × {n}, an odd size (its last row and column would be "
                         f"dropped and the skip connections would no longer line up); {need}.")
    return conv_output_size(n, 2, 2, 0)


def _up2(n: int) -> int:
    """2×2 up-conv with stride 2 (note 003: n_out = s(n − 1) + k − 2p = 2(n − 1) + 2 = 2n)."""
    return 2 * (n - 1) + 2


def _check(n, depth) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"The input size must be a whole number ≥ 1 (got {n!r}).")
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"The depth (number of pooling steps) must be a whole number from 1 to {MAX_DEPTH} "
                         f"(got {depth!r}).")


def unet_table(n: int, depth: int = PAPER_DEPTH, padded: bool = False) -> list[dict]:
    """One row per operation of a U-Net on an n × n input: stage, operation, size in, size out, skip
    (the crop "from → to" where an encoder map joins the decoder, else ""). Raises ValueError naming
    the first step that cannot run (an odd size at a pool, or a valid conv on less than 3 × 3).

    >>> rows = unet_table(572); rows[-1]["size out"], [r["skip"] for r in rows if r["skip"]]
    (388, ['64 → 56', '136 → 104', '280 → 200', '568 → 392'])
    """
    _check(n, depth)
    try:
        return _rows(int(n), int(depth), padded)
    except ValueError as error:
        variant = "padded" if padded else "valid"
        raise ValueError(f"A {n} × {n} input does not go through the {variant} U-Net of depth {depth}. {error}") from None


def _rows(n: int, depth: int, padded: bool) -> list[dict]:
    conv = "3×3 conv, padding 1" if padded else "3×3 conv (valid)"
    rows, skips, size = [], [], int(n)

    def add(stage, operation, new, skip=""):
        nonlocal size
        rows.append({"stage": stage, "operation": operation, "size in": size, "size out": new, "skip": skip})
        size = new

    for level in range(1, depth + 1):
        stage = f"down {level}"
        add(stage, conv, _conv3(size, padded, f"Down {level}, first conv"))
        add(stage, conv, _conv3(size, padded, f"Down {level}, second conv"))
        skips.append(size)
        add(stage, "2×2 max pool, stride 2", _pool2(size, f"Down {level}", padded))
    add("bottom", conv, _conv3(size, padded, "Bottom, first conv"))
    add("bottom", conv, _conv3(size, padded, "Bottom, second conv"))
    for level in range(depth, 0, -1):
        stage = f"up {level}"
        add(stage, "2×2 up-conv, stride 2", _up2(size))
        enc = skips[level - 1]
        if enc < size or (enc - size) % 2:            # cannot happen with even pools; kept as a guard
            raise ValueError(f"Up {level}: the encoder map ({enc}) cannot be centre-cropped to {size}.")
        add(stage, f"crop down {level}'s map, concatenate", size, f"{enc} → {size}")
        add(stage, conv, _conv3(size, padded, f"Up {level}, first conv"))
        add(stage, conv, _conv3(size, padded, f"Up {level}, second conv"))
    add("output", "1×1 conv", size)
    return rows


def unet_output_size(n: int, depth: int = PAPER_DEPTH, padded: bool = False) -> int:
    """The output side length (raises ValueError like unet_table)."""
    return unet_table(n, depth, padded)[-1]["size out"]


def skip_crops(n: int, depth: int = PAPER_DEPTH, padded: bool = False) -> list[tuple[int, int]]:
    """(encoder size, cropped size) of every skip connection, deepest first."""
    return [(int(r["skip"].split(" → ")[0]), r["size out"]) for r in unet_table(n, depth, padded) if r["skip"]]


def works(n: int, depth: int = PAPER_DEPTH, padded: bool = False) -> bool:
    """Whether an n × n input goes through (every pool sees an even size, every valid conv ≥ 3)."""
    try:
        unet_table(n, depth, padded)
    except ValueError:
        return False
    return True


def working_sizes(lo: int, hi: int, depth: int = PAPER_DEPTH, padded: bool = False) -> list[tuple[int, int]]:
    """(input size, output size) for every input size in [lo, hi] that goes through."""
    return [(n, unet_output_size(n, depth, padded)) for n in range(max(1, lo), hi + 1) if works(n, depth, padded)]


def nearest_working(n: int, depth: int = PAPER_DEPTH, padded: bool = False, each_side: int = 3,
                    most: int = 4096) -> list[tuple[int, int]]:
    """Up to `each_side` working (input, output) sizes below n and as many from n up (n itself included
    when it works), searching every size in 1 … `most` (an empty list means none there goes through).

    The whole range is walked, not a window around n: a size that fails at the first pool is refused
    in one step, so the walk is cheap, and a small n still finds the first size that works far above it
    (valid U-Net, depth 5: 380 is the smallest input that goes through).

    >>> nearest_working(100, 5)
    [(380, 4), (412, 36), (444, 68)]
    """
    below, above = [], []
    for m in range(min(n - 1, most), 0, -1):
        if len(below) == each_side:
            break
        if works(m, depth, padded):
            below.insert(0, (m, unet_output_size(m, depth, padded)))
    for m in range(max(1, n), most + 1):
        if len(above) == each_side:
            break
        if works(m, depth, padded):
            above.append((m, unet_output_size(m, depth, padded)))
    return below + above
