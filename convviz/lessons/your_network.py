"""Lesson: your own network (issue 35): the settings, the link form of the text, the table, the sentences
and the figure behind pages/your_network.py. No streamlit here.

The network's text lives in the link as `net=`: zlib-compressed UTF-8, URL-safe base64 without padding
(encode_text / decode_text). A link's value is read with bounds: at most MAX_LINK characters, and
decompressed to at most convviz.architecture.MAX_TEXT characters (a small value that would inflate
further is refused, not inflated).
"""

from __future__ import annotations

import base64
import binascii
import zlib
from dataclasses import dataclass

from convviz.architecture import MAX_INPUT_SIDE, MAX_TEXT, PRESETS, analyse, totals
from convviz.figures.common import short_number
from convviz.figures.receptive_fields import draws_photo, field_figure as _field_figure
from convviz.lessons.shared.examples import photo, photo_size
from convviz.receptive import field_bounds
from convviz.torch_ref.architecture import check

PRESET_NAMES = {
    "tiny_vgg": "CNN Explainer's Tiny VGG",
    "alexnet": "AlexNet features (torchvision)",
    "vgg16": "VGG-16 features (torchvision)",
    "resnet18": "ResNet-18 main path (stem + first conv of each stage)",
    "encoder_decoder": "Down and up again (ConvTranspose2d, Upsample)",
}
DEFAULT_PRESET = "tiny_vgg"
# The input (C, H, W) each preset was made for: choosing a preset sets it (Tiny VGG: CNN Explainer's 64×64 images).
PRESET_INPUTS = {name: (3, 224, 224) for name in PRESET_NAMES} | {"tiny_vgg": (3, 64, 64)}
DEFAULT_SHAPE = PRESET_INPUTS[DEFAULT_PRESET]
MAX_LINK = 16_000             # characters of the net= parameter


# --- The text in the link ------------------------------------------------------------------------

def encode_text(text: str) -> str:
    """zlib (level 9) then URL-safe base64 without '=' padding."""
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii").rstrip("=")


