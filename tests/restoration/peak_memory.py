"""Peak resident memory of one `restore.denoise` job, measured in a fresh process (issue 32 item 7).

    python -m tests.restoration.peak_memory HEIGHT WIDTH [--gray] [--sigma 25] [--ensemble 1] [--net real|copy]

prints one JSON line. The child process imports torch, loads the denoiser and builds the input the way
/denoising hands it to a job (an upload taken as noisy: float64 (H, W, 3) in [0, 1]; a synthetic photo,
scikit-image's astronaut resized to H × W plus seeded noise of σ 25). Then it resets the kernel's
peak-RSS counter (`echo 5 > /proc/self/clear_refs`, Linux ≥ 4.0) and runs

    restore.denoise(noisy, sigma, ensemble=..., dtype=np.float32, progress=...)

exactly as pages/denoising.py's background job does. Reported, in MiB (VmRSS / VmHWM of /proc/self/status):

    job_mib    = peak RSS during the job - RSS just before it (the model and the input already resident)
    input_mib  = RSS just before the job - RSS after the model was loaded (the input image itself)
    total_mib  = job_mib + input_mib

torch's CPU allocator is invisible to tracemalloc, so RSS is the honest measure. `--net copy` swaps the network
for one that returns a fresh copy of its input (no activations): the job's full-size buffers alone, which lets
a test measure them at 24 MP in seconds; the real net's per-tile activations are bounded by the tile, not the image.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _status() -> dict[str, float]:
    text = open("/proc/self/status").read()
    return {k: int(re.search(k + r":\s+(\d+)", text).group(1)) / 1024 for k in ("VmRSS", "VmHWM")}


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def synthetic_photo(height: int, width: int, gray: bool = False, noise: float = 25.0, seed: int = 0):
    """The astronaut (public domain) resized to height × width with Lanczos, plus N(0, noise²/255²), clipped:
    float64 in [0, 1], as image_input.decode_image returns an upload."""
    import numpy as np
    from PIL import Image
    from skimage import data

    photo = Image.fromarray(data.astronaut()).resize((width, height), Image.LANCZOS)
    if gray:
        photo = photo.convert("L")
    out = np.asarray(photo, dtype=np.float64)
    out /= 255.0
    rng = np.random.default_rng(seed)
    for row in range(0, height, 512):                  # in bands: no full-size float64 temporary
        band = out[row:row + 512]
        band += rng.standard_normal(band.shape) * (noise / 255.0)
        np.clip(band, 0.0, 1.0, out=band)
    return out


class _Copy:
    """Stands in for the denoiser: returns a fresh tensor the shape of its input (no activations)."""

    def __call__(self, x, sigma):
        return x.clone()


def child(height: int, width: int, gray: bool, sigma: float, ensemble: int, net: str) -> dict:
    import gc

    import numpy as np
    import torch

    from convviz import restore

    torch.set_num_threads(max(1, torch.get_num_threads()))
    model = restore.load_model(restore.DENOISER)
    with torch.inference_mode():                      # one tiny run: torch's lazy init is not counted as the job's
        model(torch.zeros(1, 1, 8, 8), 25.0)
    if net == "copy":
        restore.load_model = lambda name: _Copy()
    gc.collect()
    after_model = _status()["VmRSS"]
    noisy = synthetic_photo(height, width, gray)
    gc.collect()
    _reset_peak()
    before = _status()["VmRSS"]
    tiles = []
    t0 = time.perf_counter()
    out = restore.denoise(noisy, sigma, ensemble=ensemble, dtype=np.float32,
                          progress=lambda done, total: tiles.append((done, total)))
    seconds = time.perf_counter() - t0
    peak = _status()["VmHWM"]
    assert out.shape == noisy.shape and out.dtype == np.float32
    return {"height": height, "width": width, "megapixels": height * width / 1e6, "gray": gray, "sigma": sigma,
            "ensemble": ensemble, "net": net, "tiles": tiles[-1][1] if tiles else 0, "seconds": round(seconds, 2),
            "threads": torch.get_num_threads(), "job_mib": round(peak - before, 1),
            "input_mib": round(before - after_model, 1), "total_mib": round(peak - after_model, 1),
            "peak_rss_mib": round(peak, 1)}


def measure(height: int, width: int, *, gray: bool = False, sigma: float = 25.0, ensemble: int = 1,
            net: str = "real", timeout: float = 3600.0, threads: int | None = None) -> dict:
    """Run `child` in a fresh Python process and return its JSON (see the module docstring)."""
    cmd = [sys.executable, "-m", "tests.restoration.peak_memory", str(height), str(width), "--sigma", str(sigma),
           "--ensemble", str(ensemble), "--net", net] + (["--gray"] if gray else [])
    env = None
    if threads:
        import os
        env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True, env=env,
                          cwd=str(ROOT))
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("height", type=int)
    parser.add_argument("width", type=int)
    parser.add_argument("--gray", action="store_true")
    parser.add_argument("--sigma", type=float, default=25.0)
    parser.add_argument("--ensemble", type=int, default=1)
    parser.add_argument("--net", choices=("real", "copy"), default="real")
    args = parser.parse_args()
    print(json.dumps(child(args.height, args.width, args.gray, args.sigma, args.ensemble, args.net)))


if __name__ == "__main__":
    main()
