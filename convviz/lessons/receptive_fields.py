"""Lesson: receptive fields (note 002): the settings, the presets and the builders behind the page.

Three settings objects, each validated when made (`Checked`: its LIMITS table, then `check()`; SettingsError
with the message the page shows) and hashable, so the page builds them once from its URL-bound controls and the
cached wrappers in convviz/ui/cache/receptive_fields.py key on them:

- FieldSettings(n, layers, preset): the stack the table, the field of one unit and the effective
  field are drawn for (`up_to(depth)` is the same stack cut after `depth` layers);
- DilationSettings(kernel_size, depth): the plain-vs-dilated comparison;
- UNetSettings(variant, n, depth): the "Sizes through a U-Net" section.

No streamlit here: numbers, sentences and figures only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from convviz.figures.receptive_fields import field_figure as _field_figure, path_count_figure, profile_figure
from convviz.lessons.scenes.receptive_fields import (anchored_units as anchored_units,   # the UI calls lesson.<name>
                                                    field_stage_scene as field_stage_scene)
from convviz.lessons.shared.examples import photo as photo, photo_size as photo_size          # the UI calls lesson.<name>
from convviz.lessons.shared.settings import Checked, settle
from convviz.receptive import (PRESETS, Layer, centre_fits, check_size, default_trials, describe, dilation_stacks,
                               field_bounds, format_stack, parse_stack, receptive_field_table, stack_from_rows)
from convviz.torch_ref.receptive import (effective_field_window, effective_receptive_field, empirical_receptive_fields,
                                         path_counts)
from convviz.unet import PAPER_INPUT, nearest_working, unet_table
from convviz.lessons.settings_error import SettingsError

DEFAULT_STACK = "c3s2p1,c3s2p1"          # note 002's worked example, with n = 5
MAX_N = 1024                             # the input-size control's range, 1 … MAX_N
CHECK_MAX = 1024                         # the largest input the autograd check tries
ERF_BUDGET = 3e8                         # multiply-adds (VGG-16 at 224: 2.4e8, a few seconds here)
PRESET_NAMES = {"custom": "Your own stack", "note002": "Note 002's worked example (n = 5)",
                "note004": "Note 004's conv then pool (100 → 98 → 49)",
                "alexnet": "AlexNet (227 × 227)", "vgg16": "VGG-16 (224 × 224)",
                "resnet50": "ResNet-50 v1, TF-slim (224 × 224)"}
PRESET_NOTES = {
    "note002": "Note 002's worked example: a 5-pixel input and two convs with k 3, p 1, s 2.",
    "note004": "Note 004's pooling example: a (3, 100, 100) image, a 3×3 conv without padding gives 98 × 98, and "
               "2×2 pooling with stride 2 gives 49 × 49. (The channels stay 3 when the layer has 3 kernels.)",
    "alexnet": "AlexNet's original sizes (227 input, conv1 11×11 stride 4). google-research/receptive_field "
               "publishes r = 195, j = 32 for pool5.",
    "vgg16": "VGG-16: thirteen 3×3 convs with padding 1, a 2×2 stride-2 pool after each block. Published: "
             "r = 212, j = 32 at pool5.",
    "resnet50": "ResNet-50 v1 as TF-slim builds it: each unit is 1×1, 3×3, 1×1 and the stride sits in the last "
                "unit of blocks 1–3. Published: r = 483, j = 32 after the last block, wider than the image itself.",
}


# --- The stack ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldSettings(Checked):
    """An n-pixel input and a stack of layers (a preset's, named, or the student's own)."""

    LIMITS = {"n": ("The input size n", 1, MAX_N)}
    n: int = 5                                   # input pixels per side
    layers: tuple[Layer, ...] = tuple(parse_stack(DEFAULT_STACK))
    preset: str = "custom"                       # a key of PRESET_NAMES

    def check(self):
        if self.preset not in PRESET_NAMES:
            raise SettingsError(f"Unknown preset {self.preset!r}; choose one of {', '.join(PRESET_NAMES)}.")
        settle(self, layers=tuple(self.layers))
        if not all(isinstance(layer, Layer) for layer in self.layers):
            raise SettingsError("Every layer must be a convviz.receptive.Layer.")

    @classmethod
    def from_preset(cls, name: str) -> "FieldSettings":
        if name not in PRESETS:
            raise SettingsError(f"Unknown preset {name!r}; choose one of {', '.join(PRESETS)}.")
        n, layers = PRESETS[name]
        return cls(n, tuple(layers), name)

    @classmethod
    def from_text(cls, n: int, text: str) -> "FieldSettings":
        """A custom stack written compactly (c3s2p1,p2s2); parse_stack's ValueError says what is wrong."""
        return cls(n, tuple(parse_stack(text)))

    @classmethod
    def from_rows(cls, n: int, rows) -> "FieldSettings":
        """A custom stack from the editor's rows (kind, k, s, p, d); stack_from_rows's ValueError otherwise."""
        return cls(n, tuple(stack_from_rows(rows)))

    @property
    def stack(self) -> str:
        """The compact text the link carries (canonical: one stack typed two ways gives one text)."""
        return format_stack(self.layers)

    def up_to(self, depth: int) -> "FieldSettings":
        """The same input and the first `depth` layers."""
        return replace(self, layers=self.layers[:depth])

    def table(self) -> list[dict]:
        """receptive_field_table: ValueError naming the first layer whose output would be empty."""
        return receptive_field_table(self.n, self.layers)


