"""convviz.architecture (issue 35): random nn.Sequential texts against torch built independently here
(shapes, parameters, multiply-adds by torch's FLOP counter) and against the receptive-field lesson's
recurrence (convviz.receptive.receptive_field_table); the presets against hand-known numbers; upsampling's
field rule against autograd; hostile texts refused without running anything."""

import math
import re
from fractions import Fraction

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from convviz.architecture import (MAX_DEPTH, MAX_LAYERS, MAX_TEXT, PRESETS, analyse, parse, totals)
from convviz.receptive import Layer, receptive_field_table
from convviz.torch_ref.architecture import build, check, summary


# --- Random stacks, written as text and built in torch by this test --------------------------------

def _text(kind, args, kwargs) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"nn.{kind}({', '.join(parts)})"


@st.composite
def stacks(draw):
    """(input_shape, [(kind, args, kwargs)]): convs (any kernel, stride, padding, dilation, groups), pools,
    ReLU and batch norm, each layer's channels matching; sizes may not fit (torch then refuses too)."""
    c = draw(st.integers(1, 4))
    shape = (c, draw(st.integers(1, 24)), draw(st.integers(1, 24)))
    layers = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["Conv2d", "Conv2d", "MaxPool2d", "AvgPool2d", "ReLU", "BatchNorm2d"]))
        pairs = lambda lo, hi: st.one_of(st.integers(lo, hi), st.tuples(st.integers(lo, hi), st.integers(lo, hi)))
        pair = lambda lo, hi: draw(pairs(lo, hi))
        if kind == "Conv2d":
            g = draw(st.sampled_from([d for d in range(1, c + 1) if c % d == 0]))
            out = g * draw(st.integers(1, 3))
            kwargs = dict(stride=pair(1, 3), dilation=pair(1, 3), groups=g, bias=draw(st.booleans()))
            kwargs["padding"] = draw(st.one_of(st.just("same"), st.just("valid"), pairs(0, 3))) \
                if kwargs["stride"] in (1, (1, 1)) else pair(0, 3)
            layers.append((kind, (c, out, pair(1, 5)), kwargs))
            c = out
        elif kind in ("MaxPool2d", "AvgPool2d"):
            k = pair(1, 4)
            kwargs = dict(stride=draw(st.one_of(st.none(), pairs(1, 3))), padding=pair(0, 2),
                          ceil_mode=draw(st.booleans()))
            if kind == "MaxPool2d":
                kwargs["dilation"] = pair(1, 2)
            layers.append((kind, (k,), kwargs))
        elif kind == "BatchNorm2d":
            layers.append((kind, (c,), dict(affine=draw(st.booleans()))))
        else:
            layers.append((kind, (), {}))
    return shape, layers


