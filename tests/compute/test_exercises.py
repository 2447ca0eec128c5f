"""Exercises (issue 25): every answer recomputed in torch from the exercise's params alone, right answers
accepted in the ways students type them, wrong ones refused with a hint, junk never raising.

The torch side never calls convviz: sizes come from F.conv2d / F.conv_transpose2d / F.max_pool2d on zeros,
values from F.conv2d (kernel flipped for op="conv"), parameter counts from nn.Conv2d, batch norm from
nn.BatchNorm2d in training mode (float64), and the receptive field's j, r and start from autograd on a
1-D copy of the stack with all-positive weights (the support of one feature's gradient is its field).
"""

import json
import math
from fractions import Fraction

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from convviz.exercises import (MAX_QUIZ, QUANTITIES, TOPICS, Exercise, Verdict, check, from_params, generate, hint,
                               parse, quiz)

SEEDS = range(200)
REQUIRED = {"output_size", "output_value", "transposed_output_size", "receptive_field", "parameters", "batchnorm"}
EXERCISES = {topic: [generate(topic, seed) for seed in SEEDS] for topic in TOPICS}
SCHEMAS = {
    "output_size": {"n", "k", "stride", "padding", "dilation"},
    "output_value": {"x", "w", "bias", "stride", "padding", "dilation", "row", "col", "op"},
    "transposed_output_size": {"n", "k", "stride", "padding", "output_padding", "dilation"},
    "receptive_field": {"n", "layers", "quantity"},
    "parameters": {"c_in", "c_out", "kernel_size", "groups", "bias"},
    "batchnorm": {"x", "gamma", "beta", "eps", "index"},
}


# --- torch, from params only -------------------------------------------------------------------------


def zeros(*shape):
    return torch.zeros(*shape, dtype=torch.float64)


def torch_output_size(p):
    return F.conv2d(zeros(1, 1, p["n"], p["n"]), zeros(1, 1, p["k"], p["k"]), stride=p["stride"],
                    padding=p["padding"], dilation=p["dilation"]).shape[-1]


def torch_output_value(p):
    x = torch.tensor(p["x"], dtype=torch.float64)[None, None]
    w = torch.tensor(p["w"], dtype=torch.float64)[None, None]
    if p["op"] == "conv":
        w = w.flip(-1, -2)
    y = F.conv2d(x, w, torch.tensor([float(p["bias"])], dtype=torch.float64), stride=p["stride"],
                 padding=p["padding"], dilation=p["dilation"])
    return y[0, 0, p["row"], p["col"]].item()


def torch_transposed_output_size(p):
    return F.conv_transpose2d(zeros(1, 1, p["n"], p["n"]), zeros(1, 1, p["k"], p["k"]), stride=p["stride"],
                              padding=p["padding"], output_padding=p["output_padding"],
                              dilation=p["dilation"]).shape[-1]


def run_stack(x, layers, one_d=False):
    """The stack on x: convs with all-ones kernels, pools as max (2-D, for sizes) or average (1-D, for gradients)."""
    for d in layers:
        k, s, pad = d["kernel_size"], d["stride"], d["padding"]
        if d["kind"] == "conv":
            weight = torch.ones((1, 1) + (k,) * (1 if one_d else 2), dtype=torch.float64)
            x = (F.conv1d if one_d else F.conv2d)(x, weight, stride=s, padding=pad, dilation=d["dilation"])
        else:
            x = F.avg_pool1d(x, k, s, pad) if one_d else F.max_pool2d(x, k, s, pad)
    return x


SIZE = 256                                                 # wide enough that the middle features see no padding


def field(layers, i):
    """(lo, hi): the first and last input pixel that feature i of the last layer depends on (autograd, 1-D)."""
    x = torch.rand(1, 1, SIZE, dtype=torch.float64, requires_grad=True)
    run_stack(x, layers, one_d=True)[0, 0, i].backward()
    support = torch.nonzero(x.grad[0, 0]).flatten()
    return support.min().item(), support.max().item()