def link_stack(raw: str) -> tuple[str, str | None]:
    """The link's stack text, or note 002's with the sentence saying why the link's could not be read."""
    try:
        parse_stack(raw)
        return raw, None
    except ValueError as error:
        shown = raw if len(raw) <= 40 else raw[:37] + "..."      # a link may carry thousands of characters
        return DEFAULT_STACK, f"The link's stack={shown!r} cannot be read. {error} Showing note 002's stack instead."


# --- The table and its autograd check -----------------------------------------------------------

def autograd_check(settings: FieldSettings) -> tuple[int, bool, list[int]]:
    """(input size used, whether every centre unit's field fits in it, autograd width after every layer).
    The size is the smallest ≥ n on which every field fits, or CHECK_MAX when none up to it does."""
    size = check_size(settings.n, settings.layers, most=CHECK_MAX)
    used = size or max(settings.n, CHECK_MAX)
    return used, size is not None, empirical_receptive_fields(used, list(settings.layers), dims=1)


def check_marks(settings: FieldSettings, table: list[dict], size: int, widths: list[int]) -> list[str]:
    """The table's check column: ✓, ✗, or "cut by the border" when the centre unit's field leaves the input."""
    big = receptive_field_table(size, settings.layers)           # r and j do not depend on n; the centre units do
    return [""] + ["✓" if w == row["r"] else "✗" if centre_fits(b, size) else "cut by the border"
                   for w, row, b in zip(widths, table[1:], big[1:])]


def table_rows(settings: FieldSettings, table: list[dict], widths: list[int], checks: list[str],
               shown: int | None = None) -> list[dict]:
    """The table's rows; with `shown`, a first column marks the layer the figure shows ("▶ shown")."""
    mark = [] if shown is None else [("", lambda i: "▶ shown" if i == shown else "")]
    return [{**{name: f(i) for name, f in mark},
             "layer": i, "name": row["name"], "settings": "" if i == 0 else describe(settings.layers[i - 1]),
             "n": row["n"], "j": row["j"], "r": row["r"], "start": row["start"],
             "r by autograd": 1 if i == 0 else widths[i - 1], "check": checks[i]} for i, row in enumerate(table)]


def last_layer_text(table: list[dict]) -> str:
    last = table[-1]
    return (f"After the last layer: **n = {last['n']}** features per side, **j = {last['j']}**, "
            f"**r = {last['r']}** and **start = {last['start']:g}**: feature i sees the {last['r']} input "
            f"pixels centred at {last['start']:g} + i·{last['j']}.")