def _torch_rows(shape, layers):
    """Per layer: (out_shape, params, macs), built from the specs with torch.nn and run on zeros (float64)."""
    x, rows = torch.zeros((1, *shape), dtype=torch.float64), []
    for kind, args, kwargs in layers:
        module = getattr(nn, kind)(*args, **kwargs).double().eval()
        counter = FlopCounterMode(display=False)
        with torch.no_grad(), counter:
            x = module(x)
        rows.append((tuple(x.shape[1:]), sum(p.numel() for p in module.parameters()), counter.get_total_flops() // 2))
    return rows


def _height(value):
    return value[0] if isinstance(value, tuple) else value


def _lesson_fields(shape, layers):
    """(j, r, start) after each layer along the height by receptive_field_table, one layer at a time."""
    spatial, out = [], []
    for kind, args, kwargs in layers:
        if kind == "Conv2d":
            k, d = _height(args[2]), _height(kwargs["dilation"])
            pad = kwargs["padding"]
            p = 0 if pad == "valid" else d * (k - 1) // 2 if pad == "same" else _height(pad)
            spatial.append(Layer("conv", k, _height(kwargs["stride"]), p, d))
        elif kind in ("MaxPool2d", "AvgPool2d"):
            k = _height(args[0])
            s = k if kwargs["stride"] is None else _height(kwargs["stride"])
            spatial.append(Layer("conv", k, s, _height(kwargs["padding"]), _height(kwargs.get("dilation", 1))))
        row = receptive_field_table(shape[1] + 200, spatial)[-1]          # j, r, start do not depend on n
        out.append((row["j"], row["r"], row["start"]))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stacks())
def test_random_stacks_match_torch_and_the_lesson(case):
    shape, layers = case
    text = "nn.Sequential(\n    " + ",\n    ".join(_text(*layer) for layer in layers) + "\n)"
    try:
        expected = _torch_rows(shape, layers)
    except RuntimeError:
        with pytest.raises(ValueError, match=r"Layer \d+ \(\d+ \w+, line \d+:\d+\)"):
            analyse(text, shape)
        return
    rows = analyse(text, shape)
    assert [(r["out_shape"], r["params"], r["macs"]) for r in rows] == expected
    assert [(r["j"], r["r"], r["start"]) for r in rows] == _lesson_fields(shape, layers)
    assert [r["path"] for r in rows] == [str(i) for i in range(len(layers))]


def test_the_docstring_example_and_nesting():
    text = """net = nn.Sequential(
        nn.Sequential(torch.nn.Conv2d(3, 16, kernel_size=3, stride=2, padding=1), nn.ReLU()),
        Conv2d(16, 32, (3, 5), padding=(1, 2)),
    )"""
    rows = analyse(text, (3, 9, 9))
    assert [r["name"] for r in rows] == ["0.0 Conv2d", "0.1 ReLU", "1 Conv2d"]
    assert [r["out_shape"] for r in rows] == [(16, 5, 5), (16, 5, 5), (32, 5, 5)]
    assert rows[0]["macs"] == 5 * 5 * 16 * 3 * 9 and rows[2]["macs"] == 25 * 32 * 16 * 15
    assert (rows[2]["j"], rows[2]["r"], rows[2]["start"]) == (2, 7, 0.5)       # height: k 3
    assert (rows[2]["j_w"], rows[2]["r_w"], rows[2]["start_w"]) == (2, 11, 0.5)  # width: k 5, p 2
    assert [r["path"] for r in summary(parse(text), (3, 9, 9))] == ["0.0", "0.1", "1"]


def test_flatten_linear_adaptive_and_upsampling_match_torch():
    text = """nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.LeakyReLU(0.1),
        nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=1),
        nn.Upsample(scale_factor=2, mode='bilinear'), nn.Upsample(scale_factor=(3, 2)), nn.Dropout2d(0.2),
        nn.AdaptiveAvgPool2d((4, 2)), nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(6, 10), nn.BatchNorm1d(10),
        nn.Dropout(), nn.GELU(), nn.SiLU(), nn.ELU(), nn.ReLU6(), nn.Tanh(), nn.Sigmoid(), nn.Identity())"""
    result = check(text, (2, 5, 5), device="cpu")
    assert result["agree"] and result["error"] is None, result
    rows = analyse(text, (2, 5, 5))
    assert rows[3]["out_shape"] == (6, 10, 10) and rows[3]["macs"] == 5 * 5 * 4 * 3 * 9
    assert rows[9]["out_shape"] == (6,) and rows[10]["params"] == 70 and rows[10]["macs"] == 60


def test_torch_check_says_when_torch_disagrees():
    """The check can fail: a module torch builds differently is reported, not hidden."""
    tree = parse("nn.Sequential(nn.Conv2d(1, 2, 3))")
    rows = summary(tree, (1, 5, 5), device="cpu")
    assert rows == [dict(path="0", out_shape=(2, 3, 3), params=20, macs=9 * 2 * 9)]
    assert summary(tree, (1, 5, 5), device="meta") == rows


# --- Upsampling: the rule, against autograd -------------------------------------------------------------

def test_upsample_is_the_transposed_convolution_the_rule_uses():
    """nearest ×s = ConvTranspose2d(kernel s, stride s, weights 1); bilinear ×s = ConvTranspose2d with the
    tent kernel (size 2s − s mod 2, padding ⌈(s−1)/2⌉) away from the border."""
    x = torch.rand(1, 1, 9, 9, dtype=torch.float64)
    for s in (2, 3, 4):
        near = nn.functional.interpolate(x, scale_factor=s, mode="nearest")
        t = nn.functional.conv_transpose2d(x, torch.ones(1, 1, s, s, dtype=torch.float64), stride=s)
        assert torch.equal(near, t)
        k, p = 2 * s - s % 2, math.ceil((s - 1) / 2)
        tap = torch.tensor([1 - abs(i - p - (s - 1) / 2) / s for i in range(k)], dtype=torch.float64)
        bil = nn.functional.interpolate(x, scale_factor=s, mode="bilinear", align_corners=False)
        t = nn.functional.conv_transpose2d(x, torch.outer(tap, tap)[None, None], stride=s, padding=p)
        inner = slice(2 * s, -2 * s)
        assert torch.allclose(bil[..., inner, inner], t[..., inner, inner])


@st.composite
def up_stacks(draw):
    layers = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["conv", "tconv", "nearest", "bilinear", "pool"]))
        if kind == "conv":
            layers.append(f"nn.Conv2d(1, 1, {draw(st.integers(1, 4))}, stride={draw(st.integers(1, 2))}, "
                          f"padding={draw(st.integers(0, 2))}, dilation={draw(st.integers(1, 2))})")
        elif kind == "tconv":
            s, d = draw(st.integers(1, 3)), draw(st.integers(1, 2))
            layers.append(f"nn.ConvTranspose2d(1, 1, {draw(st.integers(1, 4))}, stride={s}, padding="
                          f"{draw(st.integers(0, 1))}, output_padding={draw(st.integers(0, max(s, d) - 1))}, dilation={d})")
        elif kind == "pool":
            k = draw(st.integers(1, 3))
            layers.append(f"nn.AvgPool2d({k}, stride={draw(st.integers(1, 2))}, padding={draw(st.integers(0, k // 2))})")
        else:
            layers.append(f"nn.Upsample(scale_factor={draw(st.integers(2, 3))}, mode='{kind}')")
    return "nn.Sequential(" + ", ".join(layers) + ")", draw(st.integers(4, 10))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(up_stacks())
