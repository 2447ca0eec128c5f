"""First load → first figure of every lesson against the hello page, each in a fresh browser context, one run.

    python bench/bench_first_figure.py [--rounds 3] [--json out.json] [--pages convolution ...]

Starts this tree's app.py and the hello page (bench/hello/hello_app.py: Streamlit's own floor) on their own
servers, warms the app (every lesson opened once: imports, caches), then, round after round, opens the hello
page and every lesson in a new browser context each (no cache, no session), the order rotated every round.
Measured: performance.now() at the moment the page's first figure has drawn (from navigation start), the
instrumentation of bench_browser.py, with images and the SVG number grids counted as figures too (the
restoration pages open on pictures). Reports the median and p90 per page and each lesson's median over the
hello page's (issue 33's target: at most 1.5).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench_browser import HELLO, INSTRUMENT, Tab, Variant, p90, serve  # noqa: E402
from convviz.testing.serve import launch_chromium  # noqa: E402
from convviz.ui.widgets.layout import LESSONS  # noqa: E402

# After INSTRUMENT: a figure is also an image (drawn once decoded) or an SVG number grid.
WIDER = r"""
(() => {
  const b = window.__bench, FIG = '[data-testid=stPlotlyChart], [data-testid^=stBidiComponent], ' +
      '[data-testid=stImage], svg.convviz-grid';
  const plotly = b.drawn;
  const shown = img => img.complete && img.naturalWidth > 0;
  const deep = (root, sel) => [...(root.shadowRoot ? deep(root.shadowRoot, sel) : []), ...root.querySelectorAll(sel),
      ...[...root.querySelectorAll('*')].filter(e => e.shadowRoot).flatMap(e => deep(e.shadowRoot, sel))];
  b.drawn = fig => !!fig && (fig.matches('[data-testid=stImage]') ? [...fig.querySelectorAll('img')].some(shown)
      : fig.matches('svg') ? true
      : fig.matches('[data-testid^=stBidiComponent]') ? deep(fig, 'svg, canvas').length > 0 || deep(fig, 'img').some(shown)
      : plotly(fig));
  b.target = () => (document.querySelector('[data-testid=stMain]') || document.body).querySelector(FIG);
})();
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--pages", nargs="*", help="only these lessons (page names), beside the hello page")
    args = parser.parse_args()
    lessons = [lesson.page[:-3] for lesson in LESSONS if lesson.available and (not args.pages
                                                                              or lesson.page[:-3] in args.pages)]
    app, hello = Variant("app", ROOT / "app.py"), Variant("hello", HELLO)
    samples: dict[str, list[float]] = {"hello": [], **{page: [] for page in lessons}}
    failures = []
    started = time.monotonic()
    with ExitStack() as stack, sync_playwright() as p:
        urls = {v.name: stack.enter_context(serve(v, Path("/tmp"))) for v in (app, hello)}
        browser = launch_chromium(p)

        def first_figure(server: str, path: str) -> float:
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.add_init_script(INSTRUMENT)
            context.add_init_script(WIDER)
            try:
                ms = Tab(context, urls[server]).load(path, None)
                print(f"{path or 'hello'}: {ms:.0f} ms", file=sys.stderr, flush=True)
                return ms
            finally:
                context.close()

        pages = ["hello", *lessons]
        for page in pages:                                          # warm: imports, caches, compiled code
            try:
                first_figure(*(("hello", "") if page == "hello" else ("app", page)))
            except Exception as e:                                  # noqa: BLE001 - said, and measured anyway
                failures.append(f"warm-up {page}: {type(e).__name__}: {str(e).splitlines()[0]}")
        for r in range(args.rounds):
            for page in pages[r % len(pages):] + pages[:r % len(pages)]:
                try:
                    samples[page].append(first_figure(*(("hello", "") if page == "hello" else ("app", page))))
                except Exception as e:                              # noqa: BLE001 - counted, the run goes on
                    failures.append(f"{page}: {type(e).__name__}: {str(e).splitlines()[0]}")
        browser.close()
    floor = statistics.median(samples["hello"])
    print(f"{args.rounds} rounds, fresh context per load, {time.monotonic() - started:.0f} s")
    print("| page | first figure, ms (median / p90) | / hello |\n|---|---|---|")
    for page, xs in samples.items():
        if xs:
            print(f"| {page} | {statistics.median(xs):.0f} / {p90(xs):.0f} | {statistics.median(xs) / floor:.2f} |")
    for failure in failures:
        print("FAILED:", failure)
    if args.json:
        args.json.write_text(json.dumps({"samples": samples, "failures": failures}, indent=1))


if __name__ == "__main__":
    main()
