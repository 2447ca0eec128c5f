"""Output size of a transposed convolution: o' = (n − 1)s − 2p + d(k − 1) + output_padding + 1
(convviz.arithmetic.transposed_output_size, as nn.ConvTranspose2d), and its usual slips."""

from __future__ import annotations

from convviz.arithmetic import conv_output_size, effective_kernel_size, transposed_output_size
from convviz.exercises.base import Topic, pick


def _draw_transposed_output_size(rng) -> dict:
    while True:
        p = dict(n=int(rng.integers(2, 7)), k=pick(rng, [1, 2, 3, 3, 4]), stride=pick(rng, [1, 2, 2, 3]),
                 padding=pick(rng, [0, 0, 1, 1, 2]), output_padding=0, dilation=pick(rng, [1, 1, 1, 2]))
        room = max(p["stride"], p["dilation"])
        if room > 1 and rng.random() < 0.4:
            p["output_padding"] = int(rng.integers(1, room))
        try:
            transposed_output_size(**p)
        except ValueError:
            continue
        return p


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


TOPIC = Topic(
    "Output size of a transposed convolution", _draw_transposed_output_size, _transposed_output_size,
    _transposed_first, _transposed_slips,
    general="Fill in o' = (n − 1)s − 2p + d(k − 1) + output_padding + 1 term by term.",
    asks_side=lambda params: True)
