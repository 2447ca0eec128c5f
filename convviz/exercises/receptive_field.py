"""Receptive field through a stack of layers: note 002's recurrence for n, j, r and start
(convviz.receptive), and the slips of doing one of its steps wrong."""

from __future__ import annotations

from fractions import Fraction

from convviz.arithmetic import effective_kernel_size
from convviz.exercises.base import Topic, num, pick
from convviz.receptive import Layer, formula_lines, receptive_field_table

QUANTITIES = ("n", "j", "r", "start")          # what is asked after the last layer


def _draw_layer(rng) -> dict:
    if rng.random() < 0.35:
        k = pick(rng, [2, 2, 3])
        return dict(kind="pool", kernel_size=k, stride=pick(rng, [2, 2, k]),
                    padding=pick(rng, [0, 0, 1]) if k == 3 else 0, dilation=1)
    k = pick(rng, [1, 2, 3, 3, 3, 5])
    return dict(kind="conv", kernel_size=k, stride=pick(rng, [1, 1, 2]),
                padding=pick(rng, [0, 1, 1, 2]) if k > 1 else 0, dilation=pick(rng, [1, 1, 2]) if k > 1 else 1)


def _layers(params) -> list[Layer]:
    return [Layer(d["kind"], d["kernel_size"], d["stride"], d["padding"], d["dilation"]) for d in params["layers"]]


def _draw_receptive_field(rng) -> dict:
    while True:
        p = dict(n=int(rng.integers(7, 17)), layers=[_draw_layer(rng) for _ in range(int(rng.integers(2, 4)))],
                 quantity=pick(rng, QUANTITIES))
        try:
            receptive_field_table(p["n"], _layers(p))
        except ValueError:
            continue
        return p


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
                   + "\n\n".join(formula_lines(p["n"], _layers(p))) + f"\n\nSo {q} = **{num(answer)}**.")
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


TOPIC = Topic(
    "Receptive field through a stack of layers", _draw_receptive_field, _receptive_field, _receptive_first,
    _receptive_slips,
    general="Fill in note 002's table one layer at a time: n, j, r and start from the row above.",
    asks_side=lambda params: params["quantity"] in ("n", "r"))
