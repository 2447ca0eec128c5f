"""Torch twin of convviz.architecture: the parsed network built as real torch modules (never from the text:
from the parsed tree, one whitelisted `torch.nn` class per node with the literal arguments the student wrote),
run on a zero tensor, and what torch reports per layer: output shape, parameters, multiply-adds.

Multiply-adds are torch's own count: torch.utils.flop_counter.FlopCounterMode's FLOPs of each leaf module,
halved (it counts a multiply-add as two FLOPs and leaves bias, norm and activations out).
A network too big to run quickly here (more than RUN_BUDGET multiply-adds) runs on torch's "meta" device:
the same modules and shape rules, no arithmetic.
"""

from __future__ import annotations

from collections import defaultdict

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from convviz.architecture import SIGNATURES, Node, analyse_tree, flatten, parse

RUN_BUDGET = 5e8              # multiply-adds run on a real zero tensor; above, the meta device


def build(tree: Node) -> nn.Sequential:
    """nn.Sequential of the parsed tree: getattr(torch.nn, kind) for a kind of SIGNATURES only."""
    if tree.kind not in SIGNATURES:
        raise ValueError(f"{tree.kind} is not a known layer.")             # parse() never makes one
    cls = getattr(nn, tree.kind)
    if tree.kind == "Sequential":
        return cls(*(build(child) for child in tree.children))
    return cls(*tree.args, **dict(tree.kwargs))


def summary(tree: Node, input_shape, device: str | None = None) -> list[dict]:
    """One row per leaf module in the order the input meets it: path, out_shape (without the batch),
    params (sum of numel), macs (FlopCounterMode / 2). `device`: "cpu" (a float32 zero tensor), "meta",
    or None for cpu when the network's multiply-adds are within RUN_BUDGET."""
    if device is None:
        macs = sum(row["macs"] for row in analyse_tree(tree, input_shape))
        device = "cpu" if macs <= RUN_BUDGET else "meta"
    with torch.device(device):
        model = build(tree).eval()
    leaves = dict(flatten(tree))
    shapes, order = {}, []
    counter = FlopCounterMode(display=False)

    def hook(path):
        def record(module, inputs, output):
            shapes[path] = tuple(output.shape[1:])
            order.append(path)
        return record

    for path, module in model.named_modules():
        if path in leaves:
            module.register_forward_hook(hook(path))
    x = torch.zeros((1, *input_shape), device=device)
    with torch.inference_mode(), counter:
        model(x)
    flops = defaultdict(int)
    for name, counts in counter.get_flop_counts().items():
        path = name.removeprefix("Sequential").removeprefix(".")
        if path in leaves:
            flops[path] = sum(counts.values())
    modules = dict(model.named_modules())
    return [dict(path=path, out_shape=shapes[path],
                 params=sum(p.numel() for p in modules[path].parameters()), macs=flops[path] // 2)
            for path in order]


def check(text: str, input_shape, device: str | None = None) -> dict:
    """convviz.architecture.analyse against torch: {"agree": bool, "layers", "device", "first" (the first row
    that differs, or None), "error" (torch's message when it refused, else None)}."""
    tree = parse(text)
    ours = analyse_tree(tree, input_shape)
    try:
        theirs = summary(tree, input_shape, device)
    except Exception as error:                        # torch refused what the analysis accepted: say so
        return dict(agree=False, layers=len(ours), device=device, first=None, error=f"{type(error).__name__}: {error}")
    first = None
    for row, other in zip(ours, theirs):
        if (row["path"], row["out_shape"], row["params"], row["macs"]) != \
                (other["path"], other["out_shape"], other["params"], other["macs"]):
            first = dict(ours=row, torch=other)
            break
    agree = first is None and len(ours) == len(theirs)
    used = device or ("cpu" if sum(r["macs"] for r in ours) <= RUN_BUDGET else "meta")
    return dict(agree=agree, layers=len(ours), device=used, first=first, error=None)
