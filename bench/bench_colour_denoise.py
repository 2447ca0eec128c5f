"""Colour denoising (issue 32): restore.denoise of RGB photos in the opponent space against R, G, B apart.

    python bench/bench_colour_denoise.py [--threads 1] [--crop 0]      # needs ../shared/data/Set5, Set14

Protocol: every colour image of Set5 and Set14 (sorted file order, index i from 0; the two gray Set14
images are left out), whole (or its centre crop of --crop pixels), clean = BMP / 255; noise
`numpy.random.default_rng(i).standard_normal(shape) * sigma / 255`, not clipped. PSNR (data range 1) on
R, G, B together of the output (clipped to [0, 1] by restore.denoise). Columns: R, G, B apart
(`colour_space="rgb"`), opponent with sigma given (the default), opponent blind (sigma estimated), and the
seconds of the opponent call. The same runs on the three colour samples (scikit-image, 384 px side).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from convviz import restore  # noqa: E402
from convviz.restoration import imaging  # noqa: E402
from convviz.restoration.image_input import sample_image  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def sets(crop: int) -> dict[str, list[np.ndarray]]:
    out = {}
    for name in ("Set5", "Set14"):
        images = [np.asarray(Image.open(f)) for f in sorted((DATA / name).glob("*.bmp"))]
        images = [a / 255.0 for a in images if a.ndim == 3]
        if crop:
            images = [a[(a.shape[0] - crop) // 2:][:crop, (a.shape[1] - crop) // 2:][:, :crop] for a in images]
        out[name] = images
    out["samples"] = [sample_image(n) for n in ("astronaut", "coffee", "chelsea")]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--crop", type=int, default=0, help="centre crop side (0: whole images)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"device {restore.device()}, {args.threads} thread(s), crop {args.crop or 'none'}")
    print("| set | images | σ | R, G, B apart (dB) | opponent, σ given (dB) | gain (dB) | opponent, blind (dB) | s per MP |")
    print("|---|---|---|---|---|---|---|---|")
    for name, images in sets(args.crop).items():
        for sigma in (25, 50):
            rows, seconds, pixels = [], 0.0, 0
            for i, clean in enumerate(images):
                noisy = clean + np.random.default_rng(i).standard_normal(clean.shape) * sigma / 255
                t0 = time.perf_counter()
                opp = restore.denoise(noisy, sigma)
                seconds += time.perf_counter() - t0
                pixels += clean.shape[0] * clean.shape[1]
                rows.append([imaging.psnr(clean, restore.denoise(noisy, sigma, colour_space="rgb")),
                             imaging.psnr(clean, opp), imaging.psnr(clean, restore.denoise(noisy))])
            apart, given, blind = np.mean(rows, axis=0)
            print(f"| {name} | {len(images)} | {sigma} | {apart:.2f} | {given:.2f} | {given - apart:+.2f} | "
                  f"{blind:.2f} | {seconds / (pixels / 1e6):.1f} |".replace("+", "+"), flush=True)


if __name__ == "__main__":
    main()
