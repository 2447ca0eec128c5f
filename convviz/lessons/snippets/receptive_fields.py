"""The receptive-field lesson's PyTorch code: autograd finds the last layer's r (tests/compute/test_receptive.py runs it)."""

from __future__ import annotations


def autograd_snippet(n: int, layers) -> str:
    """PyTorch code that repeats the autograd check for the last layer and prints its r (run by the tests)."""
    lines = []
    for index, layer in enumerate(layers, start=1):
        k, st, p, d = layer.kernel_size, layer.stride, layer.padding, layer.dilation
        if layer.kind == "conv":
            code = f"nn.Conv2d(1, 1, {k}, stride={st}, padding={p}, dilation={d}, bias=False),"
        else:
            code = f"nn.AvgPool2d({k}, stride={st}, padding={p}),"
        lines.append(f"    {code:<66} # {layer.label(index)}")
    body = "\n".join(lines) if lines else "    nn.Identity(),"
    return f"""import torch
import torch.nn as nn

net = nn.Sequential(  # average pooling in place of max pooling: no gradient is cut
{body}
).double()
for m in net:
    if isinstance(m, nn.Conv2d):
        nn.init.constant_(m.weight, 1.0)  # positive weights: nothing cancels
x = torch.ones(1, 1, {n}, {n}, dtype=torch.float64, requires_grad=True)
y = net(x)                                # (1, 1, n_out, n_out)
c = (y.shape[-1] - 1) // 2                # the centre output unit
y[0, 0, c, c].backward()
cols = x.grad[0, 0].abs().sum(0).nonzero().flatten()
print("r =", int(cols[-1] - cols[0] + 1))
"""