def test_upsampling_rows_hold_every_pixel_a_unit_depends_on(case):
    """After ConvTranspose2d and Upsample, [start + i·j − r/2, start + i·j + r/2] holds every input row that
    output row i depends on (autograd, positive weights); j is j_in / s."""
    text, n = case
    try:
        rows = analyse(text, (1, n, n))
    except ValueError:
        return
    model = build(parse(text)).double()
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.constant_(m.weight, 1.0)
            nn.init.constant_(m.bias, 0.0)
    x = torch.ones(1, 1, n, n, dtype=torch.float64, requires_grad=True)
    y = model(x)
    row = rows[-1]
    assert tuple(y.shape[1:]) == row["out_shape"]
    for i in range(y.shape[2]):
        (g,) = torch.autograd.grad(y[0, 0, i].sum(), x, retain_graph=True)
        seen = torch.nonzero(g[0, 0].abs().sum(1)).flatten().tolist()
        lo, hi = row["start"] + i * row["j"] - row["r"] / 2, row["start"] + i * row["j"] + row["r"] / 2
        assert all(lo - 1e-9 <= q and q + 1 <= hi + 1e-9 for q in seen), (i, seen, lo, hi)


def test_upsampling_rule_by_hand():
    rows = analyse("nn.Sequential(nn.Conv2d(1, 1, 3, stride=2, padding=1), nn.ConvTranspose2d(1, 1, 4, stride=2, "
                   "padding=1), nn.Upsample(scale_factor=3), nn.Upsample(scale_factor=2, mode='bilinear'))", (1, 8, 8))
    assert [r["out_shape"][1] for r in rows] == [4, 8, 24, 48]
    j, r, start = Fraction(2), Fraction(3), Fraction(1, 2)
    j, r, start = j / 2, r + 3 * j / 2, start + (1 - Fraction(3, 2)) * j / 2        # k 4, s 2, p 1
    assert (rows[1]["j"], rows[1]["r"], rows[1]["start"]) == (1, 6, float(start)) == (j, r, start)
    j, r, start = j / 3, r + 2 * j / 3, start - j / 3                               # nearest ×3: k 3, p 0
    assert (rows[2]["j"], rows[2]["r"], rows[2]["start"]) == (float(j), float(r), float(start))
    j, r, start = j / 2, r + 3 * j / 2, start + (1 - Fraction(3, 2)) * j / 2        # bilinear ×2: k 4, p 1
    assert (rows[3]["j"], rows[3]["r"], rows[3]["start"]) == (float(j), float(r), float(start))


# --- Presets at 3 × 224 × 224 ----------------------------------------------------------------------------

