"""What a student waits for in Chromium, and what each action costs the server: variants side by side.

    python bench/bench_browser.py [--rounds 5] [--baseline COMMIT] [--lessons convolution,...] [--json out.json]
    python bench/bench_browser.py --gc-options --lessons convolution       # the post-run GC options (issue 23)

One run starts a server per variant on a free loopback port: this tree's app.py (or, with --now, that of a
commit); with --baseline also the app.py of COMMIT (commits are checked out with `git worktree add --detach`
under /tmp); with --gc-options the current code four times: runner.postScriptGC on/off × gc.freeze on/off.
Plus the hello page (bench/hello/hello_app.py: one number input, one text, one 8×8 plotly heatmap:
Streamlit's own floor) on its own server. One headless
Chromium drives them all. Variants alternate action by action, so a busy machine slows them alike.

Measured, per lesson (one control changed back and forth, see LESSONS) and per variant:
- control → figure: in the page, performance.now() from the keydown/click to the animation frame after
  the last DOM change of the lesson's main figure (the first figure below its heading, whatever draws it:
  a plotly chart, or an svg inside a `st.components.v2` stage, open shadow roots included);
- step → repaint: the same for the step control (the stage's own next/previous buttons, or the ◀ / ▶
  buttons of the views not on the stage yet); also the time to the frame after the figure's *first*
  change ("first_ms"): a stage repaints there, and its debounced rerun may change the figure again later;
- first load → first figure: performance.now() at the moment the page's first figure has drawn;
- websocket bytes received per change (CDP Network.webSocketFrameReceived);
- server CPU per action: user + system time of the server process (/proc/<pid>/stat), from before the
  action until it stays unchanged for 0.8 s (Streamlit's post-run collection comes after the page
  already shows the run as finished).
Medians and p90 (nearest rank) of each, and the ratios against the first variant (and the hello page).
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from convviz.testing.serve import ServerURL, app_command, free_port, launch_chromium, serving  # noqa: E402

HELLO = ROOT / "bench" / "hello" / "hello_app.py"
TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Lesson:
    page: str                       # URL path
    label: str                      # the number input that is changed, by its label
    values: tuple[int, int]         # alternated: every change is a real change
    heading: str | None             # the lesson's main figure is the first figure after this heading
    step_key: str | None = None     # the step control's key (its ◀ / ▶ buttons: key_prev / key_next)


LESSONS = [
    # Labels: this tree's first, then older commits' (one action, the same setting); a heading an older page has and
    # this one lacks falls back to the page's first figure (here the stage that opens the page).
    Lesson("convolution", "Stride|Stride (height)", (2, 1), "The sliding window, step by step", "pos"),
    Lesson("transposed_convolution", "Kernel size|Kernel size k", (2, 3), "The scatter view, step by step", "tc_step"),
    Lesson("convolution_matrix", "Stride s", (2, 1), "Rows are windows, columns are input cells"),
    Lesson("receptive_fields", "Input size n (pixels per side)", (7, 5), "The field of one output unit", "unit"),
    Lesson("convolution_zoo", "Dilation d", (3, 2), "Dilated (atrous) convolution"),
    Lesson("batch_normalization", "Batch size N", (3, 4), "Which values are averaged?"),
]
HELLO_LESSON = Lesson("", "Number", (2, 1), None)


@dataclass
class Variant:
    name: str
    script: Path
    extra_args: tuple[str, ...] = ()
    env: dict = field(default_factory=dict)


# --- servers ---------------------------------------------------------------------------------------------

@contextmanager
def serve(variant: Variant, log_dir: Path, timeout: float = 120.0):
    """`streamlit run` of the variant's script on 127.0.0.1 (in the script's folder, so that folder's
    .streamlit/config.toml applies); yields a ServerURL whose .pid is the server process."""
    port = free_port()
    command = app_command(port, script=variant.script) + list(variant.extra_args)
    with serving(port, command, log_dir / f"bench-{variant.name}.log", cwd=variant.script.parent, env=variant.env,
                 timeout=timeout, name=variant.name) as url:
        yield url


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat, fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mib(pid: int) -> float:
    """VmRSS of a process, MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def cpu_settled(pid: int, quiet: float = 0.8, limit: float = 10.0) -> float:
    """The process's CPU time once it has stayed unchanged for `quiet` seconds (at most `limit` s)."""
    last, since, end = cpu_seconds(pid), time.monotonic(), time.monotonic() + limit
    while time.monotonic() < end:
        time.sleep(0.1)
        now = cpu_seconds(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return last


def baseline_script(commit: str) -> Path:
    """app.py of `commit`, checked out (detached) in a git worktree /tmp/convviz-<sha> (kept for the next run;
    `git worktree remove /tmp/convviz-<sha>` when done)."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", commit], check=True,
                         capture_output=True, text=True).stdout.strip()
    path = Path(f"/tmp/convviz-{sha}")
    if not path.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), sha], check=True,
                       capture_output=True)
    return path / "app.py"


# --- in the page -----------------------------------------------------------------------------------------

# Installed before every page's scripts. Figures: plotly charts and st.components.v2 elements (their svg may
# sit in an open shadow root, which a MutationObserver on the document does not see: observed one by one).
INSTRUMENT = r"""
(() => {
  const FIG = '[data-testid=stPlotlyChart], [data-testid^=stBidiComponent]';
  const b = window.__bench = {armed: false, t0: null, heading: null, last: null, paint: null, first: null, count: 0};
  const shadows = new WeakSet();
  function deepAll(root, sel, out = []) {
    if (root.shadowRoot) deepAll(root.shadowRoot, sel, out);
    root.querySelectorAll(sel).forEach(e => out.push(e));
    root.querySelectorAll('*').forEach(e => { if (e.shadowRoot) deepAll(e.shadowRoot, sel, out); });
    return out;
  }
  b.drawn = fig => !!fig && (fig.matches('[data-testid=stPlotlyChart]')
      ? !!fig.querySelector('.main-svg') : deepAll(fig, 'svg, canvas').length > 0);
  b.target = () => {
    const main = document.querySelector('[data-testid=stMain]') || document.body;
    const figs = Array.from(main.querySelectorAll(FIG));
    if (!b.heading) return figs[0] || null;
    const hs = Array.from(main.querySelectorAll('h1, h2, h3, h4')).filter(h => h.textContent.includes(b.heading));
    if (!hs.length) return figs[0] || null;
    return figs.find(f => hs[0].compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING) || null;
  };
  b.arm = heading => { b.heading = heading; b.armed = true; b.t0 = b.last = b.paint = b.first = null; b.count = 0; };
  const start = () => { if (b.armed) { b.armed = false; b.t0 = performance.now(); } };
  document.addEventListener('keydown', start, true);
  document.addEventListener('click', start, true);
  function touches(m, fig) {
    if (fig.contains(m.target)) return true;
    if (m.type === 'childList') {
      for (const n of [...m.addedNodes, ...m.removedNodes]) if (n.contains && (n.contains(fig) || fig.contains(n))) return true;
    }
    return false;
  }
  function observe(root) {
    obs.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  }
  const obs = new MutationObserver(ms => {
    document.querySelectorAll('[data-testid^=stBidiComponent], [data-testid^=stBidiComponent] *').forEach(e => {
      if (e.shadowRoot && !shadows.has(e.shadowRoot)) { shadows.add(e.shadowRoot); observe(e.shadowRoot); }
    });
    if (b.t0 === null) return;
    const fig = b.target();
    if (!fig) return;
    const inside = m => { const r = m.target.getRootNode(); return r instanceof ShadowRoot && fig.contains(r.host); };
    if (ms.some(m => touches(m, fig) || inside(m))) {
      const now = performance.now();
      b.last = now; b.count += 1;
      requestAnimationFrame(() => {
        const t = performance.now();
        if (b.first === null) b.first = t;         // the first frame after the figure's first change
        if (b.last === now) b.paint = t;           // the frame after its last change (so far)
      });
    }
  });
  const go = () => observe(document.documentElement);
  if (document.documentElement) go(); else document.addEventListener('DOMContentLoaded', go);
})();
"""

SETTLED = """(quiet) => {
  const b = window.__bench, app = document.querySelector('[data-testid=stApp]');
  return b.t0 !== null && b.count > 0 && b.paint !== null && performance.now() - b.last > quiet
    && app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid^=stSkeleton]');
}"""
FIRST_FIGURE = """() => { const f = window.__bench.target(); return window.__bench.drawn(f) ? performance.now() : false; }"""


class Tab:
    """One browser page on one server, counting the websocket bytes it receives."""

    def __init__(self, context, url: ServerURL):
        self.url, self.page = url, context.new_page()
        self.bytes = 0
        cdp = context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def _frame(self, event) -> None:
        frame = event["response"]
        data = frame["payloadData"]
        self.bytes += len(base64.b64decode(data)) if frame.get("opcode") == 2 else len(data.encode())

    def load(self, path: str, heading: str | None) -> float:
        """Open the page; ms from navigation start to its main figure drawn."""
        self.page.bring_to_front()                          # background tabs get no animation frames
        self.page.goto(f"{self.url}/{path}", wait_until="commit")
        self.page.wait_for_function("() => !!window.__bench")
        self.page.evaluate("h => { window.__bench.heading = h; }", heading)
        ms = self.page.wait_for_function(FIRST_FIGURE, polling=20, timeout=120_000).json_value()
        self.settle()
        return ms

    def settle(self) -> None:
        self.page.wait_for_function(
            "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === "
            "'notRunning' && !document.querySelector('[data-testid^=stSkeleton]')", timeout=120_000)
        self.page.wait_for_load_state("networkidle")

    def act(self, heading: str | None, action) -> dict:
        """Do `action(page)`. Returns ms: to the frame after the main figure's last change (the new figure
    complete); first_ms: to the frame after its first change (a stage repaints there, before its debounced
    rerun); the websocket bytes received; the server's CPU ms."""
        self.page.bring_to_front()
        self.page.evaluate("h => window.__bench.arm(h)", heading)
        cpu0, bytes0 = cpu_seconds(self.url.pid), self.bytes
        action(self.page)
        self.page.wait_for_function(SETTLED, arg=400, polling=50, timeout=60_000)
        b = self.page.evaluate("() => ({t0: window.__bench.t0, paint: window.__bench.paint, first: window.__bench.first})")
        cpu1 = cpu_settled(self.url.pid)
        return {"ms": b["paint"] - b["t0"], "first_ms": b["first"] - b["t0"], "bytes": self.bytes - bytes0,
                "cpu_ms": 1000 * (cpu1 - cpu0)}


