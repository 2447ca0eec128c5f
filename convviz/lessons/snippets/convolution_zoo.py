"""The convolution zoo lesson's PyTorch code: the cost calculator's counts, by torch (tests/compute/test_zoo.py runs it)."""

from __future__ import annotations


def cost_snippet(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0) -> str:
    """Torch code that counts the parameters and MACs of a standard conv and its depthwise separable
    replacement, on the meta device (shapes only, no memory). Running it prints four numbers:
    standard params, standard MACs, separable params, separable MACs (tests/compute/test_zoo.py runs it)."""
    return f"""import torch
import torch.nn as nn

C, C_out, k, n, s, p = {in_channels}, {out_channels}, {kernel_size}, {input_size}, {stride}, {padding}
standard = nn.Conv2d(C, C_out, k, s, p, device="meta")
separable = nn.Sequential(nn.Conv2d(C, C, k, s, p, groups=C, device="meta"),   # depthwise
                          nn.Conv2d(C, C_out, 1, device="meta"))               # pointwise

def count(model):
    macs = []   # per conv: output values x weights each one uses
    hook = lambda m, x, y: macs.append(y.numel() * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1])
    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    model(torch.empty(1, C, n, n, device="meta"))
    for h in handles:
        h.remove()
    return sum(q.numel() for q in model.parameters()), sum(macs)

print(*count(standard), *count(separable))
"""
