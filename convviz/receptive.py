"""Receptive-field arithmetic: n, j, r and start through a stack of conv and pool layers.

Symbols follow note 002 ("Math of the Receptive Fields"), which follows Dang Ha The Hien's
"A guide to receptive field arithmetic": n features along one axis, j the jump (input pixels
between neighbouring features), r the receptive-field size, start the centre of the first
feature's field, with the input at n, j=1, r=1, start=0.5 (pixel i covers [i, i+1)). A layer has
kernel size k, stride s, padding p and dilation d; its span is k_eff = d(k-1)+1 (k-hat in
Dumoulin & Visin). Kernels are square, so one axis tells the whole story.

Checked three ways in tests/compute/test_receptive.py: note 002's worked example, the published
numbers of google-research/receptive_field for AlexNet, VGG-16 and ResNet-50, and autograd
(`convviz.torch_ref.receptive.empirical_receptive_field`) on random stacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from convviz.arithmetic import conv_output_size, effective_kernel_size

KINDS = ("conv", "pool")


@dataclass(frozen=True)
class Layer:
    """One conv or pool layer with a square kernel (torch's argument names and order)."""

    kind: str                 # "conv" or "pool"
    kernel_size: int
    stride: int = 1
    padding: int = 0
    dilation: int = 1         # a pool has dilation 1
    name: str | None = None   # shown in tables; None gives "conv 1", "pool 2", ...

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"A layer is 'conv' or 'pool' (got {self.kind!r}).")
        for field, low in (("kernel_size", 1), ("stride", 1), ("padding", 0), ("dilation", 1)):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise ValueError(f"The {field} must be a whole number (got {value!r}).")
            if value < low:
                raise ValueError(f"The {field} must be at least {low} (got {value}).")
        if self.kind == "pool" and self.dilation != 1:
            raise ValueError(f"A pool has dilation 1 (got dilation {self.dilation}); dilate a conv instead.")
        if self.kind == "pool" and self.padding > self.kernel_size // 2:
            raise ValueError(f"A pool's padding can be at most half its kernel (torch's rule): "
                             f"kernel {self.kernel_size} allows padding ≤ {self.kernel_size // 2}, got {self.padding}.")

    @property
    def span(self) -> int:
        """k_eff = d(k-1)+1: the input cells one window covers, holes included."""
        return effective_kernel_size(self.kernel_size, self.dilation)

    def label(self, index: int) -> str:
        return self.name or f"{self.kind} {index}"


# --- The recurrence, one named step per quantity (google-research/receptive_field style) -----


def _n_out(n_in: int, layer: Layer) -> int:
    """n_out = floor((n_in + 2p - k_eff)/s) + 1."""
    return conv_output_size(n_in, layer.kernel_size, layer.stride, layer.padding, layer.dilation)


def j_out(j_in: int, layer: Layer) -> int:
    """j_out = j_in · s: each stride multiplies the distance between neighbouring features."""
    return j_in * layer.stride


def r_out(r_in: int, j_in: int, layer: Layer) -> int:
    """r_out = r_in + (k_eff - 1) · j_in: the window adds k_eff-1 neighbours, j_in pixels apart."""
    return r_in + (layer.span - 1) * j_in


def _start_out(start_in: float, j_in: int, layer: Layer) -> float:
    """start_out = start_in + ((k_eff - 1)/2 - p) · j_in: the first window's centre, shifted left by the padding."""
    return start_in + ((layer.span - 1) / 2 - layer.padding) * j_in


def field_sizes(layers) -> list[int]:
    """r after each layer, from r_0 = 1 and j_0 = 1 (no input size needed: r does not depend on n).

    >>> field_sizes([Layer("conv", 3, dilation=d) for d in (1, 2, 4)])
    [3, 7, 15]
    """
    r, j, out = 1, 1, []
    for layer in layers:
        r, j = r_out(r, j, layer), j_out(j, layer)
        out.append(r)
    return out


