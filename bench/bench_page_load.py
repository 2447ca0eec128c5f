"""What a browser test pays to open a lesson: a tab in a fresh browser context against one in a context used before.

    python bench/bench_page_load.py [--rounds 3] [--pages convolution batch_normalization ...]

Starts this tree's app.py (convviz.testing.serve.running_app, as the browser tests do), then, round after round,
opens every page twice: in a new context (no HTTP cache: streamlit's scripts and plotly.js fetched and compiled
again, as each browser test did before tests/conftest.py's `Tabs`) and in a new tab of one context kept for the run.
A load is timed from `goto` until `wait_for_app` returns (the run finished, the figure gate open, no skeleton
left). Round 1 warms the server's caches and is not counted. Prints the medians per page and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from convviz.testing.serve import launch_chromium, running_app, wait_for_app  # noqa: E402

PAGES = ["convolution", "transposed_convolution", "convolution_zoo", "batch_normalization"]
VIEWPORT = {"width": 1440, "height": 900}


def load(page, url: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    wait_for_app(page, timeout=180_000)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="counted rounds (one more warms the server first)")
    parser.add_argument("--pages", nargs="+", default=PAGES)
    args = parser.parse_args()
    times = {(name, how): [] for name in args.pages for how in ("fresh", "shared")}
    with running_app() as url, sync_playwright() as p:
        browser = launch_chromium(p)
        shared = browser.new_context(viewport=VIEWPORT)
        for round_ in range(args.rounds + 1):
            for name in args.pages:
                context = browser.new_context(viewport=VIEWPORT)
                fresh = load(context.new_page(), f"{url}/{name}")
                context.close()
                tab = shared.new_page()
                kept = load(tab, f"{url}/{name}")
                tab.close()
                if round_:
                    times[name, "fresh"].append(fresh)
                    times[name, "shared"].append(kept)
        browser.close()
    print(f"{'page':26s} {'fresh context (s)':>18s} {'shared context (s)':>19s} {'ratio':>6s}")
    for name in args.pages:
        fresh, kept = (statistics.median(times[name, how]) for how in ("fresh", "shared"))
        print(f"{name:26s} {fresh:18.2f} {kept:19.2f} {kept / fresh:6.2f}")


if __name__ == "__main__":
    main()
