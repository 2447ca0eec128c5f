"""Learnable parameters of a conv layer: C_out·(C_in/groups)·k·k weights plus C_out biases (convviz.zoo.conv_cost,
as nn.Conv2d), and the slips (the groups, the bias, k instead of k·k)."""

from __future__ import annotations

from convviz.exercises.base import Topic, pick
from convviz.zoo import conv_cost


def _draw_parameters(rng) -> dict:
    c_in = pick(rng, [1, 2, 3, 4, 6, 8, 12, 16])
    groups = pick(rng, [1, 1, 2, 4, c_in])
    if c_in % groups:
        groups = 1
    c_out = groups * pick(rng, [1, 2, 3, 4, 8]) if groups > 1 else pick(rng, [2, 4, 6, 8, 16, 32])
    return dict(c_in=c_in, c_out=c_out, kernel_size=pick(rng, [1, 3, 3, 5]), groups=groups,
                bias=bool(rng.random() < 0.6))


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


TOPIC = Topic(
    "Learnable parameters of a conv layer", _draw_parameters, _parameters, _parameters_first, _parameters_slips,
    general="Weights C_out·(C_in/groups)·k·k, plus C_out biases when bias=True.")
