"""One output value of a convolution: y[r][c] = b + Σ w[a][b]·x_pad[r·s + a·d][c·s + b·d] (convviz.conv), the
kernel flipped first for a true convolution; the slips redo the sum with one step left out."""

from __future__ import annotations

import numpy as np

from convviz.arithmetic import conv_output_size, effective_kernel_size
from convviz.conv import convolve2d, cross_correlate2d, flip_kernel
from convviz.exercises.base import Topic, grid, num, pick, signed


def _draw_output_value(rng) -> dict:
    while True:
        h, w = int(rng.integers(4, 7)), int(rng.integers(4, 7))
        k = pick(rng, [2, 3, 3])
        p = dict(x=rng.integers(-2, 4, size=(h, w)).tolist(), w=rng.integers(-1, 3, size=(k, k)).tolist(),
                 bias=int(rng.integers(-2, 3)), stride=pick(rng, [1, 1, 2]), padding=pick(rng, [0, 1, 1]),
                 dilation=pick(rng, [1, 1, 1, 2]), row=0, col=0, op=pick(rng, ["xcorr", "xcorr", "conv"]))
        span = effective_kernel_size(k, p["dilation"])
        if min(h, w) + 2 * p["padding"] < span:
            continue
        ho = conv_output_size(h, k, p["stride"], p["padding"], p["dilation"])
        wo = conv_output_size(w, k, p["stride"], p["padding"], p["dilation"])
        p["row"], p["col"] = int(rng.integers(ho)), int(rng.integers(wo))
        return p


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
    question = (f"Input x ({len(x)}×{len(x[0])}):\n\n{grid(x)}\n\nKernel w ({k}×{k}):\n\n{grid(w)}\n\n"
                f"Bias b = {b}; stride {s}, padding {pad} (zeros), dilation {d}; the operation is {what}. "
                f"What is y[{r}][{c}]? (Rows and columns count from 0.)")
    used = flip_kernel(w).astype(int) if p["op"] == "conv" else np.array(w)
    xp = np.pad(np.array(x), pad)
    lines = []
    if p["op"] == "conv":
        lines.append(f"Flip the kernel: w' = rot180(w) =\n\n{grid(used)}\n")
    border = "no padding, x_pad = x" if pad == 0 else f"x_pad is x inside a border of {pad} zero{'s' if pad > 1 else ''}"
    lines.append(f"The window's top-left tap sits at padded row r·s = {r}·{s} = {r * s} and column c·s = {c}·{s} = "
                 f"{c * s} (input row {num(r * s - pad)}, column {num(c * s - pad)}); its taps are d = {d} apart "
                 f"({border}).")
    terms = [f"{signed(used[a, bb])}·{signed(xp[r * s + a * d, c * s + bb * d])}" for a in range(k) for bb in range(k)]
    name = "w'" if p["op"] == "conv" else "w"
    lines.append(f"y[{r}][{c}] = b + Σ {name}[a][b]·x_pad[r·s + a·d][c·s + b·d] = {num(b)} + " + " + ".join(terms)
                 + f" = **{num(answer)}**.")
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


TOPIC = Topic(
    "One output value of a convolution", _draw_output_value, _output_value, _output_value_first, _output_value_slips,
    general="Write the window out: pad x, put the kernel's top-left tap at (row·s, col·s), step d cells "
            "between taps, multiply tap by tap, add them up and add the bias.")
