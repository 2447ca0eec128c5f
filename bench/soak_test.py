"""Soak test: does the server's memory stay flat over many actions on every page?

    python bench/soak_test.py [--actions 500] [--minutes 8] [--pages convolution,...] [--commit C] [--json out.json]

One `streamlit run app.py` on a free loopback port (this tree, its .streamlit/config.toml), one headless
Chromium, one browser session. On every page in turn it changes one control back and forth (LESSONS of
bench/bench_browser.py, plus the restoration pages' zoom box) `--actions` times, waiting each time for
the script run to end, and samples the server's VmRSS (/proc/<pid>/status) after each action. Bounded:
each page stops after `--actions` or `--minutes`, whichever comes first; only 127.0.0.1 is contacted.

Per page: the median RSS of the first 100 and of the last 100 actions, and the least-squares slope of
RSS over the page's actions (MiB per 100 actions; also over its second half, after the caches warmed).
Memory that stays flat has a slope near zero and the two medians within a few MiB; a leak of even
100 KB per action shows as ~10 MiB per 100 actions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from bench_browser import LESSONS, ROOT, Lesson, Variant, baseline_script, cpu_seconds, number_box, rss_mib, serve, set_number
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from convviz.testing.serve import launch_chromium

PAGES = LESSONS + [Lesson("denoising", "Zoom box side (pixels)", (96, 64), None),
                   Lesson("super_resolution", "Zoom box side (output pixels)", (96, 64), None)]

# Counts finished script runs (the app's script state going to notRunning), so that no run is missed; in
# sessionStorage, so that the count survives the page reloading itself (it did, now and then, under load).
RUNS = r"""
(() => {
  sessionStorage.__loads = String(1 + Number(sessionStorage.__loads || 0));
  new MutationObserver(ms => ms.forEach(m => {
    sessionStorage.__changed = String(Date.now());
    if (m.target.getAttribute('data-test-script-state') === 'notRunning')
      sessionStorage.__runs = String(1 + Number(sessionStorage.__runs || 0));
  })).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
})();
"""
COUNT = "() => Number(sessionStorage.__runs || 0)"
IDLE = "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"
# A run has ended since the count was n, and nothing has run for 300 ms (a stage sends its state back
# after the first run of a page; an Enter typed while that run redraws the box would be lost).
DONE = """n => Number(sessionStorage.__runs || 0) > n && document.querySelector('[data-testid=stApp]')
  ?.getAttribute('data-test-script-state') === 'notRunning' && Date.now() - Number(sessionStorage.__changed) > 300"""


def settled(page, runs: int, box, value: int, quiet: float = 1.0, limit: float = 20.0) -> str:
    """Wait until the action's run has ended: "counted" (a run's end was seen: DONE), or "unconfirmed" (the page
    has been idle with the new value for `quiet` s but no run's end was counted: seen under heavy load, and with
    a fragment that reruns so fast that the app's script state never visibly changes). Raises PlaywrightError
    after `limit` s with neither."""
    start = idle_since = time.monotonic()
    while time.monotonic() - start < limit:
        if page.evaluate(DONE, runs):
            return "counted"
        if not (page.evaluate(IDLE) and int(float(box.input_value())) == value):
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since > quiet:
            return "unconfirmed"
        time.sleep(0.02)
    raise PlaywrightError(f"no run ended within {limit:.0f} s")


def slope_per_100(ys: list[float]) -> float:
    """Least-squares slope of ys against their index, times 100."""
    n = len(ys)
    if n < 2:
        return float("nan")
    mx, my = (n - 1) / 2, statistics.fmean(ys)
    return 100 * sum((x - mx) * (y - my) for x, y in enumerate(ys)) / sum((x - mx) ** 2 for x in range(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=500, help="actions per page")
    parser.add_argument("--minutes", type=float, default=8.0, help="at most this long per page")
    parser.add_argument("--pages", default=",".join(p.page for p in PAGES))
    parser.add_argument("--commit", help="serve app.py of this commit (a git worktree under /tmp), not this tree")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    pages = [p for p in PAGES if p.page in args.pages.split(",")]
    results, started = {}, time.monotonic()
    app = baseline_script(args.commit) if args.commit else ROOT / "app.py"
    with serve(Variant("soak", app), Path("/tmp")) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        context.add_init_script(RUNS)
        page = context.new_page()
        for lesson in pages:
            before = page.evaluate(COUNT) if page.url.startswith("http") else 0
            page.goto(f"{url}/{lesson.page}")
            page.wait_for_function(DONE, arg=before, timeout=180_000)
            rss, cpu0, t0, timeouts, unconfirmed = [], cpu_seconds(url.pid), time.monotonic(), 0, 0
            for n in range(args.actions):
                if time.monotonic() - t0 > 60 * args.minutes:
                    break
                runs = page.evaluate(COUNT)
                for _ in range(3):       # an Enter that lands while the box is being redrawn starts no run
                    box = number_box(page, lesson.label)
                    try:
                        set_number(lesson.label, lesson.values[n % 2])(page)
                        if settled(page, runs, box, lesson.values[n % 2]) == "unconfirmed":
                            unconfirmed += 1
                        if int(float(box.input_value())) == lesson.values[n % 2]:
                            break
                        error = RuntimeError(f"the box shows {box.input_value()}")
                    except PlaywrightError as e:
                        error = e
                else:                    # counted and reported; the page is opened again
                    timeouts += 1
                    page.screenshot(path=f"/tmp/soak-{lesson.page}-{n}.png", full_page=True)
                    print(f"{lesson.page}, action {n}: {type(error).__name__}: {str(error).splitlines()[0]}", flush=True)
                    before = page.evaluate(COUNT)
                    page.goto(f"{url}/{lesson.page}")
                    page.wait_for_function(DONE, arg=before, timeout=180_000)
                rss.append(rss_mib(url.pid))
            k = min(100, len(rss) // 2)
            results[lesson.page] = {
                "actions": len(rss), "timeouts": timeouts, "unconfirmed": unconfirmed,
                "seconds": time.monotonic() - t0, "rss_mib": rss,
                "cpu_ms_per_action": 1000 * (cpu_seconds(url.pid) - cpu0) / max(1, len(rss)),
                "first_median": statistics.median(rss[:k]), "last_median": statistics.median(rss[-k:]),
                "slope_per_100": slope_per_100(rss), "slope_second_half": slope_per_100(rss[len(rss) // 2:])}
            r = results[lesson.page]
            print(f"{lesson.page}: {r['actions']} actions in {r['seconds']:.0f} s, RSS first {k} median "
                  f"{r['first_median']:.1f} MiB, last {k} {r['last_median']:.1f} MiB, slope "
                  f"{r['slope_per_100']:+.2f} MiB/100 actions, {r['cpu_ms_per_action']:.0f} ms CPU/action, "
                  f"{timeouts} timeouts, {unconfirmed} runs seen only by their new value", flush=True)
        loads = page.evaluate("() => Number(sessionStorage.__loads || 0)")
        browser.close()
    print(f"\nthe page loaded {loads} time(s) in all ({len(pages)} opened by the test)")
    print(f"\n{time.monotonic() - started:.0f} s in all\n")
    print("| page | actions (timeouts) | RSS median, first 100 (MiB) | last 100 (MiB) | slope (MiB / 100 actions) "
          "| slope, second half | server CPU per action (ms) |\n|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| `/{name}` | {r['actions']} ({r['timeouts']}) | {r['first_median']:.1f} | {r['last_median']:.1f} | "
              f"{r['slope_per_100']:+.2f} | {r['slope_second_half']:+.2f} | {r['cpu_ms_per_action']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps(results))


if __name__ == "__main__":
    sys.exit(main())