def number_box(page, label: str):
    """The number box labelled `label` ("A|B": the first of these labels the page has)."""
    names = label.split("|")
    name = next((n for n in names if page.get_by_label(n, exact=True).count()), names[0])
    return page.get_by_label(name, exact=True).first


def set_number(label: str, value: int):
    def action(page):
        box = number_box(page, label)
        box.fill(str(value))
        box.press("Enter")
    return action


def step(key: str, forward: bool):
    """The step control: a stage's own next/previous button if the page has one, else the ◀ / ▶ buttons."""
    def action(page):
        way = "next" if forward else "prev"
        stage = page.locator(f"[data-testid^=stBidiComponent] [data-action={way}]")      # convviz/ui/stage
        if not stage.count():
            name = re.compile(r"next|forward|▶" if forward else r"prev|back|◀", re.I)
            stage = page.locator("[data-testid^=stBidiComponent]").get_by_role("button", name=name)
        button = (stage if stage.count() else page.locator(f".st-key-{key}_{way} button")).first
        if button.is_disabled():                 # a view that opens on its last (or first) step: go the other way
            return step(key, not forward)(page)
        button.click()
    return action


# --- statistics ------------------------------------------------------------------------------------------

def p90(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[max(0, math.ceil(0.9 * len(xs)) - 1)] if xs else math.nan


def summary(xs: list[float]) -> str:
    return f"{statistics.median(xs):.0f} / {p90(xs):.0f}" if xs else "-"


def report(results: dict, names: list[str]) -> str:
    """A markdown table: one row per measure, one column per variant (median / p90), ratios of medians."""
    measures = sorted({m for v in results.values() for m in v})
    ref, others = names[0], [n for n in names[1:] if n != "hello"]
    head = ["measure", *[f"{n} (median / p90)" for n in names], *[f"{n} / {ref}" for n in others]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in measures:
        row = [m, *[summary(results[n].get(m, [])) for n in names]]
        for n in others:
            a, b = results[n].get(m), results[ref].get(m)
            row.append(f"{statistics.median(a) / statistics.median(b):.2f}" if a and b and statistics.median(b) else "-")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="changes per lesson and variant (alternating)")
    parser.add_argument("--loads", type=int, default=3, help="first loads of /convolution per variant")
    parser.add_argument("--baseline", help="also serve app.py of this commit (a git worktree under /tmp)")
    parser.add_argument("--now", metavar="COMMIT",
                        help="serve app.py of this commit (a worktree) as the current code, not this working tree")
    parser.add_argument("--gc-options", action="store_true",
                        help="variants: this tree with runner.postScriptGC on/off × gc.freeze on/off")
    parser.add_argument("--lessons", default=",".join(lesson.page for lesson in LESSONS))
    parser.add_argument("--no-hello", action="store_true", help="leave out the hello page")
    parser.add_argument("--json", type=Path, help="write every sample here")
    args = parser.parse_args()

    app = baseline_script(args.now) if args.now else ROOT / "app.py"
    if args.gc_options:
        gc_off = ("--runner.postScriptGC", "false")
        variants = [Variant("gc", app, env={"CONVVIZ_GC_FREEZE": "0"}),
                    Variant("no-gc", app, gc_off, env={"CONVVIZ_GC_FREEZE": "0"}),
                    Variant("freeze", app, env={"CONVVIZ_GC_FREEZE": "1"}),
                    Variant("freeze+no-gc", app, gc_off, env={"CONVVIZ_GC_FREEZE": "1"})]
    else:
        variants = [Variant("now", app)]
    if args.baseline:
        variants.insert(0, Variant(f"base-{args.baseline}", baseline_script(args.baseline)))
    lessons = [lesson for lesson in LESSONS if lesson.page in args.lessons.split(",")]
    hello = None if args.no_hello else Variant("hello", HELLO)
    everyone = variants + ([hello] if hello else [])
    results = {v.name: {} for v in everyone}

    failures = []

    def add(variant: Variant, measure: str, sample) -> None:
        """Record one sample; `sample` may be a function: a failure (a timeout) is counted, not fatal."""
        if callable(sample):
            try:
                sample = sample()
            except Exception as e:               # noqa: BLE001 - report and go on with the other samples
                failures.append(f"{variant.name}, {measure}: {type(e).__name__}: {str(e).splitlines()[0]}")
                return
        for unit, value in sample.items():
            results[variant.name].setdefault(f"{measure}: {unit}", []).append(value)

    log_dir = Path(os.environ.get("TMPDIR", "/tmp"))
    started = time.monotonic()
    with ExitStack() as stack, sync_playwright() as p:
        urls = {v.name: stack.enter_context(serve(v, log_dir)) for v in everyone}
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        context.add_init_script(INSTRUMENT)
        tabs = {v.name: Tab(context, urls[v.name]) for v in everyone}
        for v in everyone:                                  # warm: imports, caches, compiled code
            tabs[v.name].load("convolution" if v is not hello else "", None)
        for _ in range(args.loads):                         # first loads, alternating
            for v in everyone:
                tab = Tab(context, urls[v.name])
                path, heading = ("", None) if v is hello else ("convolution", None)
                cpu0 = cpu_seconds(urls[v.name].pid)
                ms = tab.load(path, heading)
                add(v, "first load → first figure", {"ms": ms,
                                                     "cpu_ms": 1000 * (cpu_settled(urls[v.name].pid) - cpu0)})
                tab.page.close()
        for lesson in lessons:
            for v in variants:
                tabs[v.name].load(lesson.page, lesson.heading)
            for n in range(args.rounds):
                value = lesson.values[n % 2]
                for v in (variants if n % 2 == 0 else variants[::-1]):
                    add(v, f"{lesson.page}: {lesson.label} → figure",
                        lambda: tabs[v.name].act(lesson.heading, set_number(lesson.label, value)))
                if hello and lesson is lessons[0]:    # the floor, alternating with the first lesson
                    add(hello, "hello: number → heatmap",
                        lambda: tabs["hello"].act(None, set_number("Number", 2 + n % 2)))
            if lesson.step_key:
                for n in range(args.rounds):
                    for v in (variants if n % 2 == 0 else variants[::-1]):
                        add(v, f"{lesson.page}: step → repaint",
                            lambda: tabs[v.name].act(lesson.heading, step(lesson.step_key, forward=n % 2 == 0)))
        rss = {v.name: rss_mib(urls[v.name].pid) for v in everyone}
        browser.close()

    names = [v.name for v in everyone]
    print(f"{len(variants)} variant(s), {args.rounds} rounds, {time.monotonic() - started:.0f} s; "
          f"server RSS at the end (MiB): " + ", ".join(f"{k} {v:.0f}" for k, v in rss.items()))
    print(report(results, names))
    for failure in failures:
        print("FAILED:", failure)
    floor = results.get("hello", {}).get("hello: number → heatmap: ms")
    stride = "convolution: Stride|Stride (height) → figure: ms"
    if floor:
        for v in variants:
            if results[v.name].get(stride):
                print(f"{v.name}: stride change → figure / hello floor = "
                      f"{statistics.median(results[v.name][stride]) / statistics.median(floor):.2f}")
    if args.json:
        args.json.write_text(json.dumps({"variants": names, "results": results, "rss_mib": rss,
                                         "failures": failures}, indent=1))


if __name__ == "__main__":
    main()
