"""A lecture hall at once: concurrent Chromium sessions against one app server (issue 12).

    python bench/load_test.py [--sessions 20] [--uploads 5] [--pages 4] [--limit 900] [--pin]

Loopback only and bounded in count and time: one server (convviz.testing.serve.running_app), one
Chromium, `--sessions` browser contexts started together. Every session first opens the same
link (the lecturer's), then `--pages - 1` more lessons through the README's deep links (each
session starts at a different one). The first `--uploads` sessions then upload their own crop
of a bundled sample photo to the denoising page and wait for the network's PSNR.

An action's time runs from navigation (or the upload) to the rendered result: the script has
finished, no skeleton is left, and the page's first plotly chart has drawn (for the upload:
the "Network PSNR" metric is shown too). Errors, which must be 0: JavaScript page errors,
streamlit exception boxes (`stException`), timeouts, and tracebacks in the server's log.
Peak memory is the server's VmHWM from /proc/<pid>/status. The server starts cold (only the
home page has been served once), as on the morning of a lecture.

On one machine the 20 browsers draw their pages on the server's cores. `--pin` puts the server on
CPU 0 and this script, Playwright and Chromium on CPU 1 (with 2 cores), which is closer to a class
whose browsers run on their own laptops: the server then has one core to itself.

    python bench/load_test.py --proxy N [--levels 1,2,4,8] [--stage-seconds 25]

With `--proxy N` the app runs through deploy/class_server.py (N replicas behind HAProxy) and the load
is a ramp instead of one burst: for each level c, c sessions open lesson links back to back (closed
loop, no think time) for `--stage-seconds`. Printed per level: actions per second and p95; the
answer is the highest rate whose p95 stayed under 2 s. Server CPU per action is the CPU time of
the replicas and HAProxy over all levels divided by the actions; peak memory is each replica's VmHWM.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from convviz.restoration.image_input import sample_image, to_uint8  # noqa: E402
from convviz.testing.serve import CHROMIUM, CHROMIUM_ARGS, free_port, running_app  # noqa: E402

FIRST_LINK = "/convolution?preset=ex71&pos=5"       # everybody opens the lecturer's link first
LINKS = re.findall(r"`(/[a-z_]+\?[^`\s]+)`", (ROOT / "README.md").read_text())
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
NO_SKELETON = "() => !document.querySelector('[data-testid^=stSkeleton]')"
CHART_DRAWN = "() => !!document.querySelector('[data-testid=stPlotlyChart] .main-svg')"


def rss_kb(pid: int, field: str) -> int:
    """VmRSS / VmHWM (peak) of a process in kB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time used so far by process `pid` (utime + stime), or by the whole machine (busy, not idle)."""
    tick = os.sysconf("SC_CLK_TCK")
    if pid is not None:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick                  # fields 14 and 15 of stat(5)
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / tick                      # all but idle and iowait


def upload_png(n: int, folder: Path) -> Path:
    """Session n's own 200×160 crop of the bundled astronaut sample, so no two uploads share a cache entry."""
    photo = sample_image("astronaut")                           # (384, 384, 3) float
    top, left = 40 + 7 * n, 60 + 11 * n
    path = folder / f"student{n}.png"
    Image.fromarray(to_uint8(photo[top:top + 160, left:left + 200])).save(path)
    return path


