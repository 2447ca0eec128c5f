"""Peak memory and time of a full-size denoising job (issue 32 item 7: a 24 MP job within 1.5 GB).

    python bench/bench_memory.py [--height 4000 --width 6000] [--ensemble 1] [--gray]

Runs tests/restoration/peak_memory.py in a fresh process: the denoiser and the input (a 6000 × 4000 synthetic colour
photo, float64 as /denoising holds an upload) are loaded first, the kernel's peak-RSS counter is reset, then
`restore.denoise(noisy, 25, dtype=np.float32, progress=...)` runs as the page's background job does. Prints the
JSON row and a markdown line for docs/benchmarks.md. The same measure at small sizes is asserted by
tests/restoration/test_peak_memory.py.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.restoration.peak_memory import measure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--height", type=int, default=4000)
    parser.add_argument("--width", type=int, default=6000)
    parser.add_argument("--ensemble", type=int, default=1)
    parser.add_argument("--gray", action="store_true")
    parser.add_argument("--net", choices=("real", "copy"), default="real")
    args = parser.parse_args()
    row = measure(args.height, args.width, gray=args.gray, ensemble=args.ensemble, net=args.net)
    print(json.dumps(row))
    kind = "gray" if args.gray else "colour"
    print(f"| {args.width}×{args.height} {kind} ({row['megapixels']:.1f} MP), ensemble {args.ensemble}, {args.net} net "
          f"| {row['tiles']} | {row['seconds']:.0f} | {row['seconds'] / row['megapixels']:.1f} | {row['input_mib']:.0f} "
          f"| {row['job_mib']:.0f} | {row['total_mib']:.0f} | {platform.machine()}, {row['threads']} threads |")


if __name__ == "__main__":
    main()
