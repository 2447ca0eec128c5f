"""Receptive-field arithmetic three ways: note 002's worked example, published numbers for real
networks, and autograd on random stacks (hypothesis)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from convviz.lessons.snippets.receptive_fields import autograd_snippet
from convviz.receptive import (PRESETS, Layer, check_size, dilation_stacks, effective_width_text,
                               field_bounds, format_stack, formula_lines, narrowest_window, parse_stack,
                               receptive_field_table, stack_from_rows, stack_rows)
from convviz.torch_ref.receptive import (effective_field_marginal, effective_field_width, effective_field_window,
                                         effective_receptive_field, empirical_receptive_field,
                                         empirical_receptive_fields, gradient_maps, path_counts, random_networks)


def numbers(row):
    return row["n"], row["j"], row["r"], row["start"]


# --- Note 002 -------------------------------------------------------------------------------------


def test_note_002_worked_example():
    """Note 002, "Math of the Receptive Fields": n0 = 5, then Conv1 and Conv2 with k 3, p 1, s 2 give
    (n, j, r, start) = (3, 2, 3, 0.5) and then (2, 4, 7, 0.5)."""
    n, layers = PRESETS["note002"]
    table = receptive_field_table(n, layers)
    assert [numbers(row) for row in table] == [(5, 1, 1, 0.5), (3, 2, 3, 0.5), (2, 4, 7, 0.5)]
    assert [row["name"] for row in table] == ["input", "conv1", "conv2"]
    assert empirical_receptive_field(9, layers) == 7       # on 9 pixels the centre unit's 7 fit inside


def test_formula_lines_substitute_the_numbers():
    lines = formula_lines(5, PRESETS["note002"][1])
    assert "n = ⌊(5 + 2·1 − 3) / 2⌋ + 1 = **3**" in lines[0]
    assert "r = 3 + (3−1)·2 = **7**" in lines[1]


# --- Published numbers ------------------------------------------------------------------------------

# google-research/receptive_field, receptive_field/RECEPTIVE_FIELD_TABLE.md (TF-slim models, computed by
# its rf_benchmark.py), read 2026-11-23: (end-point, RF, effective stride, effective padding). The
# effective padding P is where the first field begins, so start = r/2 - P in note 002's units.
PUBLISHED = {
    "alexnet": [("conv1", 11, 4, 0), ("pool1", 19, 8, 0), ("conv2", 51, 8, 16), ("conv3", 99, 16, 32),
                ("conv4", 131, 16, 48), ("conv5", 163, 16, 64), ("pool5", 195, 32, 64)],
    "vgg16": [("conv1_1", 3, 1, 1), ("pool1", 6, 2, 2), ("conv2_1", 10, 2, 4), ("pool2", 16, 4, 6),
              ("conv3_1", 24, 4, 10), ("conv3_2", 32, 4, 14), ("pool3", 44, 8, 18), ("conv4_1", 60, 8, 26),
              ("conv4_2", 76, 8, 34), ("pool4", 100, 16, 42), ("conv5_1", 132, 16, 58),
              ("conv5_2", 164, 16, 74), ("pool5", 212, 32, 90)],
    # resnet_v1_50 block ends; TF's 'SAME' pads pool1 on one side only, so its P is 2 more than ours.
    "resnet50": [("block1/unit3/conv3", 35, 8, 15), ("block2/unit4/conv3", 99, 16, 47),
                 ("block3/unit6/conv3", 291, 32, 143), ("block4/unit3/conv3", 483, 32, 239)],
}


@pytest.mark.parametrize("preset", list(PUBLISHED))
def test_presets_match_the_published_table(preset):
    n, layers = PRESETS[preset]
    rows = {row["name"]: row for row in receptive_field_table(n, layers)}
    for name, r, j, padding in PUBLISHED[preset]:
        assert (rows[name]["r"], rows[name]["j"]) == (r, j), name
        tf_same_shift = 2 if preset == "resnet50" else 0    # see _resnet50's docstring
        assert rows[name]["start"] == r / 2 - padding - tf_same_shift, name


def test_preset_final_rows():
    """Issue 7's published finals: AlexNet pool5 r 195 j 32, VGG-16 pool5 r 212 j 32, ResNet-50 r 483 j 32."""
    finals = {name: receptive_field_table(*PRESETS[name])[-1] for name in ("alexnet", "vgg16", "resnet50")}
    assert (finals["alexnet"]["name"], finals["alexnet"]["r"], finals["alexnet"]["j"]) == ("pool5", 195, 32)
    assert (finals["vgg16"]["name"], finals["vgg16"]["r"], finals["vgg16"]["j"]) == ("pool5", 212, 32)
    assert (finals["resnet50"]["r"], finals["resnet50"]["j"], finals["resnet50"]["n"]) == (483, 32, 7)
    assert [finals[k]["n"] for k in ("alexnet", "vgg16")] == [6, 7]
    assert PRESETS["alexnet"][0] == 227 and PRESETS["vgg16"][0] == PRESETS["resnet50"][0] == 224


