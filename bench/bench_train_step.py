"""Time per training step of the denoiser, float32 against bfloat16 autocast (`--precision`).

    python bench/bench_train_step.py [--runs 20] [--threads 2] [--batch-size 32]

One step is `convviz.train.training_step`, what the trainer does per batch: the FFDNet-style net (depth 12, width 64) on
64x64 patches, forward (autocast or not), MSE, backward, gradient clipping, Adam. Random
inputs stand in for the data (loading is not what is measured). The two precisions alternate
in rounds so that a noisy machine slows both alike; the medians and their ratio are printed.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from convviz.restoration.models import build  # noqa: E402
from convviz.train import cpu_name, training_step  # noqa: E402


def make_step(batch_size: int, device: torch.device):
    torch.manual_seed(0)
    model = build("ffdnet", depth=12, width=64).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    clean = torch.rand(batch_size, 1, 64, 64, device=device)
    sigma = torch.rand(batch_size, device=device) * 55
    noisy = clean + torch.randn_like(clean) * sigma.view(-1, 1, 1, 1) / 255

    def step(bf16: bool) -> None:
        training_step(model, optimizer, [noisy, sigma], clean, bf16=bf16)     # .item() waits for the device
    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed steps per precision")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    step = make_step(args.batch_size, device)
    times = {False: [], True: []}
    for bf16 in (False, True):
        for _ in range(3):
            step(bf16)                                   # warm-up: oneDNN picks its kernels
    for _ in range(args.runs):
        for bf16 in (False, True):
            t0 = time.perf_counter()
            step(bf16)
            times[bf16].append(time.perf_counter() - t0)
    fp32, bf16 = statistics.median(times[False]), statistics.median(times[True])
    where = torch.cuda.get_device_name() if device.type == "cuda" else f"{cpu_name()} ({platform.machine()})"
    print(f"{where}, {args.threads} thread(s), batch {args.batch_size} of 64x64, {args.runs} steps each, "
          f"torch {torch.__version__}")
    print("| precision | median s/step | steps/min |\n|---|---|---|")
    print(f"| float32 | {fp32:.3f} | {60 / fp32:.0f} |")
    print(f"| bf16 autocast | {bf16:.3f} | {60 / bf16:.0f} |")
    print(f"ratio bf16 / float32: {bf16 / fp32:.2f}")


if __name__ == "__main__":
    main()
