"""Predict, then reveal: exercises drawn from a seed, answered by the lessons' own code (issue 25).

Each topic draws small, hand-doable settings from (topic, seed), asks for one number, and answers
it with the compute module the lesson uses (arithmetic, conv, receptive, zoo, batchnorm), so an
exercise can never disagree with its page. `check` reads what a student typed and, when it is
wrong, recognises the usual slips (the floor, the dilation, the padding, the groups, BN's
m/(m−1)) by recomputing the answer with that step left out.

    >>> ex = generate("output_size", 3)
    >>> ex == generate("output_size", 3)                 # deterministic in (topic, seed)
    True
    >>> check(ex, str(ex.answer)).correct, check(ex, "banana").correct
    (True, False)

What `check` accepts: one number, written as an integer (7, +7, −7 with a Unicode minus, 7.0 for
a whole-number answer), a decimal (0.5, .5, 1e-1), a fraction of two integers (3/4) or, for a
size, a square "3×3" / "3x3". Surrounding spaces and full-width digits are fine; a comma is
refused (1,5 could mean 1.5 or 15). Integer answers must be exact; float answers (batchnorm) are
right within the tolerance the question states (rounded to 2 decimals: ±0.005). Every string gets
a Verdict and a message, never an exception. Tested against torch in tests/compute/test_exercises.py.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from convviz.arithmetic import conv_output_size, effective_kernel_size, transposed_output_size
from convviz.batchnorm import batch_norm_train
from convviz.conv import convolve2d, cross_correlate2d, flip_kernel
from convviz.receptive import Layer, formula_lines, receptive_field_table
from convviz.zoo import conv_cost

TOPICS: dict[str, str] = {
    "output_size": "Output size of a convolution",
    "output_value": "One output value of a convolution",
    "transposed_output_size": "Output size of a transposed convolution",
    "receptive_field": "Receptive field through a stack of layers",
    "parameters": "Learnable parameters of a conv layer",
    "batchnorm": "Batch norm in training mode",
}
QUANTITIES = ("n", "j", "r", "start")          # receptive_field: what is asked after the last layer
DECIMALS = 2                                   # batchnorm answers are asked rounded to this
MAX_QUIZ = 50                                  # questions in one quiz link


@dataclass(frozen=True)
class Exercise:
    """One question. `params` is plain JSON (the schema of its topic, see the issue); `answer` is exact."""

    topic: str
    seed: int
    question: str            # markdown
    params: dict
    answer: int | float
    explanation: str         # markdown: the lesson's formula with these numbers filled in
    tolerance: float = 0.0   # 0: exact; otherwise |response - answer| <= tolerance is right


@dataclass(frozen=True)
class Verdict:
    correct: bool
    message: str


# --- Drawing -------------------------------------------------------------------------------------


def _rng(topic: str, seed: int) -> np.random.Generator:
    """A generator fixed by (topic, seed) on every machine (crc32, not Python's salted hash)."""
    return np.random.default_rng([zlib.crc32(topic.encode()), int(seed < 0), abs(seed)])


def _pick(rng, options):
    return options[int(rng.integers(len(options)))]


def _draw_output_size(rng) -> dict:
    while True:
        p = dict(n=int(rng.integers(4, 13)), k=_pick(rng, [1, 2, 3, 3, 4, 5]), stride=_pick(rng, [1, 2, 2, 3]),
                 padding=_pick(rng, [0, 0, 1, 1, 2]), dilation=_pick(rng, [1, 1, 1, 2, 3]))
        if p["n"] + 2 * p["padding"] >= effective_kernel_size(p["k"], p["dilation"]):
            return p


def _draw_output_value(rng) -> dict:
    while True:
        h, w = int(rng.integers(4, 7)), int(rng.integers(4, 7))
        k = _pick(rng, [2, 3, 3])
        p = dict(x=rng.integers(-2, 4, size=(h, w)).tolist(), w=rng.integers(-1, 3, size=(k, k)).tolist(),
                 bias=int(rng.integers(-2, 3)), stride=_pick(rng, [1, 1, 2]), padding=_pick(rng, [0, 1, 1]),
                 dilation=_pick(rng, [1, 1, 1, 2]), row=0, col=0, op=_pick(rng, ["xcorr", "xcorr", "conv"]))
        span = effective_kernel_size(k, p["dilation"])
        if min(h, w) + 2 * p["padding"] < span:
            continue
        ho = conv_output_size(h, k, p["stride"], p["padding"], p["dilation"])
        wo = conv_output_size(w, k, p["stride"], p["padding"], p["dilation"])
        p["row"], p["col"] = int(rng.integers(ho)), int(rng.integers(wo))
        return p


def _draw_transposed_output_size(rng) -> dict:
    while True:
        p = dict(n=int(rng.integers(2, 7)), k=_pick(rng, [1, 2, 3, 3, 4]), stride=_pick(rng, [1, 2, 2, 3]),
                 padding=_pick(rng, [0, 0, 1, 1, 2]), output_padding=0, dilation=_pick(rng, [1, 1, 1, 2]))
        room = max(p["stride"], p["dilation"])
        if room > 1 and rng.random() < 0.4:
            p["output_padding"] = int(rng.integers(1, room))
        try:
            transposed_output_size(**p)
        except ValueError:
            continue
        return p


def _draw_layer(rng) -> dict:
    if rng.random() < 0.35:
        k = _pick(rng, [2, 2, 3])
        return dict(kind="pool", kernel_size=k, stride=_pick(rng, [2, 2, k]),
                    padding=_pick(rng, [0, 0, 1]) if k == 3 else 0, dilation=1)
    k = _pick(rng, [1, 2, 3, 3, 3, 5])
    return dict(kind="conv", kernel_size=k, stride=_pick(rng, [1, 1, 2]),
                padding=_pick(rng, [0, 1, 1, 2]) if k > 1 else 0, dilation=_pick(rng, [1, 1, 2]) if k > 1 else 1)


def _layers(params) -> list[Layer]:
    return [Layer(d["kind"], d["kernel_size"], d["stride"], d["padding"], d["dilation"]) for d in params["layers"]]


def _draw_receptive_field(rng) -> dict:
    while True:
        p = dict(n=int(rng.integers(7, 17)), layers=[_draw_layer(rng) for _ in range(int(rng.integers(2, 4)))],
                 quantity=_pick(rng, QUANTITIES))
        try:
            receptive_field_table(p["n"], _layers(p))
        except ValueError:
            continue
        return p


def _draw_parameters(rng) -> dict:
    c_in = _pick(rng, [1, 2, 3, 4, 6, 8, 12, 16])
    groups = _pick(rng, [1, 1, 2, 4, c_in])
    if c_in % groups:
        groups = 1
    c_out = groups * _pick(rng, [1, 2, 3, 4, 8]) if groups > 1 else _pick(rng, [2, 4, 6, 8, 16, 32])
    return dict(c_in=c_in, c_out=c_out, kernel_size=_pick(rng, [1, 3, 3, 5]), groups=groups,
                bias=bool(rng.random() < 0.6))


_SHAPES = [(1, 2, 2), (2, 1, 2), (2, 2, 1), (4, 1, 1)]      # (N, H, W): m = N·H·W = 4 values per channel


def _deviations() -> list[tuple[int, ...]]:
    """Four whole deviations from the mean, summing to 0, whose biased variance is 1, 4, 9 or 16: σ is whole."""
    found = []
    for a in range(-7, 8):
        for b in range(a, 8):
            for c in range(b, 8):
                d = -(a + b + c)
                if c <= d <= 7 and (a * a + b * b + c * c + d * d) in (4, 16, 36, 64):
                    found.append((a, b, c, d))
    return found


_DEVIATIONS = _deviations()


def _draw_batchnorm(rng) -> dict:
    while True:
        p = _draw_batchnorm_once(rng)
        y = float(batch_norm_train(np.array(p["x"], float), p["gamma"], p["beta"], p["eps"])[0][tuple(p["index"])])
        if abs(y * 10 ** DECIMALS % 1 - 0.5) > 0.05:          # not 0.125: rounding it is no coin toss
            return p


def _draw_batchnorm_once(rng) -> dict:
    n, h, w = _pick(rng, _SHAPES)
    c = _pick(rng, [1, 2, 2])
    x = np.zeros((n, c, h, w), dtype=int)
    for ch in range(c):
        dev = np.array(_pick(rng, _DEVIATIONS))
        x[:, ch] = (int(rng.integers(-2, 5)) + rng.permutation(dev)).reshape(n, h, w)
    while True:
        index = [int(rng.integers(n)), int(rng.integers(c)), int(rng.integers(h)), int(rng.integers(w))]
        if x[tuple(index)] != x[:, index[1]].mean():          # x − μ = 0 would make the answer just β
            break
    return dict(x=x.tolist(), gamma=[_pick(rng, [1.0, 2.0, 0.5, 1.5, -1.0]) for _ in range(c)],
                beta=[_pick(rng, [0.0, 1.0, -1.0, 0.5, 2.0]) for _ in range(c)], eps=1e-5, index=index)


# --- Formatting ----------------------------------------------------------------------------------


def _num(v) -> str:
    """3, -1.5, 0.3333 (a Unicode minus for negatives, as in the lessons' formulas)."""
    v = round(float(v), 4) + 0.0                       # + 0.0: no "−0"
    text = str(int(v)) if v.is_integer() else f"{v:.4f}".rstrip("0")
    return text.replace("-", "−")


def _grid(rows) -> str:
    """A small matrix as a fenced code block, numbers right-aligned."""
    cells = [[f"{v:g}" for v in row] for row in rows]
    width = max(len(c) for row in cells for c in row)
    return "```\n" + "\n".join(" ".join(c.rjust(width) for c in row) for row in cells) + "\n```"


def _signed(v) -> str:
    return f"({_num(v)})" if float(v) < 0 else _num(v)


# --- Topics: question, answer, explanation, first step and the usual slips -------------------------


def _output_size(p):
    n, k, s, pad, d = p["n"], p["k"], p["stride"], p["padding"], p["dilation"]
    answer = conv_output_size(n, k, s, pad, d)
    question = (f"A {k}×{k} convolution with stride {s}, padding {pad} and dilation {d} is applied to a {n}×{n} "
                f"input. How many rows (= columns) does the output have?")
    top = n + 2 * pad - d * (k - 1) - 1
    explanation = (f"o = ⌊(n + 2p − d(k−1) − 1) / s⌋ + 1 = ⌊({n} + 2·{pad} − {d}·({k}−1) − 1) / {s}⌋ + 1 "
                   f"= ⌊{top} / {s}⌋ + 1 = {top // s} + 1 = **{answer}**.")
    if top % s:
        explanation += (f" The division leaves {top % s}: the last {top % s} padded cell(s) are never reached "
                        f"by a window, so the floor drops them.")
    return question, answer, explanation


def _output_size_first(p):
    span = effective_kernel_size(p["k"], p["dilation"])
    return (f"First the span of the (dilated) kernel: k_eff = d(k−1) + 1 = {p['dilation']}·({p['k']}−1) + 1 = {span}. "
            f"Then o = ⌊(n + 2p − k_eff) / s⌋ + 1.")


def _size_formula(n, k, s, pad, d):
    return (n + 2 * pad - d * (k - 1) - 1) // s + 1


def _output_size_slips(p):
    n, k, s, pad, d = p["n"], p["k"], p["stride"], p["padding"], p["dilation"]
    top = n + 2 * pad - d * (k - 1) - 1
    floor = ("Round the division down: o = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1. A window that would stick out "
             "past the padded input does not count.")
    return [
        (Fraction(top, s) + 1, floor),
        (-(-top // s) + 1, floor),
        (_size_formula(n, k, s, pad, 1), f"Mind the dilation: a {k}-tap kernel with dilation {d} spans "
                                          f"d(k−1)+1 = {effective_kernel_size(k, d)} cells, not {k}."),
        ((n + pad - d * (k - 1) - 1) // s + 1, "The padding goes on both sides: add 2p, not p."),
        (_size_formula(n, k, s, 0, d), f"Don't forget the padding: the padded input has n + 2p = {n + 2 * pad} cells."),
        (_size_formula(n, k, 1, pad, d), f"Mind the stride: the windows move {s} cells at a time, so divide by s."),
        (top // s, "Add 1 at the end: the first window sits at position 0 before any stride is taken."),
    ]


def _window_value(p, *, flip=None, stride=None, padding=None, dilation=None, row=None, col=None, bias=True):
    """y[row][col] by the sum written out, with any step replaced; None if the window leaves the padded input."""
    x, w = np.array(p["x"]), np.array(p["w"])
    flip = p["op"] == "conv" if flip is None else flip
    s = p["stride"] if stride is None else stride
    pad = p["padding"] if padding is None else padding
    d = p["dilation"] if dilation is None else dilation
    r, c = (p["row"] if row is None else row), (p["col"] if col is None else col)
    w = w[::-1, ::-1] if flip else w
    xp = np.pad(x, pad)
    k = w.shape[0]
    if r * s + d * (k - 1) >= xp.shape[0] or c * s + d * (k - 1) >= xp.shape[1]:
        return None
    value = sum(int(w[a, b]) * int(xp[r * s + a * d, c * s + b * d]) for a in range(k) for b in range(k))
    return value + (p["bias"] if bias else 0)


def _output_value(p):
    x, w, b, s, pad, d = p["x"], p["w"], p["bias"], p["stride"], p["padding"], p["dilation"]
    r, c, k = p["row"], p["col"], len(p["w"])
    compute = convolve2d if p["op"] == "conv" else cross_correlate2d
    answer = int(round(compute(np.array(x, float), np.array(w, float), b, s, pad, d)[r, c]))
    what = ("true convolution (flip the kernel by 180° first)" if p["op"] == "conv"
            else "cross-correlation, what nn.Conv2d computes (no flip)")
    question = (f"Input x ({len(x)}×{len(x[0])}):\n\n{_grid(x)}\n\nKernel w ({k}×{k}):\n\n{_grid(w)}\n\n"
                f"Bias b = {b}; stride {s}, padding {pad} (zeros), dilation {d}; the operation is {what}. "
                f"What is y[{r}][{c}]? (Rows and columns count from 0.)")
    used = flip_kernel(w).astype(int) if p["op"] == "conv" else np.array(w)
    xp = np.pad(np.array(x), pad)
    lines = []
    if p["op"] == "conv":
        lines.append(f"Flip the kernel: w' = rot180(w) =\n\n{_grid(used)}\n")
    border = "no padding, x_pad = x" if pad == 0 else f"x_pad is x inside a border of {pad} zero{'s' if pad > 1 else ''}"
    lines.append(f"The window's top-left tap sits at padded row r·s = {r}·{s} = {r * s} and column c·s = {c}·{s} = "
                 f"{c * s} (input row {_num(r * s - pad)}, column {_num(c * s - pad)}); its taps are d = {d} apart "
                 f"({border}).")
    terms = [f"{_signed(used[a, bb])}·{_signed(xp[r * s + a * d, c * s + bb * d])}" for a in range(k) for bb in range(k)]
    name = "w'" if p["op"] == "conv" else "w"
    lines.append(f"y[{r}][{c}] = b + Σ {name}[a][b]·x_pad[r·s + a·d][c·s + b·d] = {_num(b)} + " + " + ".join(terms)
                 + f" = **{_num(answer)}**.")
    return question, answer, "\n\n".join(lines)


def _output_value_first(p):
    s, pad, d, r, c = p["stride"], p["padding"], p["dilation"], p["row"], p["col"]
    flip = "Flip the kernel by 180° first (true convolution). " if p["op"] == "conv" else ""
    return (f"{flip}Pad x with {pad} zero(s) on every side; the window for y[{r}][{c}] starts at padded row "
            f"{r}·{s} = {r * s}, column {c}·{s} = {c * s}, and its taps are {d} apart.")


def _output_value_slips(p):
    other = "true convolution" if p["op"] == "xcorr" else "cross-correlation"
    return [
        (_window_value(p, flip=p["op"] != "conv"),
         "You flipped the kernel: nn.Conv2d cross-correlates, no flip." if p["op"] == "xcorr"
         else f"True convolution flips the kernel by 180° first (you computed the {other})."),
        (_window_value(p, padding=0), f"Pad first: x gets {p['padding']} zero(s) around it, which shifts every "
                                      f"window by {p['padding']}."),
        (_window_value(p, dilation=1), f"Mind the dilation: the taps are {p['dilation']} cells apart, not adjacent."),
        (_window_value(p, stride=1), f"Mind the stride: the window for output (r, c) starts at (r·s, c·s) with "
                                     f"s = {p['stride']}."),
        (_window_value(p, bias=False), f"Add the bias b = {p['bias']}."),
        (_window_value(p, row=p["col"], col=p["row"]), "Row first, then column: y[row][col]."),
    ]


def _transposed_output_size(p):
    n, k, s, pad, a, d = p["n"], p["k"], p["stride"], p["padding"], p["output_padding"], p["dilation"]
    answer = transposed_output_size(n, k, s, pad, a, d)
    question = (f"A {k}×{k} transposed convolution (nn.ConvTranspose2d) with stride {s}, padding {pad}, "
                f"output_padding {a} and dilation {d} is applied to a {n}×{n} input. How many rows (= columns) "
                f"does the output have?")
    explanation = (f"o' = (n − 1)s − 2p + d(k − 1) + output_padding + 1 = ({n} − 1)·{s} − 2·{pad} + {d}·({k} − 1) "
                   f"+ {a} + 1 = {(n - 1) * s} − {2 * pad} + {d * (k - 1)} + {a} + 1 = **{answer}**.")
    return question, answer, explanation


def _transposed_first(p):
    return (f"Each of the n = {p['n']} inputs stamps the kernel {p['stride']} cells after the previous one: the stamps "
            f"start (n − 1)s = {(p['n'] - 1) * p['stride']} cells apart, end to end. Then add the kernel's span "
            f"d(k−1) + 1 and output_padding, and crop p from each side.")


def _transposed_slips(p):
    n, k, s, pad, a, d = p["n"], p["k"], p["stride"], p["padding"], p["output_padding"], p["dilation"]
    answer = transposed_output_size(n, k, s, pad, a, d)
    out = [
        (n * s - 2 * pad + d * (k - 1) + a + 1, "It is (n − 1)·s: n stamps have n − 1 gaps between them."),
        (answer + pad, "The padding crops on both sides: subtract 2p, not p."),
        (answer + 2 * pad, f"The padding crops: subtract 2p = {2 * pad} (a transposed conv removes it, it does not add it)."),
        (answer + 4 * pad, "Padding crops a transposed convolution's output: −2p, not +2p."),
        (answer - (d - 1) * (k - 1), f"Mind the dilation: the kernel spans d(k−1) + 1 = {effective_kernel_size(k, d)} "
                                     f"cells, not {k}."),
        (answer - a, f"Add output_padding = {a}: it picks the larger of the sizes a stride-{s} conv would map back."
                     if s > 1 else f"Add output_padding = {a}: it adds {a} more row(s) at the bottom (and column(s) at "
                                   f"the right); with stride 1 torch allows it only because the dilation is {d} > 1."),
        (answer - 1, "Add 1 at the end: (n − 1)s − 2p + d(k − 1) + output_padding + 1."),
    ]
    try:
        out.insert(0, (conv_output_size(n, k, s, pad, d), "That is the forward convolution's size; a transposed "
                                                          "convolution goes the other way (it grows the input)."))
    except ValueError:
        pass
    return out


def _receptive_field(p):
    rows = receptive_field_table(p["n"], _layers(p))
    q = p["quantity"]
    answer = rows[-1][q]
    answer = float(answer) if q == "start" else int(answer)
    listing = "\n".join(
        f"{i}. {d['kind']}: kernel {d['kernel_size']}, stride {d['stride']}, padding {d['padding']}"
        + (f", dilation {d['dilation']}" if d["kind"] == "conv" else "") for i, d in enumerate(p["layers"], start=1))
    ask = {"n": "How many features n does the last layer have along each axis?",
           "j": "What is the jump j after the last layer (input pixels between neighbouring features)?",
           "r": "What is the receptive-field size r of one feature of the last layer (input pixels, along one axis)?",
           "start": "Where is the centre of the receptive field of the last layer's first feature (start)? "
                    "Input pixel i covers [i, i+1), so the input itself has start = 0.5."}[q]
    question = f"An input of {p['n']}×{p['n']} pixels goes through:\n\n{listing}\n\n{ask}"
    explanation = ("Note 002's recurrence, from n = {n}, j = 1, r = 1, start = 0.5 "
                   "(k_eff = d(k−1)+1; a pool has d = 1):\n\n".format(n=p["n"])
                   + "\n\n".join(formula_lines(p["n"], _layers(p))) + f"\n\nSo {q} = **{_num(answer)}**.")
    return question, answer, explanation


def _receptive_first(p):
    return {"n": "Go layer by layer: n_out = ⌊(n_in + 2p − k_eff) / s⌋ + 1, with k_eff = d(k−1)+1.",
            "j": "Start from j = 1 on the input; each layer multiplies it: j_out = j_in · s.",
            "r": "Start from r = 1, j = 1; each layer adds (k_eff − 1) · j_in, using the jump *before* that layer.",
            "start": "Start from start = 0.5, j = 1; each layer adds ((k_eff − 1)/2 − p) · j_in."}[p["quantity"]]


def _variant(p, *, use_j=True, j_after=False, dilation=True, padding=True, pools=True, ceil=False, start=0.5):
    """The recurrence with one step done wrong; None when that makes a layer's output empty."""
    n, j, r, st = p["n"], 1, 1, start
    for d in p["layers"]:
        if d["kind"] == "pool" and not pools:
            continue
        k, s = d["kernel_size"], d["stride"]
        pad = d["padding"] if padding else 0
        span = effective_kernel_size(k, d["dilation"] if dilation else 1)
        top = n + 2 * pad - span
        if top < 0:
            return None
        n = (-(-top // s) if ceil else top // s) + 1
        r += (span - 1) * (j * s if j_after else j if use_j else 1)
        st += ((span - 1) / 2 - pad) * (j if use_j else 1)
        j *= s
    return dict(n=n, j=j, r=r, start=st)


def _receptive_slips(p):
    q = p["quantity"]
    slips = {
        "n": [(dict(ceil=True), "Round each division down (n_out = ⌊…⌋ + 1): a window that sticks out does not count."),
              (dict(dilation=False), "Mind the dilation: a dilated kernel spans k_eff = d(k−1)+1 cells."),
              (dict(padding=False), "Don't forget the padding: each layer sees n_in + 2p cells."),
              (dict(pools=False), "The pool layers shrink n too: they use the same formula.")],
        "j": [(dict(pools=False), "The pool layers' strides count too: j multiplies by every layer's stride.")],
        "r": [(dict(use_j=False), "Multiply each layer's (k_eff − 1) by the jump j_in before it: deeper layers "
                                  "step over more input pixels."),
              (dict(j_after=True), "Use the jump *before* the layer (j_in), not after it."),
              (dict(dilation=False), "Mind the dilation: a dilated kernel spans k_eff = d(k−1)+1 cells."),
              (dict(pools=False), "Pools widen the field too: (k − 1) · j_in, like a conv.")],
        "start": [(dict(start=0.0), "The input starts at 0.5, the centre of pixel 0 (which covers [0, 1))."),
                  (dict(padding=False), "Subtract the padding: start_out = start_in + ((k_eff − 1)/2 − p) · j_in."),
                  (dict(use_j=False), "Multiply each layer's shift by the jump j_in before it."),
                  (dict(dilation=False), "Mind the dilation: use k_eff = d(k−1)+1 in (k_eff − 1)/2.")],
    }[q]
    out = []
    for change, message in slips:
        got = _variant(p, **change)
        if got is not None:
            out.append((Fraction(got[q]), message))
    if q == "j":
        out.append((sum(d["stride"] for d in p["layers"]), "Strides multiply, they do not add: j_out = j_in · s."))
    return out


def _parameters(p):
    c_in, c_out, k, g, bias = p["c_in"], p["c_out"], p["kernel_size"], p["groups"], p["bias"]
    answer = conv_cost(c_in, c_out, k, k, groups=g, bias=bias)["params"]
    question = (f"How many learnable parameters does `nn.Conv2d(in_channels={c_in}, out_channels={c_out}, "
                f"kernel_size={k}, groups={g}, bias={bias})` have?")
    explanation = (f"Each of the C_out = {c_out} filters sees C_in/groups = {c_in}/{g} = {c_in // g} input channel(s) "
                   f"through a {k}×{k} kernel: weights = C_out·(C_in/groups)·k·k = {c_out}·{c_in // g}·{k}·{k} = "
                   f"{c_out * (c_in // g) * k * k}; "
                   + (f"plus one bias per output channel: {c_out}. " if bias else "no bias (bias=False). ")
                   + f"Total **{answer}**.")
    return question, answer, explanation


def _parameters_first(p):
    return (f"Count one filter first: it sees C_in/groups = {p['c_in']}/{p['groups']} channel(s), each through a "
            f"{p['kernel_size']}×{p['kernel_size']} kernel. There are C_out such filters.")


def _parameters_slips(p):
    c_in, c_out, k, g, bias = p["c_in"], p["c_out"], p["kernel_size"], p["groups"], p["bias"]
    b = c_out if bias else 0
    weights = c_out * (c_in // g) * k * k
    return [
        (c_out * c_in * k * k + b, f"Mind the groups: with groups={g} each filter sees only C_in/groups = "
                                   f"{c_in // g} channel(s), not all {c_in}."),
        ((c_out // g) * (c_in // g) * k * k + b, f"That is one group's weights; there are {g} groups."),
        (weights, f"Add the bias: one per output channel ({c_out})."),
        (weights + c_out, "This layer has bias=False: no bias parameters."),
        (c_out * (c_in // g) * k + b, f"The kernel is {k}×{k}: k·k = {k * k} weights per channel, not {k}."),
    ] + ([(weights + c_in, f"The bias has one entry per *output* channel ({c_out}), not per input channel."
                           if bias else f"This layer has bias=False: no bias parameters at all (and a bias would have "
                                        f"one entry per *output* channel, {c_out}, not {c_in}).")]
         if abs(c_in - c_out) > 2 else [])


def _batchnorm_stats(p, unbiased=False):
    x = np.array(p["x"], dtype=float)
    n, c, h, w = p["index"]
    values = x[:, c].ravel()
    m = values.size
    mean = values.mean()
    var = ((values - mean) ** 2).sum() / (m - 1 if unbiased else m)
    return x[n, c, h, w], values, m, mean, var


def _batchnorm(p):
    x = np.array(p["x"], dtype=float)
    n, c, h, w = p["index"]
    answer = float(batch_norm_train(x, p["gamma"], p["beta"], p["eps"])[0][n, c, h, w])
    big_n, big_c, big_h, big_w = x.shape
    blocks = "\n\n".join(f"x[{i}, {ch}] =\n\n{_grid(x[i, ch])}" for i in range(big_n) for ch in range(big_c))
    question = (f"A batch x of shape (N, C, H, W) = ({big_n}, {big_c}, {big_h}, {big_w}) goes through "
                f"`nn.BatchNorm2d({big_c}, eps={p['eps']:g})` in **training mode**, with "
                f"γ = ({', '.join(_num(v) for v in p['gamma'])}) and β = ({', '.join(_num(v) for v in p['beta'])}) "
                f"(one per channel).\n\n"
                f"{blocks}\n\nWhat is the output y[{n}, {c}, {h}, {w}]? Round to {DECIMALS} decimals.")
    value, values, m, mean, var = _batchnorm_stats(p)
    g, b = p["gamma"][c], p["beta"][c]
    xhat = (value - mean) / math.sqrt(var + p["eps"])
    explanation = (
        f"Channel {c} has m = N·H·W = {m} values: {', '.join(_num(v) for v in values)}.\n\n"
        f"μ = (1/m) Σ x = {_num(values.sum())}/{m} = {_num(mean)}; "
        f"σ² = (1/m) Σ (x − μ)² = {_num(((values - mean) ** 2).sum())}/{m} = {_num(var)} "
        f"(training mode divides by m, not m − 1).\n\n"
        f"x̂ = (x − μ)/√(σ² + ε) = ({_num(value)} − {_signed(mean)})/√({_num(var)} + {p['eps']:g}) ≈ {_num(xhat)}.\n\n"
        f"y = γ·x̂ + β = {_signed(g)}·{_signed(xhat)} + {_signed(b)} ≈ **{answer:.{DECIMALS}f}**.")
    return question, answer, explanation


def _batchnorm_first(p):
    c = p["index"][1]
    return (f"Take channel {c}'s values over the whole batch (all N, H and W: m = N·H·W of them) and find their "
            f"mean μ and variance σ².")


def _batchnorm_slips(p):
    value, values, m, mean, var = _batchnorm_stats(p)
    _, _, _, _, var_u = _batchnorm_stats(p, unbiased=True)
    x = np.array(p["x"], dtype=float)
    n, c, h, w = p["index"]
    g, b, eps = p["gamma"][c], p["beta"][c], p["eps"]
    xhat = (value - mean) / math.sqrt(var + eps)
    out = [
        (g * (value - mean) / math.sqrt(var_u + eps) + b,
         f"In training mode BN divides by the batch's own (biased) variance, (1/m)Σ(x − μ)²; the m/(m−1) = {m}/{m - 1} "
         f"correction is only for the running estimate used in eval mode."),
        (xhat, "Then scale and shift: y = γ·x̂ + β."),
        (g * xhat, f"Add β = {_num(b)}."),
        (xhat + b, f"Multiply by γ = {_num(g)} before adding β."),
        (g * (value - mean) / (var + eps) + b, "Divide by the standard deviation √(σ² + ε), not by the variance."),
        (b * xhat + g, "γ scales and β shifts: y = γ·x̂ + β."),
    ]
    whole = x.ravel()
    if x.shape[1] > 1:
        out.append((g * (value - whole.mean()) / math.sqrt(whole.var() + eps) + b,
                    f"Batch norm keeps statistics per channel: use channel {c}'s values only."))
    own = x[n, c].ravel()
    if x.shape[0] > 1 and own.size > 1 and own.var() > 0:
        out.append((g * (value - own.mean()) / math.sqrt(own.var() + eps) + b,
                    "Take the statistics over the whole batch (every sample's channel-c values), not one sample."))
    return out


@dataclass(frozen=True)
class _Topic:
    draw: object
    build: object
    first_step: object
    slips: object
    tolerance: float = 0.0
    asks_side: object = lambda params: False      # the answer is one side of a square: "5x5" may be typed for 5


_TOPICS = {
    "output_size": _Topic(_draw_output_size, _output_size, _output_size_first, _output_size_slips,
                          asks_side=lambda params: True),
    "output_value": _Topic(_draw_output_value, _output_value, _output_value_first, _output_value_slips),
    "transposed_output_size": _Topic(_draw_transposed_output_size, _transposed_output_size, _transposed_first,
                                     _transposed_slips, asks_side=lambda params: True),
    "receptive_field": _Topic(_draw_receptive_field, _receptive_field, _receptive_first, _receptive_slips,
                              asks_side=lambda params: params["quantity"] in ("n", "r")),
    "parameters": _Topic(_draw_parameters, _parameters, _parameters_first, _parameters_slips),
    "batchnorm": _Topic(_draw_batchnorm, _batchnorm, _batchnorm_first, _batchnorm_slips, 0.5 * 10 ** -DECIMALS),
}

_GENERAL = {
    "output_size": "Fill in o = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 one step at a time: the kernel's span, the padded "
                   "size, then divide by the stride, round down and add 1.",
    "output_value": "Write the window out: pad x, put the kernel's top-left tap at (row·s, col·s), step d cells "
                    "between taps, multiply tap by tap, add them up and add the bias.",
    "transposed_output_size": "Fill in o' = (n − 1)s − 2p + d(k − 1) + output_padding + 1 term by term.",
    "receptive_field": "Fill in note 002's table one layer at a time: n, j, r and start from the row above.",
    "parameters": "Weights C_out·(C_in/groups)·k·k, plus C_out biases when bias=True.",
    "batchnorm": "Per channel, over N, H and W: μ, then σ² = (1/m)Σ(x − μ)², then x̂ = (x − μ)/√(σ² + ε), "
                 "then y = γ·x̂ + β.",
}


# --- The contract --------------------------------------------------------------------------------


def _check_topic(topic) -> _Topic:
    if topic not in _TOPICS:
        raise ValueError(f"Unknown exercise topic {topic!r}; choose one of {', '.join(TOPICS)}.")
    return _TOPICS[topic]


def _whole(value, name: str = "seed") -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"The {name} must be a whole number (got {value!r}).")
    return int(value)


def from_params(topic: str, params: dict, seed: int = 0) -> Exercise:
    """The exercise for these settings (e.g. a link's, or a test's hand-picked case), answered by the lesson code."""
    spec = _check_topic(topic)
    question, answer, explanation = spec.build(params)
    return Exercise(topic, _whole(seed), question, params, answer, explanation, spec.tolerance)


def generate(topic: str, seed: int) -> Exercise:
    """The exercise on `topic` for `seed`: the same on every machine and every run.

    >>> ex = generate("parameters", 0)
    >>> sorted(ex.params)
    ['bias', 'c_in', 'c_out', 'groups', 'kernel_size']
    """
    spec = _check_topic(topic)
    seed = _whole(seed)
    return from_params(topic, spec.draw(_rng(topic, seed)), seed)


def hint(exercise: Exercise) -> str:
    """The first step, with the exercise's numbers, short of the answer."""
    return _check_topic(exercise.topic).first_step(exercise.params)


def quiz(topics: list[str], count: int, seed: int) -> list[Exercise]:
    """`count` exercises cycling through `topics` in order, their seeds drawn from `seed`: a quiz link holds
    (topics, count, seed) and every student gets the same questions in the same order.

    >>> [ex.topic for ex in quiz(["output_size", "parameters"], 3, 7)]
    ['output_size', 'parameters', 'output_size']
    """
    topics = list(topics)
    if not topics:
        raise ValueError(f"A quiz needs at least one topic; choose from {', '.join(TOPICS)}.")
    for topic in topics:
        _check_topic(topic)
    count = _whole(count, "number of questions")
    if not 1 <= count <= MAX_QUIZ:
        raise ValueError(f"A quiz has 1 to {MAX_QUIZ} questions (got {count}).")
    rng = _rng("quiz", _whole(seed))
    out, seen = [], set()
    for i in range(count):
        topic = topics[i % len(topics)]
        for _ in range(20):                                # a repeated question is a wasted one: draw again
            exercise = generate(topic, int(rng.integers(2 ** 31)))
            if exercise.question not in seen:
                break
        seen.add(exercise.question)
        out.append(exercise)
    return out


# --- Reading and checking an answer ----------------------------------------------------------------

_DASHES = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\ufe63": "-", "\u00a0": " ",
                         "\u202f": " ", "\u2009": " ", "\u2044": "/", "\u2215": "/", "\u00f7": "/"})   # ½ → 1⁄2 → 1/2
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?", re.ASCII)
_RATIO = re.compile(r"([+-]?\d+)\s*/\s*([+-]?\d+)", re.ASCII)
_SQUARE = re.compile(r"(.+?)\s*[x×]\s*(.+)", re.ASCII | re.IGNORECASE)
MAX_CHARS = 40                                          # longer than any answer here, short of any harm


MAX_EXPONENT = 400                                      # 10**400 is cheap to build; 1e99999999 is not


def _single(text: str):
    """One number as an exact Fraction; ±inf (a number, just never an answer) when its exponent is beyond
    +MAX_EXPONENT, and the mantissa times 10**−MAX_EXPONENT (tiny, exact, not 0) beyond −MAX_EXPONENT;
    None if it is not a number. 0e999 is 0, 1e-31 is 10**−31."""
    match = _NUMBER.fullmatch(text)
    if match:
        exponent = 0 if match.group(1) is None else int(match.group(1))
        mantissa = Fraction(text[:match.start(1) - 1] if match.group(1) is not None else text)
        if mantissa == 0 or abs(exponent) <= MAX_EXPONENT:
            return mantissa * Fraction(10) ** exponent
        if exponent > 0:
            return math.copysign(math.inf, mantissa)
        return mantissa / Fraction(10) ** MAX_EXPONENT
    match = _RATIO.fullmatch(text)
    if match:
        den = int(match.group(2))
        return None if den == 0 else Fraction(int(match.group(1)), den)
    return None


def parse(response, side: bool = False) -> tuple[Fraction | float | None, str]:
    """(the number typed, "") or (None, why it is not one). Never raises.

    side: the question asks for one side of a square (a size, a receptive field), so "5x5" means 5;
    elsewhere "3x3" is refused, since as a count it would mean 9."""
    text = "" if response is None else str(response)
    if len(text) > 10 * MAX_CHARS:
        return None, f"That is {len(text):,} characters: type one number, e.g. 7 or 0.5."
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).strip()
    if not text:
        return None, "Type a number first."
    if len(text) > MAX_CHARS:
        return None, f"That is {len(text):,} characters: type one number, e.g. 7 or 0.5."
    if "," in text:
        return None, "Use a dot for decimals (1.5), not a comma, and one number only."
    value = _single(text)
    if value is None and "/" in text and _RATIO.fullmatch(text.replace(" ", "")):
        return None, "A fraction cannot divide by 0."
    if value is None:
        square = _SQUARE.fullmatch(text)
        if square:
            a, b = _single(square.group(1).strip()), _single(square.group(2).strip())
            if a is not None and b is not None and not side:
                return None, (f"{text!r} is a size, but this question asks for one number (a count or a value, not "
                              "a side length): type just that number.")
            if a is not None and a == b:
                value = a
            elif a is not None and b is not None:
                return None, "Kernels and inputs are square here: give one number (the rows, equal to the columns)."
    if value is None:
        shown = text if len(text) <= 20 else text[:17] + "..."
        return None, f"{shown!r} is not a number: type one, such as 7, −1.5 or 3/4."
    return value, ""


def _close(value, target, tolerance: float) -> bool:
    if tolerance == 0 and not isinstance(value, float) and not isinstance(target, float):
        return Fraction(value) == Fraction(target)
    if tolerance == 0 and isinstance(target, float) and not isinstance(value, float):
        return Fraction(value) == Fraction(target)          # start is a half-integer: exactly representable
    return abs(float(value) - float(target)) <= tolerance + 1e-9


def check(exercise: Exercise, response: str) -> Verdict:
    """Right, or wrong with a hint at the step most often missed. Never raises on any string."""
    spec = _check_topic(exercise.topic)
    side = spec.asks_side(exercise.params)
    value, problem = parse(response, side=side)
    if value is None:
        return Verdict(False, problem)
    if isinstance(value, float):                        # ±inf: a number, far from every answer and slip here
        return Verdict(False, f"Not quite: that is far larger than the answer. {_GENERAL[exercise.topic]}")
    tolerance = exercise.tolerance
    if _close(value, exercise.answer, tolerance):
        return Verdict(True, f"Correct: {_num(exercise.answer) if not tolerance else f'{exercise.answer:.{DECIMALS}f}'}.")
    slack = tolerance or 0.01                           # an unfloored 10/3 + 1 typed as 4.33 still counts as that slip
    for wrong, message in spec.slips(exercise.params):
        if wrong is None or _close(wrong, exercise.answer, tolerance):
            continue
        exact = isinstance(wrong, int) or (isinstance(wrong, Fraction) and wrong.denominator == 1)
        if _close(value, wrong, 0 if exact and not tolerance else slack):
            return Verdict(False, f"Not quite. {message}")
    if isinstance(exercise.answer, int) and not (isinstance(value, Fraction) and value.denominator == 1):
        if side:
            return Verdict(False, "Not quite: a size is a whole number (the formula rounds the division down). "
                                  + _GENERAL[exercise.topic])
        return Verdict(False, "Not quite: the answer is a whole number. " + _GENERAL[exercise.topic])
    return Verdict(False, f"Not quite. {_GENERAL[exercise.topic]}")
