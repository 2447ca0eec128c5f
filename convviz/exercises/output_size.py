"""Output size of a convolution: o = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 (convviz.arithmetic), and its usual slips
(the floor, the dilation, the padding on one side, the stride, the +1)."""

from __future__ import annotations

from fractions import Fraction

from convviz.arithmetic import conv_output_size, effective_kernel_size
from convviz.exercises.base import Topic, pick


def _draw_output_size(rng) -> dict:
    while True:
        p = dict(n=int(rng.integers(4, 13)), k=pick(rng, [1, 2, 3, 3, 4, 5]), stride=pick(rng, [1, 2, 2, 3]),
                 padding=pick(rng, [0, 0, 1, 1, 2]), dilation=pick(rng, [1, 1, 1, 2, 3]))
        if p["n"] + 2 * p["padding"] >= effective_kernel_size(p["k"], p["dilation"]):
            return p


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


TOPIC = Topic(
    "Output size of a convolution", _draw_output_size, _output_size, _output_size_first, _output_size_slips,
    general="Fill in o = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 one step at a time: the kernel's span, the padded "
            "size, then divide by the stride, round down and add 1.",
    asks_side=lambda params: True)
