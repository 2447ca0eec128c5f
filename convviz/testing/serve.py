"""Start and stop `streamlit run app.py` on a free loopback port (for browser tests and benchmarks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerURL(str):
    """The base URL of a running server, with the server's process id as `.pid`."""
    pid: int


def app_command(port: int, base_url_path: str = "", script: Path = ROOT / "app.py") -> list[str]:
    """`streamlit run app.py` (or `script`) on 127.0.0.1:`port` without a browser, file watcher or usage
    statistics (optionally under a sub-path such as "convviz")."""
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
    return command + (["--server.baseUrlPath", base_url_path] if base_url_path else [])


def wait_healthy(health_url: str, proc: subprocess.Popen, timeout: float) -> bool:
    """Poll `health_url` until it answers 200 (True), or `proc` exits or `timeout` s pass (False).
    The first start imports torch and plotly: seconds on 2 cores."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(health_url, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.2)


@contextmanager
def serving(port: int, command: list[str], log_path, *, cwd=ROOT, env=None, timeout: float = 90.0, name="streamlit"):
    """Run `command` (a server on 127.0.0.1:`port`, output to `log_path`) until it answers its health check;
    yield its ServerURL (`.pid` is the process); stop it afterwards."""
    log = open(log_path, "w")
    proc = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    url = ServerURL(f"http://127.0.0.1:{port}")
    url.pid = proc.pid
    try:
        if not wait_healthy(f"{url}/_stcore/health", proc, timeout):
            raise RuntimeError(f"{name} did not start; see {log.name}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def running_app(timeout: float = 90.0, log_path=None):
    """Yield the base URL (a ServerURL) of a fresh app server; stop it afterwards.

    The server's output goes to log_path (default: .streamlit-test-server.log in the repository)."""
    port = free_port()
    with serving(port, app_command(port), log_path or ROOT / ".streamlit-test-server.log", timeout=timeout) as url:
        yield url


def launch_chromium(playwright):
    """Debian's Chromium, headless, with the flags this machine's closed network needs."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def wait_for_app(page, timeout: float = 60_000, *, network_idle: bool = True) -> None:
    """Wait until the script has finished its run and nothing is left as a placeholder
    (never a fixed sleep): streamlit draws grey skeletons for elements it has not received yet. Then, unless
    `network_idle` is False, until no request has been made for half a second (pictures loaded). A page that keeps
    working on its own (an autoplay: a step, a run and a link every 0.5 s) may never be quiet that long: pass False."""
    # On a cold server the app first reports notRunning with an empty page (the navigation's run, before the
    # page's own): wait for a finished run that drew something into the main block.
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"
        " && document.querySelector('[data-testid=stMain] [data-testid=stElementContainer]') !== null",
        timeout=timeout)
    # A lesson's first visit stops after its figure until the browser has drawn it (convviz.ui.widgets.figure_gate):
    # wait for the gate to open and the run it starts to finish.
    page.wait_for_function(
        "() => { const gate = document.querySelector('.st-key-figure_gate');"
        " return (!gate || !!gate.querySelector('[data-convviz-gate=open]'))"
        " && document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'; }",
        timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid^=stSkeleton]')", timeout=timeout)
    if network_idle:
        page.wait_for_load_state("networkidle")