def receptive_field_table(n: int, layers) -> list[dict]:
    """Row 0 is the input (n, j=1, r=1, start=0.5); then one row per layer (note 002).

    Each row has "name", "n", "j", "r" and "start". Raises ValueError naming the first layer
    whose output would be empty.

    >>> [(row["n"], row["j"], row["r"], row["start"]) for row in receptive_field_table(5, [Layer("conv", 3, 2, 1)] * 2)]
    [(5, 1, 1, 0.5), (3, 2, 3, 0.5), (2, 4, 7, 0.5)]
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"The input size n must be a whole number ≥ 1 (got {n!r}).")
    rows = [dict(name="input", n=int(n), j=1, r=1, start=0.5)]
    for index, layer in enumerate(layers, start=1):
        prev = rows[-1]
        try:
            n_out = _n_out(prev["n"], layer)
        except ValueError as error:
            what = describe(layer) if layer.name is None else f"{layer.name}: {describe(layer)}"
            raise ValueError(f"Layer {index} ({what}) gets {prev['n']} features and its output would be empty. "
                             f"{error}") from None
        rows.append(dict(name=layer.label(index), n=n_out, j=j_out(prev["j"], layer),
                         r=r_out(prev["r"], prev["j"], layer), start=_start_out(prev["start"], prev["j"], layer)))
    return rows


def formula_lines(n: int, layers) -> list[str]:
    """Each layer's four formulas with its numbers substituted (markdown, one line per layer)."""
    table = receptive_field_table(n, layers)
    lines = []
    for index, (layer, prev, row) in enumerate(zip(layers, table, table[1:]), start=1):
        k, s, p, span = layer.kernel_size, layer.stride, layer.padding, layer.span
        keff = f"k_eff = {layer.dilation}·({k}−1)+1 = {span}" if layer.dilation != 1 else f"k_eff = k = {span}"
        n_in, j_in, r_in, st_in = prev["n"], prev["j"], prev["r"], prev["start"]
        lines.append(
            f"**{index}. {layer.label(index)}** ({describe(layer)}; {keff}): "
            f"n = ⌊({n_in} + 2·{p} − {span}) / {s}⌋ + 1 = **{row['n']}**; "
            f"j = {j_in}·{s} = **{row['j']}**; "
            f"r = {r_in} + ({span}−1)·{j_in} = **{row['r']}**; "
            f"start = {_num(st_in)} + (({span}−1)/2 − {p})·{j_in} = **{_num(row['start'])}**")
    return lines


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def field_bounds(row: dict, i: int) -> tuple[float, float]:
    """The input interval [lo, hi) seen by feature i of a table row: centre start + i·j, width r."""
    centre = row["start"] + i * row["j"]
    return centre - row["r"] / 2, centre + row["r"] / 2