def test_presets_at_224_against_published_and_hand_counts():
    vgg, alex, res = (analyse(PRESETS[k], (3, 224, 224)) for k in ("vgg16", "alexnet", "resnet18"))
    # google-research/receptive_field: VGG-16 pool5 r 212, j 32 (effective padding 90 -> start 106 - 90);
    # AlexNet pool5 r 195, j 32. torchvision: vgg16().features has 14,714,688 parameters, alexnet().features
    # 2,469,696 (the models' 138,357,544 and 61,100,840 less their classifiers').
    assert (vgg[-1]["out_shape"], vgg[-1]["j"], vgg[-1]["r"], vgg[-1]["start"]) == ((512, 7, 7), 32, 212, 16)
    assert totals(vgg)["params"] == 14_714_688
    assert (alex[-1]["out_shape"], alex[-1]["j"], alex[-1]["r"]) == ((256, 6, 6), 32, 195)
    assert totals(alex)["params"] == 2_469_696
    widths, sizes, c, macs = (64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512), \
        (224,) * 2 + (112,) * 2 + (56,) * 3 + (28,) * 3 + (14,) * 3, 3, 0
    for w, n in zip(widths, sizes):
        macs, c = macs + n * n * w * c * 9, w
    assert totals(vgg)["macs"] == macs == 15_346_630_656
    # ResNet-18: 7×7/2 stem, 3×3/2 pool, then 3×3 convs with strides 1, 2, 2, 2 (He et al. 2016, table 1)
    convs = [r for r in res if r["kind"] == "Conv2d"]
    assert [(r["out_shape"], r["j"], r["r"]) for r in convs] == [
        ((64, 112, 112), 2, 7), ((64, 56, 56), 4, 19), ((128, 28, 28), 8, 27), ((256, 14, 14), 16, 43),
        ((512, 7, 7), 32, 75)]
    assert [r["params"] for r in convs] == [3 * 64 * 49, 64 * 64 * 9, 64 * 128 * 9, 128 * 256 * 9, 256 * 512 * 9]


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_matches_torch(name):
    result = check(PRESETS[name], (3, 224, 224), device="meta")
    assert result["agree"] and result["layers"] == len(analyse(PRESETS[name]))


# --- Refusals ----------------------------------------------------------------------------------------------

def test_shape_errors_name_the_layer_and_the_arithmetic():
    with pytest.raises(ValueError) as error:
        analyse("nn.Sequential(nn.ReLU(),\n  nn.Conv2d(3, 8, 5))", (3, 4, 9))
    assert str(error.value).startswith("Layer 2 (1 Conv2d, line 2:3) gets 3×4×9: Along the height: The kernel spans 5")
    assert "n + 2p = 4 + 2·0" in str(error.value)
    with pytest.raises(ValueError, match="expects 4 input channels but the layer before gives 8"):
        analyse("nn.Sequential(nn.Conv2d(3, 8, 1), nn.Conv2d(4, 8, 1))", (3, 4, 4))
    with pytest.raises(ValueError, match=r"padding can be at most half its kernel"):
        analyse("nn.MaxPool2d(2, padding=2)", (3, 8, 8))
    with pytest.raises(ValueError, match="put nn.Flatten\\(\\) before it"):
        analyse("nn.Linear(3, 2)", (3, 4, 4))
    with pytest.raises(ValueError, match="not a multiple of the output size 3"):
        analyse("nn.AdaptiveAvgPool2d(3)", (3, 7, 7))
    with pytest.raises(ValueError, match="has no argument 'kernel'"):
        analyse("nn.Conv2d(3, 8, kernel=3)", (3, 7, 7))
    with pytest.raises(ValueError, match="needs kernel_size"):
        analyse("nn.Conv2d(3, 8)", (3, 7, 7))
    with pytest.raises(ValueError, match="input's height H must be from 1 to 2048"):
        analyse("nn.ReLU()", (3, 0, 7))