def autograd_text(settings: FieldSettings, size: int, fits: bool, widths: list[int], checks: list[str]) -> str:
    """The page's "Autograd check." paragraph: which input was used and whether every layer agrees."""
    if size == settings.n:
        where = "this input"
    elif fits:
        where = f"a {size}×{size} input (r does not depend on n, and there every centre unit's field fits inside)"
    else:
        where = f"a {size}×{size} input, the largest tried (r does not depend on n)"
    wrong = [str(i) for i, c in enumerate(checks) if c == "✗"]
    cut = [str(i) for i, c in enumerate(checks) if c == "cut by the border"]
    if wrong:
        verdict = f"**the formulas disagree at layer {', '.join(wrong)}** ✗"
    elif cut:
        verdict = (f"the layers whose field fits agree; at layer {', '.join(cut)} the centre unit's field runs "
                   "past the border, so autograd sees only the part inside")
    else:
        verdict = f"**all {len(widths)} layers agree** ✓"
    return (f"**Autograd check.** The stack is built in torch on {where} with positive weights and "
            f"average pooling (max pooling would cut gradients), and the width over which the gradient of "
            f"each layer's centre unit w.r.t. the input is non-zero is compared with r: {verdict}.")


# --- The field of one unit ----------------------------------------------------------------------

def unit_text(n: int, row: dict, unit: tuple[int, int]) -> str:
    """Where unit (i, j) of a table row looks: its centre, its size, and whether it reads padding."""
    i, jj = unit
    (lo_r, hi_r), (lo_c, hi_c) = field_bounds(row, i), field_bounds(row, jj)
    past = [f"{side} {amount:g}" for side, amount in (("top", -lo_r), ("bottom", hi_r - n), ("left", -lo_c),
                                                      ("right", hi_c - n)) if amount > 0]
    return (f"Unit **({i}, {jj})** of {row['name']}: centre start + i·j = {row['start']:g} + {i}·{row['j']} = "
            f"**{row['start'] + i * row['j']:g}** (row) and {row['start']:g} + {jj}·{row['j']} = "
            f"**{row['start'] + jj * row['j']:g}** (column), size r = **{row['r']}**: input rows {lo_r:g} … {hi_r - 1:g} "
            f"and columns {lo_c:g} … {hi_c - 1:g}. (*start* is where unit 0's field is centred, in input pixels: "
            f"pixel i spans i to i+1, so its centre is i + 0.5, and the input's own start is 0.5.)" +
            (f" It runs past the border ({', '.join(past)} pixels): there it reads the zero **padding** (grey)."
             if past else " It lies inside the input."))


def field_figure(settings: FieldSettings, unit: tuple[int, int], image: np.ndarray | None = None,
                 erf: np.ndarray | None = None):
    """The input with the field of `unit` after all of settings' layers (cut with up_to first)."""
    return _field_figure(settings.n, settings.table()[-1], unit, image=image, erf=erf)


# --- The effective field ------------------------------------------------------------------------

def erf_trials(n: int) -> int:
    """Random networks to average: many for small inputs (cheap), 4 for photos (enough to show the blob)."""
    return default_trials(n)


def effective_field(settings: FieldSettings) -> np.ndarray:
    """The effective field of the centre unit after settings' layers, (n, n)."""
    return effective_receptive_field(settings.n, list(settings.layers), trials=erf_trials(settings.n))


def effective_window(settings: FieldSettings, field: np.ndarray, mass: float = 0.95) -> tuple[int, int]:
    """(first column, width) of the narrowest run of columns holding `mass` of `field`."""
    return effective_field_window(settings.n, list(settings.layers), mass, erf_trials(settings.n), field=field)