def decode_text(token: str) -> str:
    """The inverse of encode_text; ValueError (a sentence for the page) for anything else."""
    if not isinstance(token, str) or len(token) > MAX_LINK:
        raise ValueError(f"The link's network is longer than {MAX_LINK:,} characters.")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("The link's network is not in the form this page writes (URL-safe base64).") from None
    inflate = zlib.decompressobj()
    try:
        data = inflate.decompress(raw, 4 * MAX_TEXT + 1)          # UTF-8: at most 4 bytes a character
    except zlib.error:
        raise ValueError("The link's network cannot be decompressed (the link may be cut short).") from None
    if inflate.unconsumed_tail or len(data) > 4 * MAX_TEXT:
        raise ValueError(f"The link's network would be longer than {MAX_TEXT:,} characters.")
    if not inflate.eof:
        raise ValueError("The link's network is cut short.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("The link's network is not text.") from None
    if len(text) > MAX_TEXT:
        raise ValueError(f"The link's network is longer than {MAX_TEXT:,} characters.")
    return text


# --- The settings --------------------------------------------------------------------------------

@dataclass(frozen=True)
class NetworkSettings:
    """The network's text and the input (C, H, W); hashable, so the page's cached builders key on it."""

    text: str = PRESETS[DEFAULT_PRESET]
    shape: tuple = DEFAULT_SHAPE

    def rows(self) -> list[dict]:
        """convviz.architecture.analyse (ValueError with the page's message when the text or a shape is wrong)."""
        return analyse(self.text, self.shape)

    def torch_check(self) -> dict:
        return check(self.text, self.shape)


# --- The table and the sentences -------------------------------------------------------------------

def _shape(shape: tuple) -> str:
    return "×".join(str(v) for v in shape)


def _big(value: int) -> str:
    """1,234,567 (1.23 M): the exact count and its size."""
    for limit, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= limit:
            return f"{value:,} ({value / limit:.3g} {unit})"
    return f"{value:,}"


def table_rows(settings: NetworkSettings, rows: list[dict]) -> list[dict]:
    """The page's table: the input, then one row per layer (numbers as text, so fractions read as written)."""
    c, h, w = settings.shape
    out = [{"k": "0", "layer": "input", "code": "", "output C×H×W": _shape((c, h, w)), "params": "0",
            "MACs": "0", "j": "1", "r": "1", "start": "0.5"}]
    for row in rows:
        out.append({"k": str(row["index"]), "layer": row["name"], "code": row["source"],
                    "output C×H×W": _shape(row["out_shape"]), "params": f"{row['params']:,}",
                    "MACs": f"{row['macs']:,}", "j": short_number(row["j"]), "r": short_number(row["r"]),
                    "start": short_number(row["start"])})
    return out


def totals_text(settings: NetworkSettings, rows: list[dict]) -> str:
    """The totals, every number from the rows."""
    t = totals(rows)
    shape = t["out_shape"]
    where = (f"each of its {shape[1]}×{shape[2]} units has a receptive field **r = {short_number(t['r'])}** input "
             f"pixels tall, and neighbouring units are **j = {short_number(t['j'])}** input pixels apart"
             if len(shape) == 3 else
             f"after Flatten every feature sees all of it: r = **{short_number(t['r'])}** input rows")
    return (f"**{len(rows)} layers**, **{_big(t['params'])} parameters**, **{_big(t['macs'])} multiply-adds** for one "
            f"{_shape(settings.shape)} input. The output is {_shape(shape)}; {where}.")


def width_note(rows: list[dict]) -> str | None:
    """A sentence when the width's field differs from the height's (non-square kernels, strides or input)."""
    last = rows[-1]
    if (last["j"], last["r"], last["start"]) == (last["j_w"], last["r_w"], last["start_w"]):
        return None
    return (f"Along the width the numbers differ: j = {short_number(last['j_w'])}, r = {short_number(last['r_w'])}, "
            f"start = {short_number(last['start_w'])} after the last layer (the table shows the height).")


def check_text(result: dict) -> str:
    """The torchinfo-style check as one line."""
    where = "a zero tensor" if result["device"] == "cpu" else "torch's meta device (shapes only, no arithmetic)"
    if result["agree"]:
        return (f"✓ matches PyTorch: torch.nn built from the parsed text and run on {where} gives the same output "
                f"shape, parameters and multiply-adds (torch.utils.flop_counter) for all {result['layers']} layers.")
    if result["error"]:
        return f"✗ PyTorch refused this network: {result['error']}"
    first = result["first"]
    if first is None:
        return "✗ differs from PyTorch: torch reports a different number of layers."
    ours, theirs = first["ours"], first["torch"]
    return (f"✗ differs from PyTorch at {ours['name']}: here {_shape(ours['out_shape'])}, {ours['params']:,} "
            f"parameters, {ours['macs']:,} MACs; torch {_shape(theirs['out_shape'])}, {theirs['params']:,}, "
            f"{theirs['macs']:,}.")


# --- The field on the photo (the receptive-field lesson's figure) ------------------------------------

def field_unit(rows: list[dict]) -> tuple[int, int]:
    """The centre unit of the last map (unit 0 after Flatten)."""
    shape = rows[-1]["out_shape"]
    return ((shape[1] - 1) // 2, (shape[2] - 1) // 2) if len(shape) == 3 else (0, 0)


def can_draw(settings: NetworkSettings, rows: list[dict]) -> bool:
    """The lesson's figure is square: a square input, and the same field along the height and the width."""
    return settings.shape[1] == settings.shape[2] and width_note(rows) is None


def field_figure(settings: NetworkSettings):
    """The field of the last layer's centre unit on the input: cells for small inputs, else the photo
    (convviz.figures.receptive_fields.field_figure, as the receptive-field lesson draws it)."""
    rows = settings.rows()
    n, row, unit = settings.shape[1], rows[-1], field_unit(rows)
    image = photo(photo_size(n)) if draws_photo(n, row, unit) else None
    return _field_figure(n, row, unit, image=image)


def field_text(settings: NetworkSettings, rows: list[dict]) -> str:
    n, row, unit = settings.shape[1], rows[-1], field_unit(rows)
    (lo, hi), (lo_c, hi_c) = field_bounds(row, unit[0]), field_bounds(row, unit[1])
    inside = lo >= 0 and hi <= n and lo_c >= 0 and hi_c <= n
    return (f"The magenta box: the field of unit ({unit[0]}, {unit[1]}) of {row['name']}, centred at start + i·j = "
            f"{short_number(row['start'])} + {unit[0]}·{short_number(row['j'])} = "
            f"**{short_number(row['start'] + unit[0] * row['j'])}**, r = **{short_number(row['r'])}** wide: "
            f"input rows {short_number(lo)} … {short_number(hi - 1)} (pixel i spans i to i+1). "
            + ("It lies inside the input." if inside else
               f"It reaches past the {n}-pixel input: there the unit reads zero padding."))


# --- The exercise: r after layer k -----------------------------------------------------------------

WINDOW_KINDS = ("Conv2d", "MaxPool2d", "AvgPool2d")


def exercise_layers(rows: list[dict]) -> list[int]:
    """The layers an "r after layer k" question can ask about: convs and pools (their r follows the lesson's
    step r_k = r_(k−1) + (k_eff − 1)·j_(k−1) from the row before)."""
    return [row["index"] for row in rows if row["kind"] in WINDOW_KINDS]


def default_question(rows: list[dict]) -> int | None:
    """The middle one of exercise_layers (None when the network has no conv or pool)."""
    layers = exercise_layers(rows)
    return layers[len(layers) // 2] if layers else None


def exercise_answer(rows: list[dict], k: int) -> tuple[float, str]:
    """(r after layer k, the worked step with this network's numbers)."""
    row = rows[k - 1]
    before = rows[k - 2] if k > 1 else dict(r=1, j=1, name="the input")
    span = (row["r"] - before["r"]) / before["j"] + 1                 # k_eff, read back from the recurrence
    return row["r"], (f"r after layer {k} = r before + (k_eff − 1)·j before = {short_number(before['r'])} + "
                      f"({short_number(span)} − 1)·{short_number(before['j'])} = **{short_number(row['r'])}** "
                      f"({row['name']}: k_eff = d(k − 1) + 1 = {short_number(span)} along the height; "
                      f"j before it is {short_number(before['j'])}, from {before['name']}).")


def check_answer(rows: list[dict], k: int, response: str) -> tuple[bool | None, str]:
    """(right?, message); None when the response is not a number."""
    try:
        value = float(response.replace("−", "-").strip())
    except ValueError:
        return None, f"{response[:20]!r} is not a number: type r, e.g. 7."
    answer, worked = exercise_answer(rows, k)
    if abs(value - answer) < 1e-9:
        return True, f"Right: {worked}"
    return False, f"Not quite ({short_number(value)}). Start from r = 1, j = 1 at the input; each conv or pool adds " \
                  f"(k_eff − 1) times the jump j *before* it, and strides multiply j."


INPUT_LIMITS = dict(c=(1, 4096), h=(1, MAX_INPUT_SIDE), w=(1, MAX_INPUT_SIDE))