class Session:
    """One student: a browser context, the actions' times and what went wrong."""

    def __init__(self, n: int, context, timeout_ms: float):
        self.n, self.context, self.timeout_ms = n, context, timeout_ms
        self.times: dict[str, list[float]] = {"page": [], "upload": []}
        self.errors: list[str] = []

    async def rendered(self, page, text: str | None = None) -> None:
        """The page's first chart has drawn (or `text` is shown), then the run has ended and left no skeleton.

        In that order: the script state is "notRunning" between two runs too (a fresh deep link runs twice)."""
        if text:
            await page.get_by_text(text).first.wait_for(timeout=self.timeout_ms)
        else:
            await page.wait_for_function(CHART_DRAWN, timeout=self.timeout_ms)
        await page.wait_for_selector(DONE, timeout=self.timeout_ms)
        await page.wait_for_function(NO_SKELETON, timeout=self.timeout_ms)

    async def check(self, page, what: str) -> None:
        shown = await page.locator("[data-testid='stException']").count()
        if shown:
            text = await page.locator("[data-testid='stException']").first.inner_text()
            self.errors.append(f"session {self.n}, {what}: exception shown: {text[:200]}")

    async def open(self, page, url: str, link: str) -> None:
        t0 = time.perf_counter()
        try:
            await page.goto(url + link, timeout=self.timeout_ms)
            await self.rendered(page, "Upload an image to start" if "dn_src=upload" in link else None)
            self.times["page"].append(time.perf_counter() - t0)
        except Exception as error:                      # noqa: BLE001 - a timeout counts as an error
            self.errors.append(f"session {self.n}, {link}: {type(error).__name__}: {str(error).splitlines()[0]}")
        await self.check(page, link)

    async def upload(self, page, url: str, png: Path) -> None:
        await self.open(page, url, "/denoising?dn_src=upload&noise=add")
        t0 = time.perf_counter()
        try:
            await page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(png))
            await self.rendered(page, "Network PSNR")
            await page.wait_for_function(CHART_DRAWN, timeout=self.timeout_ms)
            self.times["upload"].append(time.perf_counter() - t0)
        except Exception as error:                      # noqa: BLE001
            self.errors.append(f"session {self.n}, upload: {type(error).__name__}: {str(error).splitlines()[0]}")
        await self.check(page, "upload")

    async def run(self, url: str, links: list[str], png: Path | None) -> None:
        page = await self.context.new_page()
        page.on("pageerror", lambda e: self.errors.append(f"session {self.n}: page error: {e}"))
        for link in links:
            await self.open(page, url, link)
        if png is not None:
            await self.upload(page, url, png)
        await self.context.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def load(url: str, args, folder: Path):
    """Run every session at once: (sessions, wall s, peak RSS sampled in kB, (server CPU s, machine CPU s))."""
    peak = [rss_kb(url.pid, "VmRSS")]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        warm = await browser.new_page()                 # the home page once: app.py's imports, as after a restart
        await warm.goto(url)
        await warm.wait_for_selector(DONE, timeout=120_000)
        await warm.close()
        sessions = [Session(n, await browser.new_context(viewport={"width": 1280, "height": 800}),
                            args.action_timeout * 1000) for n in range(args.sessions)]
        plans = []
        for s in sessions:
            rest = [LINKS[(s.n + i) % len(LINKS)] for i in range(args.pages - 1)]
            plans.append(s.run(url, [FIRST_LINK] + rest, upload_png(s.n, folder) if s.n < args.uploads else None))

        async def sample():
            while True:
                peak[0] = max(peak[0], rss_kb(url.pid, "VmRSS"))
                await asyncio.sleep(0.5)

        sampler = asyncio.create_task(sample())
        t0, cpu0 = time.perf_counter(), (cpu_seconds(url.pid), cpu_seconds())
        try:
            await asyncio.wait_for(asyncio.gather(*plans), timeout=args.limit)
        except asyncio.TimeoutError:
            sessions[0].errors.append(f"the whole run passed its {args.limit} s limit")
        wall = time.perf_counter() - t0
        cpu = (cpu_seconds(url.pid) - cpu0[0], cpu_seconds() - cpu0[1])
        sampler.cancel()
        await browser.close()
    return sessions, wall, peak[0], cpu