def profile(settings: FieldSettings, field: np.ndarray, window: tuple[int, int]):
    row = settings.table()[-1]
    return profile_figure(field, row, (row["n"] - 1) // 2, window=window)


# --- Dilation -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DilationSettings(Checked):
    """A plain and a dilated stack of `depth` convs with kernel k."""

    LIMITS = {"kernel_size": ("The kernel size k", 2, 5), "depth": ("The number of layers", 1, 6)}
    kernel_size: int = 3
    depth: int = 3


def dilation_comparison(settings: DilationSettings):
    """(stacks, tables, figure) for a plain and a dilated stack of `depth` convs."""
    stacks = dilation_stacks(settings.depth, settings.kernel_size)
    widest = receptive_field_table(1 << 12, stacks["dilated"])[-1]["r"]
    n = widest + 4                                          # room for a cell of padding on each side
    tables = {name: receptive_field_table(n, layers) for name, layers in stacks.items()}
    counts = {name: path_counts(n, layers) for name, layers in stacks.items()}
    return stacks, tables, path_count_figure(counts)


def dilation_rows(settings: DilationSettings, stacks: dict, tables: dict) -> list[dict]:
    k, depth = settings.kernel_size, settings.depth
    return [{"stack": name, "layers": format_stack(layers), "weights per channel pair": depth * k * k,
             "r": tables[name][-1]["r"]} for name, layers in stacks.items()]


# --- Sizes through a U-Net ----------------------------------------------------------------------

UNET_VARIANTS = {"valid": "Valid 3×3 convs (the paper's)", "padded": "Padded 3×3 convs (\"same\")"}
UNET_DEFAULT_N = {"valid": PAPER_INPUT, "padded": 512}    # each goes through at every depth 1–5
UNET_MAX_N, UNET_MAX_DEPTH = 2048, 5
UNET_SEARCH_MAX = 4096                  # working sizes are searched over 1 … this


@dataclass(frozen=True)
class UNetSettings(Checked):
    LIMITS = {"n": ("The input size", 1, UNET_MAX_N), "depth": ("The depth (number of pooling steps)", 1, UNET_MAX_DEPTH)}
    variant: str = "valid"          # a key of UNET_VARIANTS
    n: int = PAPER_INPUT            # input pixels per side
    depth: int = 4                  # pooling steps

    def check(self):
        if self.variant not in UNET_VARIANTS:
            raise SettingsError(f"The U-Net's convolutions are {' or '.join(UNET_VARIANTS)} (got {self.variant!r}).")

    @property
    def padded(self) -> bool:
        return self.variant == "padded"

    def table(self) -> list[dict]:
        """unet_table: ValueError saying where the size stops going through."""
        return unet_table(self.n, self.depth, self.padded)


def unet_near(settings: UNetSettings) -> tuple[list[tuple[int, int]], str]:
    """Working (input, output) sizes near n, and the same as text."""
    near = nearest_working(settings.n, settings.depth, settings.padded, most=UNET_SEARCH_MAX)
    return near, ", ".join(f"{a} → {b}" for a, b in near) or f"none from 1 to {UNET_SEARCH_MAX}"


def unet_summary(settings: UNetSettings, table: list[dict]) -> str:
    n, depth = settings.n, settings.depth
    near, near_text = unet_near(settings)
    crops = [row["skip"] for row in table if row["skip"]]
    return (f"A **{n} × {n}** input gives a **{table[-1]['size out']} × {table[-1]['size out']}** output. "
            + (f"Skip crops, deepest first: {', '.join(crops)}." if not settings.padded else "The skips need no crop.")
            + f" Input sizes that go through closest to {n} (input → output): {near_text}"
            + _spacing(near, depth))


def _spacing(near: list[tuple[int, int]], depth: int) -> str:
    """"; they are 2^depth = … apart." when the listed sizes are evenly spaced by 2^depth (measured, not assumed)."""
    gaps = {b[0] - a[0] for a, b in zip(near, near[1:])}
    if gaps == {1 << depth}:
        return f"; they are 2^{depth} = {1 << depth} apart."
    if len(gaps) == 1:
        return f"; they are {gaps.pop()} apart."
    return "."


def torch_agreement(settings: UNetSettings) -> tuple[bool, int]:
    """(whether a tiny torch U-Net's shapes equal the table at every step, number of steps)."""
    from convviz.torch_ref.unet import unet_torch_rows

    table = settings.table()
    return unet_torch_rows(settings.n, settings.depth, settings.padded) == table, len(table)


def torch_text(settings: UNetSettings, agree: bool, steps: int) -> str:
    return (f"**Torch check.** A U-Net built in torch (2 channels per map, float64) run on a {settings.n} × {settings.n} "
            f"input " + (f"has these sizes at all {steps} steps ✓." if agree else
                         f"**disagrees with the table** ✗ ({steps} steps)."))
