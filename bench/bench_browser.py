"""Time, in Chromium, from changing a control to the new numbers and figure on screen.

    python bench/bench_browser.py [--runs 12]

Starts `streamlit run app.py` on a free loopback port, opens the convolution page, and
toggles the stride between 1 and 2. Each sample runs from the Enter key to the moment the
printed output has its new shape and the sliding-window figure shows the new frame count.
Also times a scrub of the figure's own slider (no server round trip).
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

OUTPUT_ROWS = "() => JSON.parse(Array.from(document.querySelectorAll('[data-testid=stCode] code')).pop().innerText).length"
SLIDER_STEPS = "() => document.querySelectorAll('[data-testid=stPlotlyChart] .slider-label-group').length"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=12)
    args = parser.parse_args()
    with running_app() as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        t0 = time.perf_counter()
        page.goto(f"{url}/convolution")
        wait_for_app(page)
        print(f"first page load: {time.perf_counter() - t0:.2f} s")
        box = page.get_by_label("Stride (height)", exact=True)
        samples = []
        for n in range(args.runs):
            stride = 2 if n % 2 == 0 else 1
            rows, steps = (3, 9) if stride == 1 else (2, 6)   # default 5×5 input, 3×3 kernel
            box.fill(str(stride))
            t0 = time.perf_counter()
            box.press("Enter")
            page.wait_for_function(f"() => ({OUTPUT_ROWS})() === {rows} && ({SLIDER_STEPS})() === {steps}")
            samples.append(time.perf_counter() - t0)
            wait_for_app(page)
        print(f"control -> new numbers and figure: median {1000 * statistics.median(samples):.0f} ms, "
              f"min {1000 * min(samples):.0f} ms, max {1000 * max(samples):.0f} ms over {len(samples)} changes")

        rail = page.locator("[data-testid='stPlotlyChart'] .slider-rail-touch-rect").first
        rail.scroll_into_view_if_needed()
        bb = rail.bounding_box()
        caption = "() => document.querySelector('[data-testid=stPlotlyChart] .textpoint').textContent"
        scrubs = []
        for n in range(args.runs):
            before = page.evaluate(caption)
            t0 = time.perf_counter()
            page.mouse.click(bb["x"] + bb["width"] * (0.95 if n % 2 == 0 else 0.02), bb["y"] + bb["height"] / 2)
            page.wait_for_function(f"t => ({caption})() !== t", arg=before)
            scrubs.append(time.perf_counter() - t0)
        print(f"figure slider scrub (browser only): median {1000 * statistics.median(scrubs):.0f} ms over {len(scrubs)}")
        browser.close()


if __name__ == "__main__":
    main()