@contextmanager
def class_server(replicas: int):
    """deploy/class_server.py with `replicas` replicas on loopback: yields (url, replica pids, haproxy pid)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "class_server.py"), "--replicas", str(replicas),
                             "--port", str(port), "--address", "127.0.0.1"], stdout=subprocess.PIPE, text=True)
    try:
        pids, url = {}, None
        for line in proc.stdout:
            if m := re.match(r"replica (\S+) pid (\d+) port", line):
                pids[m[1]] = int(m[2])
            elif line.startswith("http://"):
                url = line.split()[0].rstrip("/")
                break
        if url is None:
            raise RuntimeError("deploy/class_server.py did not start")
        children = [int(c) for t in Path(f"/proc/{proc.pid}/task").iterdir() for c in (t / "children").read_text().split()]
        yield url, pids, next(c for c in children if c not in pids.values())
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)


async def ramp(url: str, args, server_pids: list[int]):
    """Closed-loop levels: [(c, actions, seconds, p95, errors)], server CPU s, actions in all."""
    rows, total, errors = [], 0, []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for _ in range(len(server_pids)):               # every replica once: app.py's imports, as after a restart
            context = await browser.new_context()
            warm = await context.new_page()
            await warm.goto(url)
            await warm.wait_for_selector(DONE, timeout=180_000)
            await context.close()
        cpu0 = sum(cpu_seconds(pid) for pid in server_pids)
        for level in args.levels:
            sessions = [Session(n, await browser.new_context(viewport={"width": 1280, "height": 800}),
                                args.action_timeout * 1000) for n in range(level)]
            stop_at = time.perf_counter() + args.stage_seconds

            async def loop(s: Session):
                page = await s.context.new_page()
                page.on("pageerror", lambda e: s.errors.append(f"session {s.n}: page error: {e}"))
                i = s.n
                while time.perf_counter() < stop_at:
                    await s.open(page, url, LINKS[i % len(LINKS)])
                    i += 1
                await s.context.close()

            t0 = time.perf_counter()
            await asyncio.gather(*(loop(s) for s in sessions))
            wall = time.perf_counter() - t0
            times = [t for s in sessions for t in s.times["page"]]
            errors += [e for s in sessions for e in s.errors]
            rows.append((level, len(times), wall, p95(times) if times else float("nan"),
                         sum(len(s.errors) for s in sessions)))
            total += len(times)
        cpu = sum(cpu_seconds(pid) for pid in server_pids) - cpu0
        await browser.close()
    return rows, cpu, total, errors


def main_proxy(args) -> None:
    with class_server(args.proxy) as (url, pids, haproxy):
        rows, cpu, total, errors = asyncio.run(ramp(url, args, list(pids.values()) + [haproxy]))
        peaks = {name: rss_kb(pid, "VmHWM") for name, pid in pids.items()}
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}; "
          f"{args.proxy} replica(s) behind HAProxy (deploy/class_server.py); browsers on the same machine\n")
    print("| sessions at once | actions | actions/s | p95 (s) | errors |")
    print("|---|---|---|---|---|")
    for level, n, wall, q95, bad in rows:
        print(f"| {level} | {n} | {n / wall:.2f} | {q95:.1f} | {bad} |")
    held = max((n / wall for _, n, wall, q95, bad in rows if q95 < 2 and not bad), default=0.0)
    print(f"\nheld at p95 < 2 s: {held:.2f} actions/s; server CPU per action: {cpu / max(total, 1):.2f} s "
          f"(replicas + HAProxy, {cpu:.0f} s for {total} actions); peak memory per replica (VmHWM): "
          + ", ".join(f"{name} {kb / 1024:.0f} MiB" for name, kb in peaks.items()))
    for error in errors:
        print("  -", error)
    sys.exit(1 if errors else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--uploads", type=int, default=5, help="sessions that also upload a photo to denoise")
    parser.add_argument("--pages", type=int, default=4, help="lesson pages per session, the shared link included")
    parser.add_argument("--action-timeout", type=float, default=300, help="seconds one action may take")
    parser.add_argument("--limit", type=float, default=900, help="seconds the whole run may take")
    parser.add_argument("--pin", action="store_true", help="server on CPU 0, browsers on CPU 1")
    parser.add_argument("--proxy", type=int, default=0, metavar="N",
                        help="through deploy/class_server.py with N replicas, as a ramp of --levels")
    parser.add_argument("--levels", type=lambda v: [int(x) for x in v.split(",")], default=[1, 2, 4, 8],
                        help="with --proxy: sessions at once, one stage each (default 1,2,4,8)")
    parser.add_argument("--stage-seconds", type=float, default=25, help="with --proxy: seconds per level")
    args = parser.parse_args()
    if args.proxy:
        return main_proxy(args)
    if args.pin:
        os.sched_setaffinity(0, {0})                  # the server, started next, inherits CPU 0
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    log = Path(tempfile.gettempdir()) / "convviz-load-test-server.log"
    with tempfile.TemporaryDirectory() as tmp, running_app(log_path=log) as url:
        if args.pin:
            os.sched_setaffinity(0, {1})              # Playwright and Chromium, started from here, inherit CPU 1
        sessions, wall, sampled, (server_cpu, machine_cpu) = asyncio.run(load(url, args, Path(tmp)))
        hwm = rss_kb(url.pid, "VmHWM")
        rss_end = rss_kb(url.pid, "VmRSS")
    tracebacks = log.read_text().count("Traceback")
    errors = [e for s in sessions for e in s.errors] + ([f"{tracebacks} traceback(s) in {log}"] if tracebacks else [])
    pages = [t for s in sessions for t in s.times["page"]]
    uploads = [t for s in sessions for t in s.times["upload"]]
    print(f"machine: {os.cpu_count()} cores, {cpu}; python {platform.python_version()}"
          + ("; server pinned to CPU 0, browsers to CPU 1" if args.pin else "; server and browsers share all cores"))
    print(f"{args.sessions} sessions × {args.pages} pages, {args.uploads} denoise uploads; wall {wall:.0f} s; "
          f"CPU used: server {server_cpu:.0f} s, whole machine {machine_cpu:.0f} s of {wall * os.cpu_count():.0f} s "
          f"(the rest of it is mostly Chromium drawing the pages)\n")
    print("| action | count | median (s) | p95 (s) | max (s) |")
    print("|---|---|---|---|---|")
    for name, values in (("lesson page, link to rendered result", pages), ("denoise upload to PSNR shown", uploads)):
        if values:
            print(f"| {name} | {len(values)} | {statistics.median(values):.1f} | {p95(values):.1f} | {max(values):.1f} |")
    print("\n| errors (page errors, exception boxes, timeouts, server tracebacks) | server peak RSS (VmHWM) | RSS at the end |")
    print("|---|---|---|")
    print(f"| {len(errors)} | {max(hwm, sampled) / 1024:.0f} MiB | {rss_end / 1024:.0f} MiB |")
    for error in errors:
        print("  -", error)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