def centre_fits(row: dict, n: int) -> bool:
    """Whether the centre unit's field of a table row lies inside an n-pixel input (no padding in it)."""
    lo, hi = field_bounds(row, (row["n"] - 1) // 2)
    return lo >= 0 and hi <= n


def describe(layer: Layer) -> str:
    """'conv k3 s2 p1' (d only when it is not 1)."""
    text = f"{layer.kind} k{layer.kernel_size} s{layer.stride} p{layer.padding}"
    return text + (f" d{layer.dilation}" if layer.dilation != 1 else "")


# --- The compact form used in links: c3s2p1,p2s2,c3d2p2 -----------------------------------------

_TOKEN = re.compile(r"([cp])(\d+)((?:[spd]\d+)*)")
LIMITS = dict(kernel_size=64, stride=16, padding=64, dilation=32)   # keeps a link's page fast
MAX_LAYERS = 64


def _short(text: str, limit: int = 40) -> str:
    """A token for an error message, cut short if a link carries thousands of characters."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def parse_stack(text: str) -> list[Layer]:
    """'c3s2p1,p2s2,c3d2p2' -> layers. c = conv, p = pool, then k; optional s, p, d (default 1, 0, 1).

    Raises ValueError with a plain message naming the first bad token.
    """
    text = (text or "").strip().lower()
    if not text:
        return []
    tokens = [t.strip() for t in text.split(",")]
    if len(tokens) > MAX_LAYERS:
        raise ValueError(f"The stack has {len(tokens)} layers; at most {MAX_LAYERS} are allowed.")
    layers = []
    for index, token in enumerate(tokens, start=1):
        match = _TOKEN.fullmatch(token)
        if not match:
            raise ValueError(f"Layer {index}: {_short(token)!r} is not a layer. Write c (conv) or p (pool), the kernel size, "
                             f"then optional s<stride> p<padding> d<dilation>, e.g. c3s2p1 or p2s2.")
        longest = max(len(d) for d in re.findall(r"\d+", token))
        if longest > 18:                      # int() refuses 4300+ digits; no limit is near 18 digits anyway
            raise ValueError(f"Layer {index}: {_short(token)!r} has a {longest}-digit number; at most "
                             f"{', '.join(f'{field} {most}' for field, most in LIMITS.items())} are allowed here.")
        kind = "conv" if match[1] == "c" else "pool"
        values = dict(kernel_size=int(match[2]), stride=1, padding=0, dilation=1)
        names = dict(s="stride", p="padding", d="dilation")
        for letter, number in re.findall(r"([spd])(\d+)", match[3]):
            values[names[letter]] = int(number)
        for field, most in LIMITS.items():
            if values[field] > most:
                raise ValueError(f"Layer {index}: {_short(token)!r} has {field} {values[field]}; at most {most} is allowed here.")
        try:
            layers.append(Layer(kind, **values))
        except ValueError as error:
            raise ValueError(f"Layer {index}: {_short(token)!r}: {error}") from None
    return layers


def format_stack(layers) -> str:
    """The compact form of `layers`; defaults (s1, p0, d1) are left out. Inverse of parse_stack."""
    tokens = []
    for layer in layers:
        token = f"{layer.kind[0]}{layer.kernel_size}"
        token += f"s{layer.stride}" if layer.stride != 1 else ""
        token += f"p{layer.padding}" if layer.padding else ""
        token += f"d{layer.dilation}" if layer.dilation != 1 else ""
        tokens.append(token)
    return ",".join(tokens)


def stack_from_rows(rows) -> list[Layer]:
    """Layers from editor rows (dicts with kind, k, s, p, d); an empty or bad cell names its row."""
    layers = []
    for index, row in enumerate(rows, start=1):
        values = {}
        for column, field, default in (("k", "kernel_size", None), ("s", "stride", 1), ("p", "padding", 0),
                                       ("d", "dilation", 1)):
            v = row.get(column)
            if v is None or (isinstance(v, float) and np.isnan(v)):
                if default is None:
                    raise ValueError(f"Row {index}: the kernel size k is empty.")
                v = default
            if float(v) != int(v):
                raise ValueError(f"Row {index}: {column} = {v} is not a whole number.")
            values[field] = int(v)
            if values[field] > LIMITS[field]:
                raise ValueError(f"Row {index}: {column} = {values[field]}; at most {LIMITS[field]} is allowed here.")
        kind = row.get("kind") or "conv"
        try:
            layers.append(Layer(kind, **values))
        except ValueError as error:
            raise ValueError(f"Row {index}: {error}") from None
    if len(layers) > MAX_LAYERS:
        raise ValueError(f"The stack has {len(layers)} layers; at most {MAX_LAYERS} are allowed.")
    return layers


def stack_rows(layers) -> list[dict]:
    """Editor rows for `layers` (the inverse of stack_from_rows)."""
    return [dict(kind=l.kind, k=l.kernel_size, s=l.stride, p=l.padding, d=l.dilation) for l in layers]


# --- Presets -------------------------------------------------------------------------------------


def _alexnet() -> tuple[int, list[Layer]]:
    """AlexNet (Krizhevsky et al. 2012) with the original sizes: 227 input, conv1 11×11 stride 4, no padding."""
    return 227, [
        Layer("conv", 11, 4, 0, name="conv1"), Layer("pool", 3, 2, name="pool1"),
        Layer("conv", 5, 1, 2, name="conv2"), Layer("pool", 3, 2, name="pool2"),
        Layer("conv", 3, 1, 1, name="conv3"), Layer("conv", 3, 1, 1, name="conv4"),
        Layer("conv", 3, 1, 1, name="conv5"), Layer("pool", 3, 2, name="pool5"),
    ]


def _vgg16() -> tuple[int, list[Layer]]:
    """VGG-16 (Simonyan & Zisserman 2015): 13 convs 3×3 padding 1, a 2×2 stride-2 pool after each block."""
    layers = []
    for block, convs in enumerate((2, 2, 3, 3, 3), start=1):
        layers += [Layer("conv", 3, 1, 1, name=f"conv{block}_{i}") for i in range(1, convs + 1)]
        layers.append(Layer("pool", 2, 2, name=f"pool{block}"))
    return 224, layers


def _resnet50() -> tuple[int, list[Layer]]:
    """ResNet-50 v1 as TF-slim builds it (google-research/receptive_field): the stride sits in the 3×3 conv
    of the *last* unit of blocks 1-3 (torchvision puts it in the first unit, which gives r = 427).
    Each bottleneck unit is 1×1, 3×3, 1×1 along the main path; the shortcut adds nothing wider.

    pool1 is padded as torch pads (1 on each side, 112 -> 56). TF's 'SAME' pads it 0 before and 1 after,
    so the TF-slim table has the same n, j and r but start 2.5 (effective padding r/2 - start = 239) where
    this one has 0.5."""
    layers = [Layer("conv", 7, 2, 3, name="conv1"), Layer("pool", 3, 2, 1, name="pool1")]
    for block, (units, stride) in enumerate(((3, 2), (4, 2), (6, 2), (3, 1)), start=1):
        for unit in range(1, units + 1):
            s = stride if unit == units else 1
            prefix = f"block{block}/unit{unit}"
            layers += [Layer("conv", 1, name=f"{prefix}/conv1"), Layer("conv", 3, s, 1, name=f"{prefix}/conv2"),
                       Layer("conv", 1, name=f"{prefix}/conv3")]
    return 224, layers


def _note002() -> tuple[int, list[Layer]]:
    """Note 002's worked example: n = 5 and two convs k3 p1 s2."""
    return 5, [Layer("conv", 3, 2, 1, name="conv1"), Layer("conv", 3, 2, 1, name="conv2")]


def _note004() -> tuple[int, list[Layer]]:
    """Note 004, "Pooling Layers": a 100×100 image, a 3×3 conv without padding (98), then 2×2 pooling (49)."""
    return 100, [Layer("conv", 3, name="conv"), Layer("pool", 2, 2, name="pool")]


PRESETS: dict[str, tuple[int, list[Layer]]] = {
    "note002": _note002(),
    "note004": _note004(),
    "alexnet": _alexnet(),
    "vgg16": _vgg16(),
    "resnet50": _resnet50(),
}


# --- The region the gradient reaches (convviz.torch_ref.receptive takes the gradients by autograd) -----

def support_width(grad) -> int:
    """Width of the non-zero support of a gradient, (L,) or (H, W) (along the columns): last - first + 1."""
    g = np.abs(np.asarray(grad))
    cols = np.flatnonzero((g.sum(0) if g.ndim == 2 else g) > 0)
    return int(cols[-1] - cols[0] + 1) if cols.size else 0


def check_size(n: int, layers, most: int = 1024) -> int | None:
    """The smallest input size ≥ n on which every layer's centre unit sees its whole field (r does not
    depend on n, so autograd can check it there), or None when none up to `most` does."""
    for size in range(n, most + 1):
        try:
            table = receptive_field_table(size, layers)
        except ValueError:
            continue
        if all(centre_fits(row, size) for row in table[1:]):
            return size
    return None


def effective_field_cost(n: int, layers, trials: int = 4, channels: int = 4) -> int:
    """Multiply-adds effective_receptive_field spends: forward and two backward convolutions per conv."""
    table = receptive_field_table(n, layers)
    per_trial = sum(row["n"] ** 2 * channels ** 2 * layer.kernel_size ** 2
                    for layer, row in zip(layers, table[1:]) if layer.kind == "conv")
    return 3 * trials * per_trial


def narrowest_window(profile, mass: float = 0.95) -> tuple[int, int]:
    """(first column, width) of the narrowest run of contiguous entries of a non-negative 1-D profile
    holding at least `mass` of its sum, placed anywhere (not centred on the peak); the leftmost run
    when several tie, and (0, 0) for an all-zero profile. The run never reaches past the profile's
    non-zero support, since that run holds all of it.
    """
    p = np.asarray(profile, dtype=np.float64)
    if p.ndim != 1 or not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("The profile must be a 1-D array of finite, non-negative numbers.")
    if not 0 < mass <= 1:
        raise ValueError(f"The mass must be in (0, 1] (got {mass!r}).")
    prefix = np.concatenate(([0.0], np.cumsum(p)))            # prefix[b] - prefix[a] = p[a:b].sum()
    if prefix[-1] <= 0:
        return 0, 0
    need = mass * prefix[-1]
    for width in range(1, p.size + 1):
        hits = np.flatnonzero(prefix[width:] - prefix[:-width] >= need)
        if hits.size:
            return int(hits[0]), width
    return 0, p.size                                          # not reached: the whole profile holds it all


def default_trials(n: int) -> int:
    """Random networks to average for an n-pixel input: many when cheap, 4 for photo-sized inputs."""
    return 32 if n <= 32 else 8 if n <= 96 else 4


def effective_width_text(width: int, start: int, r: int, n: int, mass: float = 0.95) -> str:
    """The page's sentence on the effective width, worded from the numbers: "much smaller" only when
    the width is at most half of r."""
    columns = f"column {start}" if width == 1 else f"columns {start} … {start + width - 1}"
    text = (f"{mass:.0%} of the gradient (summed over the rows) lies in **{width}** contiguous input "
            f"{'column' if width == 1 else 'columns'} ({columns}), against r = **{r}**")
    seen = min(r, n)
    if width >= r:
        text += ": here the effective field is as wide as the theoretical one"
    elif 2 * width <= r:
        text += f": {width}/{r} = {_percent(width, r)} of r, so the effective field is much smaller than r"
    else:
        text += f": {width}/{r} = {_percent(width, r)} of r"
    if r > n:
        text += f" (the input is only {n} wide, so at most {seen} columns of the field are in it)"
    return text + "."


def _percent(part: int, whole: int) -> str:
    """part/whole as a whole percentage rounded down (never shows 100% for less than all)."""
    return f"{100 * part // whole}%"


def dilation_stacks(depth: int, kernel_size: int = 3) -> dict[str, list[Layer]]:
    """Two stacks of `depth` stride-1 convs with the same weights and multiply-adds per output: plain
    (d = 1) and dilated (d = 1, 2, 4, ...: Yu & Koltun 2016, WaveNet). Padding keeps n fixed when k is odd."""
    pad = lambda d: d * (kernel_size - 1) // 2                             # noqa: E731
    return {
        "plain": [Layer("conv", kernel_size, 1, pad(1), 1, name=f"conv{i + 1} d1") for i in range(depth)],
        "dilated": [Layer("conv", kernel_size, 1, pad(2 ** i), 2 ** i, name=f"conv{i + 1} d{2 ** i}")
                    for i in range(depth)],
    }




_IN_TORCH_REF = ("effective_field_width", "empirical_receptive_field", "empirical_receptive_fields",
                 "effective_receptive_field", "gradient_maps")


def __getattr__(name: str):
    """The autograd measurements named by issues 7 and 21 (`convviz.receptive.empirical_receptive_field`,
    `convviz.receptive.effective_field_width`) live in convviz.torch_ref.receptive since they run torch; they
    import from here too, lazily, so importing convviz.receptive does not import torch."""
    if name in _IN_TORCH_REF:
        from convviz.torch_ref import receptive as torch_receptive

        return getattr(torch_receptive, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
