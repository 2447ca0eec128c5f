"""Inference time per megapixel of the shipped restoration nets, through convviz.restore.

    python bench/bench_restore.py [--runs 5] [--size 512] [--threads N]    # on CUDA when torch sees a GPU

Each row runs the public API the pages call (`restore.denoise` on a grayscale image,
`restore.upscale` on a grayscale low-resolution image) on a seeded random-texture image:
one untimed warm-up (model load, allocator), then the median of `--runs` timed calls. Time
per megapixel is per megapixel of *output* (denoise: the image itself; SR: s² times the input).
A colour image costs 3x the denoise row (one pass per channel); the SR rows hardly change
(the net sees Y only; Cb and Cr are PIL bicubic). The self-ensemble row is `restore.denoise(img, 25,
ensemble=4)`: four passes, so four times the MACs. Missing weights are reported, not fatal.
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

import numpy as np  # noqa: E402
import torch  # noqa: E402

from convviz import restore  # noqa: E402


def timed(fn, runs: int) -> float:
    fn()                                       # warm-up: loads the model, sizes the allocator
    times = []
    for _ in range(runs):
        if restore.device().type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        fn()
        if restore.device().type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cases(size: int):
    """(label, weights name, function of the image, output pixels per input pixel, network passes)."""
    yield "denoise (FFDNet-style, σ=25)", restore.DENOISER, lambda img: restore.denoise(img, 25), 1, 1
    yield "denoise, ×4 self-ensemble (σ=25)", restore.DENOISER, lambda img: restore.denoise(img, 25, ensemble=4), 1, 4
    for model, scales in restore.SR_MODELS.items():
        for s, name in scales.items():
            yield f"upscale ×{s} ({model})", name, (lambda img, s=s, m=model: restore.upscale(img, s, model=m)), s * s, 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=512, help="side of the denoiser's input; SR inputs are size/s")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    dev = restore.device()
    cpu = f"{platform.processor() or platform.machine()} CPU, {torch.get_num_threads()} threads"
    where = torch.cuda.get_device_name(0) if dev.type == "cuda" else cpu
    print(f"Device: {where}; torch {torch.__version__}; median of {args.runs} runs after one warm-up.\n")
    print("| operation | weights | input | output | median s | s per output MP | MACs per output pixel |")
    print("|---|---|---|---|---|---|---|")
    for label, name, fn, ratio, passes in cases(args.size):
        side = args.size if ratio == 1 else args.size // int(ratio ** 0.5)
        image = rng.random((side, side))
        out_side = side * int(ratio ** 0.5)
        if not restore.weights_path(name).exists():
            print(f"| {label} | {name} (missing) | {side}² | {out_side}² | | | |")
            continue
        seconds = timed(lambda: fn(image), args.runs)
        macs = passes * restore.model_info(name)["macs_per_pixel"]
        per_mp = seconds / (out_side ** 2 / 1e6)
        print(f"| {label} | {name} | {side}² | {out_side}² | {seconds:.3f} | {per_mp:.2f} | {macs:,.0f} |")


if __name__ == "__main__":
    main()