def test_resnet_field_is_checked_by_autograd_on_a_larger_input():
    """483 > 224: the centre unit's field is cut at 224, so the check runs where it fits (r is independent of n)."""
    n, layers = PRESETS["resnet50"]
    size = check_size(n, layers)
    assert size is not None and size > 483
    table = receptive_field_table(size, layers)
    assert empirical_receptive_fields(size, layers, dims=1) == [row["r"] for row in table[1:]]
    assert empirical_receptive_fields(n, layers, dims=1)[-1] == n      # cut: autograd sees the whole image


# --- Autograd on random stacks ---------------------------------------------------------------------


@st.composite
def stacks(draw, most=4):
    layers = []
    for _ in range(draw(st.integers(1, most))):
        kind = draw(st.sampled_from(["conv", "pool"]))
        k = draw(st.integers(1, 5))
        s = draw(st.integers(1, 3))
        if kind == "conv":
            layers.append(Layer("conv", k, s, draw(st.integers(0, 2)), draw(st.integers(1, 3))))
        else:
            layers.append(Layer("pool", k, s, draw(st.integers(0, k // 2))))
    return layers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.integers(1, 20), stacks())
def test_formulas_agree_with_autograd(n, layers):
    """Where the centre unit's field [lo, hi) lies inside the input, the gradient is non-zero over exactly r
    pixels (2-D and 1-D agree); where it is cut by the border, over fewer."""
    try:
        table = receptive_field_table(n, layers)
    except ValueError:
        assume(False)
    maps = gradient_maps(n, layers, dims=2)
    widths_1d = empirical_receptive_fields(n, layers, dims=1)
    for row, g, w1 in zip(table[1:], maps, widths_1d):
        c = (row["n"] - 1) // 2
        lo, hi = field_bounds(row, c)
        cols = np.flatnonzero(np.abs(g).sum(0) > 0)
        if not cols.size:                  # its taps all land on padding (dilation can skip the input)
            assert lo < 0 or hi > n
            continue
        assert np.array_equal(np.flatnonzero(np.abs(g).sum(1) > 0), cols)   # a square field
        assert cols[-1] - cols[0] + 1 == w1
        assert lo <= cols[0] and cols[-1] + 1 <= hi           # nothing outside [lo, hi) ever contributes
        if lo >= 0 and hi <= n:
            assert (cols[0], cols[-1] + 1) == (lo, hi)
            assert w1 == row["r"]


@settings(max_examples=25, deadline=None)
@given(stacks(most=3))
def test_check_size_makes_every_field_fit(layers):
    size = check_size(1, layers, most=256)
    assume(size is not None)
    table = receptive_field_table(size, layers)
    assert empirical_receptive_fields(size, layers, dims=1) == [row["r"] for row in table[1:]]


def test_a_mixed_stack_on_the_smallest_input_that_holds_its_field():
    layers = parse_stack("c3s2p1,p2s2,c3d2p2")
    n = check_size(8, layers)
    assert n == 27
    assert empirical_receptive_field(n, layers) == receptive_field_table(n, layers)[-1]["r"] == 21


@pytest.mark.parametrize("text", ["c3s2p1,c3s2p1", "c3s2p1,p2s2,c3d2p2", "p3s2p1,c5p2d3", ""])
def test_autograd_snippet_prints_r(text, capsys):
    """The code the page shows runs and prints the table's r (style F: the code behind the view, executed)."""
    layers = parse_stack(text)
    n = check_size(5, layers)
    exec(autograd_snippet(n, layers), {})
    assert capsys.readouterr().out == f"r = {receptive_field_table(n, layers)[-1]['r']}\n"


# --- The effective field ----------------------------------------------------------------------------


def test_effective_field_is_a_blob_inside_the_theoretical_field():
    """Luo et al. 2016: with random weights the gradient mass sits in the middle; nothing falls outside r."""
    n, layers = 33, parse_stack("c3p1," * 5 + "c3p1")
    erf = effective_receptive_field(n, layers, trials=3)
    row = receptive_field_table(n, layers)[-1]
    lo, hi = field_bounds(row, (row["n"] - 1) // 2)
    support = np.flatnonzero(erf.sum(0) > 0)
    assert support[0] >= lo and support[-1] + 1 <= hi
    assert np.unravel_index(np.argmax(erf), erf.shape) == pytest.approx((16, 16), abs=1)
    assert effective_field_width(n, layers, trials=3, field=erf) < row["r"]
    again = effective_receptive_field(n, layers, trials=3)
    np.testing.assert_array_equal(erf, again)                # seeded


def test_effective_field_of_an_empty_stack_is_the_pixel_itself():
    erf = effective_receptive_field(5, [])
    assert erf[2, 2] == 1 and erf.sum() == 1


def brute_force_window(profile, mass=0.95):
    """Every (start, width), narrowest first then leftmost; direct sums, no prefix sums."""
    profile = np.asarray(profile, dtype=np.float64)
    total = profile.sum()
    if total <= 0:
        return 0, 0
    for width in range(1, profile.size + 1):
        for start in range(profile.size - width + 1):
            if profile[start:start + width].sum() >= mass * total:
                return start, width


def test_narrowest_window_examples():
    assert narrowest_window(np.array([0, 0, 1, 0, 0.0])) == (2, 1)
    assert narrowest_window(np.ones(9)) == (0, 9)
    assert narrowest_window(np.zeros(4)) == (0, 0)
    # the reviewer's case: an off-centre peak. Grown around the argmax (column 1) it took 5 columns; 3 hold it all
    assert narrowest_window(np.array([0, 4.637, 4.485, 4.494, 0])) == (1, 3)
    assert narrowest_window(np.array([0, 10, 1, 1, 1, 1, 0.0]), mass=0.5) == (1, 1)
    assert narrowest_window(np.array([1, 1, 1, 1.0]), mass=0.5) == (0, 2)
    with pytest.raises(ValueError, match="non-negative"):
        narrowest_window(np.array([1, -1.0]))
    with pytest.raises(ValueError, match="mass"):
        narrowest_window(np.ones(3), mass=0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=30), st.sampled_from([0.5, 0.9, 0.95, 1.0]))
def test_narrowest_window_is_the_brute_force_minimum(values, mass):
    """Whole numbers: every sum is exact, so the two searches must agree to the column."""
    assert narrowest_window(np.array(values, dtype=np.float64), mass) == brute_force_window(values, mass)


def marginal_torch(n, layers, trials, channels=4, seed=0):
    """An independent twin of effective_field_marginal: nn modules in float64, the same draws, backward()."""
    import torch
    import torch.nn as nn

    if not layers:
        out = np.zeros(n)
        out[(n - 1) // 2] = 1.0
        return out
    last_conv = max(i for i, layer in enumerate(layers) if layer.kind == "conv") if any(
        layer.kind == "conv" for layer in layers) else -1
    total = np.zeros(n)
    for x, weights in random_networks(n, layers, trials, channels, seed):
        modules = []
        for i, (layer, w) in enumerate(zip(layers, weights)):
            if layer.kind == "conv":
                conv = nn.Conv2d(channels, channels, layer.kernel_size, layer.stride, layer.padding, layer.dilation,
                                 bias=False).double()
                with torch.no_grad():
                    conv.weight.copy_(w.double())
                modules.append(conv)
                if i != last_conv:
                    modules.append(nn.ReLU())
            else:
                modules.append(nn.MaxPool2d(layer.kernel_size, layer.stride, layer.padding))
        x64 = x.double().requires_grad_(True)
        y = nn.Sequential(*modules)(x64)
        c = (y.shape[-1] - 1) // 2
        y[0, :, c, c].sum().backward()
        total += x64.grad[0].abs().sum(dim=(0, 1)).numpy()       # channels, then rows: (n,) over the columns
    return total / trials


STACKS = st.lists(st.builds(Layer, st.just("conv"), st.integers(1, 4), st.integers(1, 2), st.integers(0, 2),
                            st.integers(1, 3))
                  | st.builds(Layer, st.just("pool"), st.integers(2, 3), st.integers(1, 2), st.integers(0, 1)),
                  min_size=1, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(STACKS, st.integers(5, 40), st.sampled_from([0.5, 0.9, 0.95]))
def test_effective_field_width_on_random_stacks(layers, n, mass):
    """Strides, dilation and pooling: the marginal matches torch autograd (nn modules, float64), its
    support lies inside the centre unit's theoretical field, and the width is the brute-force minimum, ≤ r."""
    try:
        row = receptive_field_table(n, layers)[-1]
    except ValueError:
        assume(False)
    marginal = effective_field_marginal(n, layers, trials=2)
    np.testing.assert_allclose(marginal, marginal_torch(n, layers, trials=2), rtol=1e-4, atol=1e-6)
    lo, hi = field_bounds(row, (row["n"] - 1) // 2)
    support = np.flatnonzero(marginal > 0)
    if support.size:
        assert support[0] >= lo and support[-1] + 1 <= hi
    start, width = effective_field_window(n, layers, mass, trials=2)
    assert (start, width) == brute_force_window(marginal, mass)
    assert width <= row["r"] and width <= n
    assert effective_field_width(n, layers, mass, trials=2) == width


@pytest.mark.parametrize("name", list(PRESETS))
def test_effective_field_width_of_every_preset_is_at_most_r(name):
    """Every layer of the small presets and of AlexNet and VGG-16; ResNet-50 at its block ends."""
    n, layers = PRESETS[name]
    depths = range(1, len(layers) + 1)
    if name == "resnet50":
        depths = [i + 1 for i, layer in enumerate(layers) if layer.name.endswith("unit1/conv1")] + [len(layers)]
    table = receptive_field_table(n, layers)
    for depth in depths:
        field = effective_receptive_field(n, layers[:depth], trials=1)
        width = effective_field_width(n, layers[:depth], field=field)
        assert 1 <= width <= table[depth]["r"], (name, depth)
        assert effective_field_window(n, layers[:depth], field=field) == brute_force_window(field.sum(0))


def test_the_reviewers_cases_are_now_within_r():
    """Note 002 layer 1 (r = 3) read 5 and VGG-16 pool1 (r = 6) read 7 when the window grew around the peak."""
    n, layers = PRESETS["note002"]
    assert effective_field_window(n, layers[:1]) == (1, 3)
    n, layers = PRESETS["vgg16"]
    assert effective_field_window(n, layers[:3]) == (108, 6)
    np.testing.assert_allclose(effective_field_marginal(5, PRESETS["note002"][1][:1], trials=32),
                               marginal_torch(5, PRESETS["note002"][1][:1], trials=32), rtol=1e-5)


def test_effective_width_text_follows_the_numbers():
    assert "much smaller" not in effective_width_text(3, 1, 3, 5)
    assert "as wide as the theoretical one" in effective_width_text(3, 1, 3, 5)
    assert "much smaller" in effective_width_text(10, 0, 20, 40) and "10/20 = 50% of r" in effective_width_text(10, 0, 20, 40)
    text = effective_width_text(134, 46, 195, 227)
    assert "**134** contiguous input columns (columns 46 … 179)" in text and "68% of r" in text
    assert "much smaller" not in text
    assert "99% of r" in effective_width_text(199, 0, 200, 300)          # rounded down, never 100% for less
    assert "only 5 wide" in effective_width_text(4, 0, 7, 5)


# --- Dilation -------------------------------------------------------------------------------------


def test_dilated_stack_reaches_further_at_the_same_cost():
    stacks_ = dilation_stacks(3, 3)
    n = 19
    plain, dilated = (receptive_field_table(n, stacks_[k])[-1]["r"] for k in ("plain", "dilated"))
    assert (plain, dilated) == (7, 15)
    counts = path_counts(n, stacks_["dilated"])
    assert counts.sum() == 27 and np.count_nonzero(counts) == 15     # 3³ paths reach all 15 cells: no holes
    once = path_counts(31, [Layer("conv", 3, 1, d, d) for d in (1, 3, 9)])
    assert np.count_nonzero(once) == 27 and once.max() == 1          # d = 1, 3, 9: every cell exactly once
    plain_counts = path_counts(n, stacks_["plain"])
    assert plain_counts.sum() == 27 and plain_counts.max() == 7      # the middle is reached 7 ways
    assert sum(l.kernel_size ** 2 for l in stacks_["plain"]) == sum(l.kernel_size ** 2 for l in stacks_["dilated"])


# --- The compact form and errors ----------------------------------------------------------------------


def test_parse_and_format():
    layers = parse_stack("c3s2p1, p2s2 ,C3D2P2")
    assert layers == [Layer("conv", 3, 2, 1), Layer("pool", 2, 2), Layer("conv", 3, 1, 2, 2)]
    assert format_stack(layers) == "c3s2p1,p2s2,c3p2d2"
    assert parse_stack("") == [] and format_stack([]) == ""
    assert parse_stack("p3p1s2") == [Layer("pool", 3, 2, 1)]


@given(stacks(most=6))
def test_format_parse_round_trip(layers):
    assert parse_stack(format_stack(layers)) == layers
    assert stack_from_rows(stack_rows(layers)) == layers


@pytest.mark.parametrize("text, words", [
    ("garbage", ["Layer 1", "'garbage'", "c3s2p1"]),
    ("c3,x9", ["Layer 2", "'x9'"]),
    ("c3,c3s0", ["Layer 2", "stride must be at least 1"]),
    ("c3,p3d2", ["Layer 2", "dilation"]),
    ("p2p2", ["Layer 1", "at most half"]),
    ("c999999999999", ["Layer 1", "kernel_size 999999999999", "at most 64"]),
    (",".join(["c1"] * 65), ["65 layers"]),
    ("c" + "9" * 10_000, ["Layer 1", "10000-digit number", "kernel_size 64"]),   # a link's 10k characters
    ("c3s" + "1" * 19, ["Layer 1", "19-digit number"]),
])
def test_parse_errors_name_the_bad_token(text, words):
    with pytest.raises(ValueError) as info:
        parse_stack(text)
    for word in words:
        assert word in str(info.value)
    assert len(str(info.value)) < 300                 # the token is named, not pasted whole


def test_table_names_the_first_empty_layer():
    with pytest.raises(ValueError, match=r"^Layer 2 \(conv k3 s2 p0\) gets 2 features and its output would be empty"):
        receptive_field_table(5, parse_stack("c3s2,c3s2,c3s2"))
    with pytest.raises(ValueError, match=r"^Layer 3 \(pool5: pool k3 s2 p0\)"):
        receptive_field_table(20, PRESETS["alexnet"][1][:2] + [Layer("pool", 3, 2, name="pool5")])
    with pytest.raises(ValueError, match="n must be"):
        receptive_field_table(0, [])


def test_layer_checks():
    with pytest.raises(ValueError, match="'conv' or 'pool'"):
        Layer("relu", 3)
    with pytest.raises(ValueError, match="A pool has dilation 1"):
        Layer("pool", 2, dilation=2)
    with pytest.raises(ValueError, match="whole number"):
        Layer("conv", 2.5)
    with pytest.raises(ValueError, match="Row 2: the kernel size k is empty"):
        stack_from_rows([dict(kind="conv", k=3, s=1, p=0, d=1), dict(kind="conv", k=float("nan"), s=1, p=0, d=1)])
    assert stack_from_rows([dict(kind=None, k=3.0, s=None, p=None, d=None)]) == [Layer("conv", 3)]


def test_empty_stack():
    assert receptive_field_table(7, []) == [dict(name="input", n=7, j=1, r=1, start=0.5)]
    assert empirical_receptive_field(7, []) == 1


# --- Figures --------------------------------------------------------------------------------------


def test_field_figure_draws_the_field_where_the_table_says():
    from convviz.figures.receptive_fields import draws_photo, field_figure

    n, layers = PRESETS["note002"]
    row = receptive_field_table(n, layers)[-1]                  # r 7 centred at 0.5: pixels -3 … 3
    fig = field_figure(n, row, (0, 0))
    field = fig.layout.shapes[1]
    assert (field.x0, field.x1, field.y0, field.y1) == (-3.5, 3.5, -3.5, 3.5)
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # row 0 at the top
    kinds = fig.data[0].z                                        # rows -3 … 4, columns -3 … 4
    assert kinds[3][3] == 3 and kinds[0][0] == 2 and kinds[7][7] == 1 and kinds[7][0] == 0
    assert not draws_photo(n, row, (0, 0))
    n, layers = PRESETS["vgg16"]
    row = receptive_field_table(n, layers)[-1]
    assert draws_photo(n, row, (3, 3))
    photo = field_figure(n, row, (3, 3), image=np.zeros((112, 112, 3)))   # half resolution, stretched
    assert (photo.data[0].x0, photo.data[0].dx) == (0.5, 2.0)


def test_note_004_conv_then_pool():
    """Note 004: (3, 100, 100) -> 3×3 conv, no padding -> 98 -> 2×2 pool -> 49 (torch agrees)."""
    import torch
    import torch.nn.functional as F

    n, layers = PRESETS["note004"]
    table = receptive_field_table(n, layers)
    assert [numbers(row) for row in table] == [(100, 1, 1, 0.5), (98, 1, 3, 1.5), (49, 2, 4, 2.0)]
    x = torch.zeros(1, 3, 100, 100, dtype=torch.float64)
    y = F.max_pool2d(F.conv2d(x, torch.zeros(3, 3, 3, 3, dtype=torch.float64)), 2)
    assert tuple(y.shape) == (1, 3, 49, 49)