def torch_receptive_field(p):
    layers, q = p["layers"], p["quantity"]
    if q == "n":
        return run_stack(zeros(1, 1, p["n"], p["n"]), layers).shape[-1]
    i = run_stack(zeros(1, 1, SIZE), layers, one_d=True).shape[-1] // 2   # a middle feature: its field is all inside
    lo, hi = field(layers, i)
    lo2, hi2 = field(layers, i + 1)
    centre, centre2 = (lo + hi + 1) / 2, (lo2 + hi2 + 1) / 2   # pixel q covers [q, q+1)
    j = centre2 - centre
    return {"j": j, "r": hi - lo + 1, "start": centre - i * j}[q]


def torch_parameters(p):
    conv = nn.Conv2d(p["c_in"], p["c_out"], p["kernel_size"], groups=p["groups"], bias=p["bias"], device="meta")
    return sum(t.numel() for t in conv.parameters())


def torch_batchnorm(p):
    x = torch.tensor(p["x"], dtype=torch.float64)
    bn = nn.BatchNorm2d(x.shape[1], eps=p["eps"], dtype=torch.float64).train()
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(p["gamma"], dtype=torch.float64))
        bn.bias.copy_(torch.tensor(p["beta"], dtype=torch.float64))
        return bn(x)[tuple(p["index"])].item()


TORCH = {"output_size": torch_output_size, "output_value": torch_output_value,
         "transposed_output_size": torch_transposed_output_size, "receptive_field": torch_receptive_field,
         "parameters": torch_parameters, "batchnorm": torch_batchnorm}


# --- The contract ------------------------------------------------------------------------------------


def test_the_topics_are_there():
    assert REQUIRED <= set(TOPICS) and set(TORCH) == set(TOPICS)
    assert all(isinstance(title, str) and title for title in TOPICS.values())


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_answers_equal_torch(topic):
    torch.manual_seed(0)
    for ex in EXERCISES[topic]:
        expected = TORCH[topic](ex.params)
        if topic == "batchnorm":
            assert isinstance(ex.answer, float) and ex.answer == pytest.approx(expected, abs=1e-9), ex.params
        else:
            assert ex.answer == expected, (ex.seed, ex.params, ex.answer, expected)
            want = float if topic == "receptive_field" and ex.params["quantity"] == "start" else int
            assert type(ex.answer) is want


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_params_follow_the_schema_and_round_trip_through_json(topic):
    for ex in EXERCISES[topic]:
        assert isinstance(ex, Exercise) and ex.topic == topic
        assert set(ex.params) == SCHEMAS[topic]
        again = json.loads(json.dumps(ex.params))
        assert again == ex.params
        assert from_params(topic, again, ex.seed) == ex
    if topic == "receptive_field":
        for ex in EXERCISES[topic]:
            assert ex.params["quantity"] in QUANTITIES
            for layer in ex.params["layers"]:
                assert set(layer) == {"kind", "kernel_size", "stride", "padding", "dilation"}


def test_deterministic_and_varied():
    for topic in TOPICS:
        assert [generate(topic, seed) for seed in range(20)] == EXERCISES[topic][:20]
        distinct = {json.dumps(ex.params, sort_keys=True) for ex in EXERCISES[topic]}
        assert len(distinct) >= (60 if topic == "parameters" else 150), (topic, len(distinct))
    assert generate("output_size", -3) != generate("output_size", 3)


def test_draws_are_pinned():
    """Quiz links hold (topics, count, seed): changing the draw would change every link already handed out."""
    assert generate("output_size", 0).params == {"n": 7, "k": 3, "stride": 2, "padding": 0, "dilation": 1}
    assert generate("parameters", 2).params == {"c_in": 8, "c_out": 2, "kernel_size": 3, "groups": 2, "bias": True}


