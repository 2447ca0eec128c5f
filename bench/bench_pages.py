"""Time each page's rerun at default settings with AppTest (median of N runs).

    python bench/bench_pages.py [--runs 30]

The first run of a page (imports, cold caches) is reported separately; the median is over
the reruns that follow, which is what a user waits for after touching a control that leaves
the view's cached figures in place. A second figure times a rerun after a real change
(stride 1 -> 2 -> 1 ..., new numbers and figures every time).
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

from streamlit.testing.v1 import AppTest  # noqa: E402

from convviz.ui.widgets.layout import LESSONS  # noqa: E402


def time_page(path: str, runs: int) -> dict:
    at = AppTest.from_file(str(ROOT / path), default_timeout=120)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    assert not at.exception, at.exception
    reruns = []
    for _ in range(runs):
        t0 = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - t0)
    return {"page": path, "first_s": first, "rerun_ms": 1000 * statistics.median(reruns),
            "rerun_p90_ms": 1000 * sorted(reruns)[int(0.9 * (len(reruns) - 1))]}


def time_changes(runs: int) -> float:
    """Median rerun (ms) of the convolution page when the stride changes on every run."""
    at = AppTest.from_file(str(ROOT / "pages/convolution.py"), default_timeout=120).run()
    times = []
    for n in range(runs):
        box = at.number_input(key="sh")
        box.set_value(2 if n % 2 == 0 else 1)
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    pages = ["app.py"] + [f"pages/{lesson.page}" for lesson in LESSONS if lesson.available]
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, python {platform.python_version()}")
    print("| page | first run (s) | rerun median (ms) | rerun p90 (ms) |")
    print("|---|---|---|---|")
    for path in pages:
        r = time_page(path, args.runs)
        print(f"| `{r['page']}` | {r['first_s']:.2f} | {r['rerun_ms']:.1f} | {r['rerun_p90_ms']:.1f} |")
    print(f"\nconvolution page, stride toggled every run: median {time_changes(args.runs):.1f} ms")


if __name__ == "__main__":
    main()
