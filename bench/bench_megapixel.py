"""Seconds per megapixel on this machine's CPU (or GPU) for the restoration pages' full-size paths (issue 32 item 8).

    python bench/bench_megapixel.py [--side 1024] [--photo-mp 3] [--threads N] [--skip-photo]

Rows (each one untimed warm-up on a 256² image, then one timed call on a `--side`² image; seconds per megapixel
of *output*):
- denoise gray and colour (σ 25), one pass and the ×4 self-ensemble: `restore.denoise(img, 25, ensemble=e)`;
- super-resolution ×2, ×3, ×4 of a colour image with the sub-pixel net: `restore.upscale(img, s)` on a
  (side/s)² input, so the output is about side²;
- the page's default path for a person's noisy colour photo (`--photo-mp`, default 3 MP: the astronaut
  resized to 2000 × 1500 with Lanczos plus seeded N(0, 25²) noise, clipped and rounded to 8 bits as a PNG would
  hold it): /denoising takes an upload as already noisy, estimates σ (`restore.estimate_noise_sigma`) and runs
  `restore.denoise(noisy, σ̂, ensemble=1, dtype=float32)` as a background job. PSNR against the clean photo before
  and after (the done-when of issue 32: at least 4 dB closer).
The images are the astronaut (scikit-image, public domain) resized, so the rate is that of a photo, not of noise.
"""
from __future__ import annotations

import argparse
import datetime
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402
from skimage import data  # noqa: E402

from convviz import restore  # noqa: E402


def photo(height: int, width: int, gray: bool = False) -> np.ndarray:
    image = Image.fromarray(data.astronaut()).resize((width, height), Image.LANCZOS)
    return np.asarray(image.convert("L") if gray else image, dtype=np.float64) / 255.0


def noisy(clean: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    return np.clip(clean + np.random.default_rng(seed).standard_normal(clean.shape) * sigma / 255, 0, 1)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1.0 / np.mean((np.asarray(a, np.float64) - b) ** 2)))


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    if restore.device().type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - t0


def rows(side: int):
    """(label, function of nothing, output megapixels)."""
    for gray in (True, False):
        img = noisy(photo(side, side, gray), 25)
        for ensemble in (1, 4):
            yield (f"denoise {'gray' if gray else 'colour'}, σ 25, ensemble {ensemble}",
                   lambda img=img, e=ensemble: restore.denoise(img, 25, ensemble=e, dtype=np.float32), side * side / 1e6)
    for s in (2, 3, 4):
        low = photo(side // s, side // s)
        yield f"upscale ×{s} colour (subpixel)", lambda low=low, s=s: restore.upscale(low, s, dtype=np.float32), \
            (s * (side // s)) ** 2 / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=1024)
    parser.add_argument("--photo-mp", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--skip-photo", action="store_true")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    dev = restore.device()
    where = torch.cuda.get_device_name(0) if dev.type == "cuda" else \
        f"{platform.processor() or platform.machine()} CPU, {torch.get_num_threads()} torch threads"
    print(f"{datetime.date.today()}: {where}; torch {torch.__version__}; one warm-up (256²), one timed call.\n")
    warm = photo(256, 256)
    restore.denoise(warm, 25)
    restore.denoise(warm.mean(axis=-1), 25)
    for s in (2, 3, 4):
        restore.upscale(warm[:128, :128], s)
    print("| operation | output | seconds | s per output MP |")
    print("|---|---|---|---|")
    for label, fn, mp in rows(args.side):
        seconds = timed(fn)
        print(f"| {label} | {mp:.2f} MP | {seconds:.1f} | {seconds / mp:.1f} |", flush=True)
    if args.skip_photo:
        return
    width = int(round((args.photo_mp * 1e6 * 4 / 3) ** 0.5 / 2)) * 2
    height = width * 3 // 4
    clean = photo(height, width)
    upload = np.round(noisy(clean, 25) * 255) / 255                    # an 8-bit PNG's values
    t0 = time.perf_counter()
    sigma = restore.estimate_noise_sigma(upload)
    t_sigma = time.perf_counter() - t0
    seconds = timed(lambda: out.append(restore.denoise(upload, sigma, ensemble=1, dtype=np.float32))) \
        if (out := []) is not None else 0.0
    before, after = psnr(upload, clean), psnr(out[0], clean)
    print(f"\nPage default path, {width}×{height} colour ({width * height / 1e6:.2f} MP), noise σ 25 (seed 0, 8-bit): "
          f"σ estimated {sigma:.2f} in {t_sigma:.1f} s; denoised in {seconds:.1f} s "
          f"({seconds / (width * height / 1e6):.1f} s/MP); PSNR {before:.2f} -> {after:.2f} dB "
          f"({after - before:+.2f} dB); output {out[0].shape[1]}×{out[0].shape[0]}.")


if __name__ == "__main__":
    main()