def test_stride_padding_dilation_and_pooling_all_appear():
    size = [ex.params for ex in EXERCISES["output_size"]]
    assert any(p["stride"] > 1 for p in size) and any(p["padding"] > 0 for p in size)
    assert any(p["dilation"] > 1 for p in size)
    assert any((p["n"] + 2 * p["padding"] - p["dilation"] * (p["k"] - 1) - 1) % p["stride"] for p in size)  # floors
    value = [ex.params for ex in EXERCISES["output_value"]]
    assert {p["op"] for p in value} == {"xcorr", "conv"}
    assert all(any(p[key] != low for p in value) for key, low in (("stride", 1), ("padding", 0), ("dilation", 1)))
    transposed = [ex.params for ex in EXERCISES["transposed_output_size"]]
    assert all(any(p[key] != low for p in transposed)
               for key, low in (("stride", 1), ("padding", 0), ("dilation", 1), ("output_padding", 0)))
    layers = [d for ex in EXERCISES["receptive_field"] for d in ex.params["layers"]]
    assert {d["kind"] for d in layers} == {"conv", "pool"}
    assert any(d["dilation"] > 1 for d in layers) and any(d["padding"] > 0 for d in layers)
    assert {ex.params["quantity"] for ex in EXERCISES["receptive_field"]} == set(QUANTITIES)
    params = [ex.params for ex in EXERCISES["parameters"]]
    assert any(p["groups"] > 1 for p in params) and {p["bias"] for p in params} == {True, False}
    assert any(p["groups"] == p["c_in"] > 1 for p in params)                   # depthwise
    assert {len(ex.params["gamma"]) for ex in EXERCISES["batchnorm"]} == {1, 2}


def test_sized_to_be_done_by_hand():
    for ex in EXERCISES["output_value"]:
        assert len(ex.params["x"]) <= 6 and len(ex.params["x"][0]) <= 6 and len(ex.params["w"]) <= 3
        assert all(abs(v) <= 3 for row in ex.params["x"] + ex.params["w"] for v in row)
    assert all(ex.params["n"] <= 16 and len(ex.params["layers"]) <= 3 for ex in EXERCISES["receptive_field"])
    assert all(ex.answer < 10_000 for ex in EXERCISES["parameters"])
    for ex in EXERCISES["batchnorm"]:
        n, c, h, w = (len(ex.params["x"]), len(ex.params["x"][0]), len(ex.params["x"][0][0]),
                      len(ex.params["x"][0][0][0]))
        assert n * h * w == 4 and c <= 2
        assert "Round to 2 decimals" in ex.question
        assert abs(ex.answer * 100 % 1 - 0.5) > 0.05              # its rounding is not a coin toss


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_explanations_and_hints(topic):
    for ex in EXERCISES[topic][:60]:
        shown = f"{ex.answer:.2f}" if topic == "batchnorm" else f"{ex.answer:g}".replace("-", "−")
        assert f"**{shown}**" in ex.explanation, (ex.explanation, shown)
        first = hint(ex)
        assert first and f"**{shown}**" not in first and first not in ex.explanation
        assert ex.question and ex.question != ex.explanation


# --- check: right, wrong, junk -----------------------------------------------------------------------


SIDE_TOPICS = ("output_size", "transposed_output_size")        # the answer is one side of a square


def typed_forms(ex):
    """The ways a student writes the right answer."""
    a = ex.answer
    if ex.tolerance:
        forms = [f"{a:.2f}", f"{a:.3f}", f"{a:.4f}", f" {a:.2f} ", f"{round(a, 2)}"]
    elif isinstance(a, float):
        forms = [str(a), f"{a:g}", str(Fraction(a)), f"{a:.2f}"]
    else:
        forms = [str(a), f" {a} ", f"{a}.0", f"{a}/1", f"{2 * a}/2"]
        if a > 0:
            forms += [f"+{a}"]
        if a > 0 and ex.topic in SIDE_TOPICS or ex.params.get("quantity") in ("n", "r"):
            forms += [f"{a}×{a}", f"{a} x {a}"]
    return forms + [f.replace("-", "\u2212") for f in forms if "-" in f]


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_right_answers_accepted_and_wrong_ones_refused_with_a_hint(topic):
    for ex in EXERCISES[topic][:60]:
        for form in typed_forms(ex):
            verdict = check(ex, form)
            assert verdict.correct, (form, ex.answer, verdict.message)
        step = 0.1 if ex.tolerance else 1
        for wrong in (ex.answer + step, ex.answer - step, ex.answer + 7 * step, ex.answer - 4 * step):
            verdict = check(ex, f"{wrong:.2f}" if ex.tolerance else f"{wrong:g}")
            assert not verdict.correct and verdict.message.startswith("Not quite"), (wrong, ex.answer)
            assert len(verdict.message) > len("Not quite. ")


def slip(topic, params, typed):
    verdict = check(from_params(topic, params), typed)
    assert not verdict.correct
    return verdict.message