HOSTILE = [
    "__import__('pathlib').Path({m!r}).write_text('ran')",
    "nn.Sequential(__import__('pathlib').Path({m!r}).write_text('ran'))",
    "nn.Conv2d(3, 8, __import__('pathlib').Path({m!r}).write_text('ran'))",
    "nn.Conv2d(3, 8, kernel_size=open({m!r}, 'w').write('ran'))",
    "(lambda: open({m!r}, 'w').write('ran'))()",
    "nn.Sequential(nn.ReLU(), (lambda: open({m!r}, 'w'))())",
    "import os; os.system('touch ' + {m!r})",
    "import os",
    "exec(\"open({m!r}, 'w')\")",
    "eval(\"open({m!r}, 'w')\")",
    "nn.Sequential(nn.ReLU()); open({m!r}, 'w')",
    "net = nn.Sequential(nn.ReLU())\nopen({m!r}, 'w').write('ran')",
    "nn.Conv2d.__init__.__globals__['os'].system('touch ' + {m!r})",
    "nn.Sequential(nn.ReLU()).__class__.__bases__[0].__subclasses__()",
    "torch.nn.modules.conv.Conv2d(3, 8, 3)",
    "nn.os.system('touch ' + {m!r})",
    "os.system('touch ' + {m!r})",
    "nn.Sequential(nn.ReLU())(torch.zeros(1))",
    "nn.Linear(10, 10).weight.data.fill_(1)",
    "nn.Sequential(*[nn.ReLU()] * 3)",
    "nn.Conv2d(**{{'in_channels': 3, 'out_channels': 8, 'kernel_size': 3}})",
    "nn.Conv2d(3, 8, kernel_size=k)",
    "nn.Conv2d(3, 8, f'{{open({m!r}, \"w\")}}')",
    "nn.Conv2d(3, 8, 3 if True else 4)",
    "nn.Conv2d(3, 8, [i for i in range(3)])",
    "nn.Conv2d(3, 8, 10 ** 10 ** 10)",
    "nn.Conv2d(3, 8, 99999999 * 99999999 * 99999999 * 99999999)",
    "nn.Conv2d(3, 8, " + "9" * 5000 + ")",
    "nn.Dropout(1e999)",
    "nn.Dropout(float('nan'))",
    "nn.Upsample(scale_factor=1e308 * 10)",
    "nn.Conv2d(3, 8, 3, padding='same' * 100)",
    "nn.Identity(nn.Identity)",
    "nn.Cοnv2d(3, 8, 3)",                                                  # a Greek omicron
    "def f(): open({m!r}, 'w')",
    "class A: pass",
    "with open({m!r}, 'w') as f: f.write('ran')",
    "breakpoint()",
    "globals()['open']({m!r}, 'w')",
    "nn.Sequential(nn.ReLU()",
    "nn.ReLU()\x00",
    "await nn.ReLU()",
    "[nn.ReLU() for _ in range(10 ** 9)]",
    "nn.Sequential(" * 60 + ")" * 60,
    "nn.Sequential(" * (MAX_DEPTH + 2) + "nn.ReLU()" + ")" * (MAX_DEPTH + 2),
    "nn.Sequential(" + "nn.ReLU(), " * 3000 + ")",
    "nn.Sequential(" + "nn.ReLU()," * (MAX_LAYERS + 1) + ")",
    "nn.Sequential(nn.ReLU()) # " + "x" * MAX_TEXT,
    "nn.Conv2d(3, 8, 3, padding_mode='reflect')",
    "nn.Conv2d(3, 8, 3, device='cuda')",
    "nn.Conv2d(3, 8, True)",
    "nn.Conv2d(3, 8, 3.5)",
    "nn.Conv2d(3, 8, 100000)",
    "nn.Conv2d(3, 8, (1, 2, 3))",
    "",
    "   \n  ",
]


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_texts_are_refused_and_run_nothing(template, tmp_path):
    marker = tmp_path / "MARKER"
    text = template.format(m=str(marker)) if "{m" in template or "{{" in template else template
    with pytest.raises(ValueError) as error:
        analyse(text, (3, 16, 16))
    message = str(error.value)
    said = ("at most", "empty", "cannot be read")
    assert re.search(r"line \d+:\d+", message) or any(words in message for words in said), message
    with pytest.raises(ValueError):
        check(text, (3, 16, 16))
    assert not marker.exists()


def test_refusals_say_where():
    with pytest.raises(ValueError, match=r"'os.system' at line 2:5 is not a layer"):
        analyse("nn.Sequential(\n    os.system('x'))", (3, 8, 8))
    with pytest.raises(ValueError, match=r"'k' at line 1:31 is not a literal argument"):
        analyse("nn.Sequential(nn.Conv2d(3, 8, k))", (3, 8, 8))
    with pytest.raises(ValueError, match=r"line 1:15"):
        analyse("nn.Sequential(lambda: 1)", (3, 8, 8))
