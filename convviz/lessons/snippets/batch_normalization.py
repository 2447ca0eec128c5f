"""The batch-norm lesson's PyTorch code: torch.nn.BatchNorm2d's running statistics over the page's stream of
batches (tests/pages/test_batchnorm_page.py runs it and compares with the page), and what it prints."""

from __future__ import annotations

import numpy as np


def torch_snippet(n: int, c: int, h: int, w: int, seed: int, steps: int, momentum: float, means, stds,
                  gamma: float = 1.0, beta: float = 0.0, eps: float = 1e-5) -> str:
    """Standalone torch code that redraws the stream of batches (channel j from N(means[j], stds[j]²), one decimal,
    batch k seeded by seed + k) and prints the running statistics."""
    eps_text = "1e-5" if eps == 1e-5 else f"{eps:g}"
    return f"""import numpy as np
import torch

N, C, H, W, SEED = {n}, {c}, {h}, {w}, {seed}
means = np.array({list(means[:c])})[None, :, None, None]   # (1, C, 1, 1)
stds = np.array({list(stds[:c])})[None, :, None, None]

def batch(k):  # training step k's batch, one decimal
    rng = np.random.default_rng(SEED + k)
    return torch.from_numpy(np.round(rng.normal(means, stds, (N, C, H, W)), 1))   # (N, C, H, W)

bn = torch.nn.BatchNorm2d(C, eps={eps_text}, momentum={momentum:g}, dtype=torch.float64)   # torch: new batch weighs momentum
with torch.no_grad():
    bn.weight.fill_({gamma:g})   # gamma
    bn.bias.fill_({beta:g})     # beta
    for k in range({steps}):     # train mode: normalise with the batch's statistics, update the running ones
        bn(batch(k))
    bn.eval()                     # eval mode: normalise with the running statistics
    y_eval = bn(batch(0))
print("running_mean =", bn.running_mean.numpy().round(6).tolist())
print("running_var  =", bn.running_var.numpy().round(6).tolist())
"""


def snippet_output(history: dict) -> str:
    """What torch_snippet prints, from convviz's own running history."""
    return (f"running_mean = {np.round(history['running_mean'][-1], 6).tolist()}\n"
            f"running_var  = {np.round(history['running_var'][-1], 6).tolist()}")
