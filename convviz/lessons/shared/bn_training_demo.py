"""What batch norm does to training: one small CNN trained with and without BN, at two learning rates.

The data set is generated (no download): 12×12 grayscale gratings in four orientations (0°, 45°,
90°, 135°) with a random phase, frequency, brightness, contrast and pixel noise; the label is
the orientation. The net is three 3×3 convs, ReLU, global average pooling and a linear layer;
the BN variant puts BatchNorm2d after each conv (and drops the conv bias, which BN's beta
replaces). Both variants start from the same seed and see the same batches, with plain SGD.

Everything runs on the CPU in one thread and takes a few seconds (bench: see the lesson page's
caption); the page caches the result per settings (convviz/ui/cache/batch_normalization.py). The page's default
settings ship as a precomputed result (STORED, written by `python scripts/make_bn_demo.py` with
`compare`; tests/compute/test_bn_demo_stored.py checks it equals a fresh run), so that a first visit
trains nothing (issue 33).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from convviz.restoration.inference_queue import INFERENCE

SIZE = 12                # image side, pixels
CLASSES = 4              # grating orientations: 0°, 45°, 90°, 135°
N_TRAIN = 1024
N_TEST = 256


def gratings(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """n images (n, 1, SIZE, SIZE) float32 and their orientation labels (n,) in 0..3."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, CLASSES, n)
    angle = labels * math.pi / CLASSES + rng.normal(0, 0.08, n)            # (n,)
    freq = rng.uniform(0.35, 0.8, n)                                       # radians per pixel
    phase = rng.uniform(0, 2 * math.pi, n)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)                  # (SIZE, SIZE)
    along = np.cos(angle)[:, None, None] * xx + np.sin(angle)[:, None, None] * yy   # (n, SIZE, SIZE)
    wave = np.sin(freq[:, None, None] * along + phase[:, None, None])
    brightness, contrast = rng.uniform(0.2, 0.8, n), rng.uniform(0.1, 0.4, n)
    img = brightness[:, None, None] + contrast[:, None, None] * wave + rng.normal(0, 0.08, (n, SIZE, SIZE))
    return torch.from_numpy(img[:, None].astype(np.float32)), torch.from_numpy(labels)   # (n, 1, SIZE, SIZE)


class SmallCNN(nn.Module):
    """conv 1→8 → conv 8→16 (stride 2) → conv 16→16 (stride 2), each with ReLU (and BN), pool, linear."""

    def __init__(self, batch_norm: bool):
        super().__init__()
        layers, c_in = [], 1
        for c_out, stride in [(8, 1), (16, 2), (16, 2)]:
            layers.append(nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=not batch_norm))
            if batch_norm:
                layers.append(nn.BatchNorm2d(c_out))          # torch defaults: momentum 0.1, eps 1e-5
            layers.append(nn.ReLU())
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c_in, CLASSES)

    def forward(self, x):
        return self.head(self.features(x).mean(dim=(2, 3)))   # (N, 16, 3, 3) -> (N, 16) -> (N, 4)


@dataclass(frozen=True)
class Run:
    """One training run: the loss after every step and the held-out result in eval mode."""
    batch_norm: bool
    lr: float
    losses: tuple[float, ...]        # training loss (cross-entropy) at each step
    test_loss: float                 # eval mode: BN uses its running statistics
    test_accuracy: float
    diverged: bool                   # the loss became NaN or inf


def train_run(batch_norm: bool, lr: float, steps: int, batch_size: int = 32, seed: int = 0) -> Run:
    """Train SmallCNN(batch_norm) with plain SGD at `lr` for `steps` steps."""
    if steps < 1 or batch_size < 2:
        raise ValueError(f"need steps ≥ 1 and batch_size ≥ 2 (BN needs two values per channel), got {steps}, {batch_size}.")
    if not lr > 0:
        raise ValueError(f"the learning rate must be positive, got {lr}.")
    x, labels = gratings(N_TRAIN, seed)
    x_test, labels_test = gratings(N_TEST, seed + 10_000)
    torch.manual_seed(seed)
    model = SmallCNN(batch_norm)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    order = torch.Generator().manual_seed(seed)
    losses, diverged = [], False
    model.train()
    for _ in range(steps):
        idx = torch.randint(0, N_TRAIN, (batch_size,), generator=order)
        loss = F.cross_entropy(model(x[idx]), labels[idx])
        if not torch.isfinite(loss):
            diverged = True
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        logits = model(x_test)
        test_loss = float(F.cross_entropy(logits, labels_test))
        accuracy = float((logits.argmax(1) == labels_test).float().mean())
    if not math.isfinite(test_loss):
        diverged = True
    return Run(batch_norm, lr, tuple(losses), test_loss, accuracy, diverged)


def compare(lrs: tuple[float, float], steps: int, batch_size: int = 32, seed: int = 0) -> dict:
    """With and without BN at each learning rate: {"runs": [Run, ...], "seconds": wall-clock s,
    "cpu_seconds": CPU time of this thread}.

    Runs in one CPU thread (the thread count is restored afterwards), one demo or network run at a
    time across sessions (convviz.restoration.inference_queue: torch's thread count is process-wide, so two
    demos at once could leave it at 1). The first call in a process also pays about 1.5 s CPU of
    torch's one-time set-up (autograd, optimizer).
    """
    with INFERENCE.turn():
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        start, cpu_start = time.perf_counter(), time.thread_time()
        try:
            runs = [train_run(bn, lr, steps, batch_size, seed) for lr in lrs for bn in (False, True)]
        finally:
            torch.set_num_threads(threads)
    return {"runs": runs, "seconds": time.perf_counter() - start, "cpu_seconds": time.thread_time() - cpu_start}


STORED = Path(__file__).resolve().parents[1] / "data" / "bn_demo_default.json"


def to_json(result: dict, lrs: tuple[float, float], steps: int, seed: int, batch_size: int = 32) -> str:
    """`compare`'s result with its arguments, as JSON (losses as float64 → JSON round-trip exactly)."""
    return json.dumps({"lrs": list(lrs), "steps": steps, "seed": seed, "batch_size": batch_size,
                       "seconds": result["seconds"], "cpu_seconds": result["cpu_seconds"],
                       "runs": [asdict(run) for run in result["runs"]]}, indent=0)


def stored(lrs: tuple[float, float], steps: int, batch_size: int = 32, seed: int = 0) -> dict | None:
    """The precomputed `compare(lrs, steps, batch_size, seed)` when STORED holds exactly these arguments, else None.
    The dict is compare's, plus "stored": True ("seconds" are those of the run that wrote it)."""
    try:
        data = json.loads(STORED.read_text())
    except (OSError, ValueError):
        return None
    if (tuple(data["lrs"]), data["steps"], data["seed"], data["batch_size"]) != (tuple(lrs), steps, seed, batch_size):
        return None
    runs = [Run(r["batch_norm"], r["lr"], tuple(r["losses"]), r["test_loss"], r["test_accuracy"], r["diverged"])
            for r in data["runs"]]
    return {"runs": runs, "seconds": data["seconds"], "cpu_seconds": data["cpu_seconds"], "stored": True}