def test_the_usual_slips_get_their_own_hint():
    size = dict(n=6, k=3, stride=2, padding=0, dilation=1)                      # o = ⌊3/2⌋ + 1 = 2
    assert "down" in slip("output_size", size, "2.5") and "down" in slip("output_size", size, "3")
    assert "dilation" in slip("output_size", dict(size, n=9, stride=1, dilation=2), "7")
    assert "padding" in slip("output_size", dict(n=5, k=3, stride=1, padding=1, dilation=1), "3")
    assert "both sides" in slip("output_size", dict(n=5, k=3, stride=1, padding=2, dilation=1), "5")
    assert "stride" in slip("output_size", dict(n=9, k=3, stride=2, padding=0, dilation=1), "7")
    assert "Add 1" in slip("output_size", dict(n=9, k=3, stride=2, padding=0, dilation=1), "3")

    value = dict(x=[[1, 2, 3], [0, 1, 3], [2, 0, 1]], w=[[1, 2], [0, 0]], bias=1, stride=1, padding=0, dilation=1,
                 row=0, col=0, op="xcorr")                                          # 1 + 1·1 + 2·2 = 6
    assert from_params("output_value", value).answer == 6
    assert "flipped" in slip("output_value", value, "2")                            # rot180(w) = [[0, 0], [2, 1]]: 1 + 1
    assert "flips" in slip("output_value", dict(value, op="conv"), "6")
    assert "bias" in slip("output_value", value, "5")
    assert "Row first" in slip("output_value", dict(value, col=1), "3")             # y[0][1] = 1 + 2 + 2·3 = 9, y[1][0] = 3

    transposed = dict(n=3, k=3, stride=2, padding=1, output_padding=0, dilation=1)  # o' = 5
    assert "forward" in slip("transposed_output_size", transposed, "2")
    assert "n − 1" in slip("transposed_output_size", transposed, "7")

    stack = [dict(kind="conv", kernel_size=3, stride=2, padding=1, dilation=1)] * 2  # note 002: r = 7
    assert "jump" in slip("receptive_field", dict(n=5, layers=stack, quantity="r"), "5")
    assert "multiply" in slip("receptive_field", dict(n=5, layers=[stack[0]] * 3, quantity="j"), "6")
    assert "0.5" in slip("receptive_field", dict(n=5, layers=stack, quantity="start"), "0")

    conv = dict(c_in=8, c_out=8, kernel_size=3, groups=4, bias=True)                # 8·2·9 + 8 = 152
    assert "groups" in slip("parameters", conv, "584")
    assert "bias" in slip("parameters", conv, "144")
    assert "bias=False" in slip("parameters", dict(conv, bias=False), "152")

    bn = dict(x=[[[[1, 3]]], [[[5, 7]]]], gamma=[1.0], beta=[0.0], eps=1e-5, index=[1, 0, 0, 1])
    ex = from_params("batchnorm", bn)                                               # μ 4, σ² 5: 3/√5 ≈ 1.34
    assert check(ex, "1.34").correct
    assert "m/(m−1)" in slip("batchnorm", bn, f"{3 / math.sqrt(20 / 3):.2f}")       # unbiased: 3/√(20/3) ≈ 1.16
    assert "γ" in slip("batchnorm", dict(bn, gamma=[2.0], beta=[1.0]), "1.34")


JUNK = ["", "   ", "banana", "seven", "nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e999", "1e-999",
        "9" * 5000, "1" + "0" * 400, "3/0", "0/0", "1,5", "1,000", "0x10", "3×4", "∞", "٣", "\x00", "7 7", "--3",
        "1e", ".", "-", "+", "3..5", "½", "1e99999999999", "2**10", "√4", "7 px", "\u202e7", "𝟕𝟕" * 30]


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_junk_gets_a_message(topic):
    ex = EXERCISES[topic][0]
    for text in JUNK:
        verdict = check(ex, text)
        assert isinstance(verdict, Verdict) and isinstance(verdict.message, str) and verdict.message, text
        assert not verdict.correct or parse(text)[0] is not None, text
    assert check(ex, None).message                                     # not a string at all: still a message


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60) | st.text(alphabet="0123456789+-−.eE/x× ,", max_size=30)
       | st.floats(allow_nan=True, allow_infinity=True).map(str),
       topic=st.sampled_from(sorted(TOPICS)))
def test_any_string_gets_a_verdict(text, topic):
    verdict = check(EXERCISES[topic][1], text)
    assert isinstance(verdict.correct, bool) and verdict.message


