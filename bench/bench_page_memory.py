"""Peak memory of the app server while /denoising restores a person's 24 MP colour photo (issue 32 item 7).

    python bench/bench_page_memory.py [--width 6000 --height 4000] [--timeout 1800]

Starts a fresh app server (convviz.testing.serve.running_app), opens /denoising in Chromium, uploads a
6000 × 4000 JPEG (quality 90, under the 20 MB cap: the astronaut resized with Lanczos plus seeded σ 10 noise) with
the default settings, waits for the job's download button, and prints the server process's RSS after the first
page load and its peak (VmHWM of /proc/<pid>/status), in MiB. The job alone is measured by bench/bench_memory.py;
this is everything the page holds besides (decoded pixels, caches, panels, the classical filters on the zoom box).
"""
from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from skimage import data  # noqa: E402

from convviz.testing.serve import launch_chromium, running_app, wait_for_app  # noqa: E402


def status(pid: int) -> dict[str, float]:
    text = Path(f"/proc/{pid}/status").read_text()
    return {k: int(re.search(k + r":\s+(\d+)", text).group(1)) / 1024 for k in ("VmRSS", "VmHWM")}


def server_pid(pid: int) -> int:
    """The python process serving the app (the launcher's pid, or its child if it is a shell)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = children.read_text().split() if children.exists() else []
    return int(kids[0]) if kids and "python" not in Path(f"/proc/{pid}/cmdline").read_text() else pid


def photo_jpeg(width: int, height: int, path: Path) -> int:
    image = np.asarray(Image.fromarray(data.astronaut()).resize((width, height), Image.LANCZOS), dtype=np.float32)
    rng = np.random.default_rng(0)
    for row in range(0, height, 500):
        band = image[row:row + 500]
        band += rng.standard_normal(band.shape, dtype=np.float32) * 10
    buffer = io.BytesIO()
    Image.fromarray(np.clip(np.round(image), 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=6000)
    parser.add_argument("--height", type=int, default=4000)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.jpg"
        size = photo_jpeg(args.width, args.height, path)
        with running_app() as url, sync_playwright() as p:
            pid = server_pid(url.pid)
            browser = launch_chromium(p)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{url}/denoising")
            wait_for_app(page, timeout=120_000)
            before = status(pid)
            t0 = time.perf_counter()
            page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
            page.get_by_role("button", name=re.compile(rf"Download the denoised image \(PNG, {args.width}×{args.height}")
                             ).wait_for(timeout=args.timeout * 1000)
            wait_for_app(page, timeout=600_000)
            seconds = time.perf_counter() - t0
            after = status(pid)
            browser.close()
    print(json.dumps({"width": args.width, "height": args.height, "jpeg_mib": round(size / 2**20, 1),
                      "rss_before_mib": round(before["VmRSS"], 1), "rss_after_mib": round(after["VmRSS"], 1),
                      "peak_mib": round(after["VmHWM"], 1), "peak_minus_before_mib": round(after["VmHWM"] - before["VmRSS"], 1),
                      "seconds_upload_to_result": round(seconds, 1)}))


if __name__ == "__main__":
    main()