def test_unknown_topics_and_bad_seeds_are_refused():
    with pytest.raises(ValueError, match="output_size"):
        generate("nope", 0)
    for seed in ("1", 1.0, True, None):
        with pytest.raises(ValueError, match="whole number"):
            generate("output_size", seed)


# --- Quiz links ----------------------------------------------------------------------------------------


def test_quiz_is_the_same_for_everyone():
    topics = ["output_size", "receptive_field", "batchnorm"]
    first = quiz(topics, 7, seed=42)
    assert first == quiz(topics, 7, seed=42)
    assert [ex.topic for ex in first] == topics * 2 + topics[:1]
    assert len({ex.question for ex in first}) == 7
    assert quiz(topics, 7, seed=43) != first
    assert all(ex == generate(ex.topic, ex.seed) for ex in first)      # each question is reachable on its page


def test_quiz_refuses_bad_links():
    for topics, count in (([], 3), (["nope"], 3), (["output_size"], 0), (["output_size"], MAX_QUIZ + 1),
                          (["output_size"], "3")):
        with pytest.raises(ValueError):
            quiz(topics, count, 0)


# --- Answers read as meant (issue 31) ------------------------------------------------------------------


def test_a_square_is_one_side_only_where_a_side_is_asked():
    """"3x3" is the answer 3 to an output size or a field's side, never to a count (it would mean 9) or a value."""
    for topic in TOPICS:
        for ex in EXERCISES[topic][:40]:
            a = ex.answer
            if not isinstance(a, int) or a <= 0:
                continue
            verdict = check(ex, f"{a}x{a}")
            side = topic in SIDE_TOPICS or ex.params.get("quantity") in ("n", "r")
            assert verdict.correct == side, (topic, ex.params, verdict.message)
            if not side:
                assert "one number" in verdict.message
    count = from_params("parameters", dict(c_in=1, c_out=1, kernel_size=3, groups=1, bias=False))
    assert count.answer == 9 and not check(count, "3x3").correct and check(count, "9").correct


def test_fractions_decimals_and_exponents_are_the_same_number():
    for text in ("½", "1/2", "0.5", "5e-1", ".5", "1⁄2", "50e-2"):
        assert parse(text) == (Fraction(1, 2), ""), text
    assert parse("0e999") == (Fraction(0), "")
    assert parse("-0e-999999") == (Fraction(0), "")
    assert parse("1e-31") == (Fraction(1, 10 ** 31), "")
    assert parse("2.5e3") == (Fraction(2500), "")
    huge, message = parse("1e99999999999")
    assert huge == math.inf and message == ""
    tiny, _ = parse("1e-99999999999")
    assert 0 < tiny < Fraction(1, 10 ** 399)


def test_huge_and_tiny_numbers_are_judged_not_refused():
    ex = from_params("parameters", dict(c_in=1, c_out=1, kernel_size=3, groups=1, bias=False))
    for text in ("1e999", "-1e999", "1e-31", "0e999"):
        verdict = check(ex, text)
        assert not verdict.correct and verdict.message.startswith("Not quite"), (text, verdict.message)


def test_a_bias_free_layer_is_not_told_about_its_bias_entries():
    for seed in range(400):
        ex = generate("parameters", seed)
        p = ex.params
        if p["bias"] or abs(p["c_in"] - p["c_out"]) <= 2:
            continue
        weights = p["c_out"] * (p["c_in"] // p["groups"]) * p["kernel_size"] ** 2
        verdict = check(ex, str(weights + p["c_in"]))
        assert not verdict.correct and "bias=False" in verdict.message, verdict.message
        break
    else:
        raise AssertionError("no bias-free parameter exercise with C_in far from C_out in 400 seeds")


def test_the_output_padding_hint_speaks_of_the_stride_it_has():
    ex = from_params("transposed_output_size", dict(n=4, k=3, stride=1, padding=0, output_padding=1, dilation=2))
    verdict = check(ex, str(ex.answer - 1))
    assert "stride-1 conv would map back" not in verdict.message
    ex2 = from_params("transposed_output_size", dict(n=4, k=3, stride=2, padding=1, output_padding=1, dilation=1))
    assert "stride-2 conv would map back" in check(ex2, str(ex2.answer - 1)).message
