"""deploy/class_server.py (issue 26): the HAProxy configuration it writes, the message without HAProxy,
and (browser) two replicas behind HAProxy: students spread and sticky, a killed replica costs one
reload and keeps the view in the link, SIGTERM leaves nothing behind."""

import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from convviz.testing.serve import free_port, wait_for_app

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "class_server.py"
_spec = importlib.util.spec_from_file_location("class_server", SCRIPT)
class_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(class_server)

HAPROXY = class_server.find_haproxy()


def test_config_is_sticky_by_cookie_with_health_checks_and_long_websocket_timeouts():
    cfg = class_server.haproxy_config(8080, [("r1", 9001), ("r2", 9002)], "/convviz/", "127.0.0.1")
    assert "bind 127.0.0.1:8080" in cfg
    assert "cookie CONVVIZ_REPLICA insert" in cfg and "balance source" not in cfg       # a cookie, not the IP
    assert "server r1 127.0.0.1:9001 cookie r1 check" in cfg and "server r2 127.0.0.1:9002 cookie r2 check" in cfg
    assert "option httpchk GET /convviz/_stcore/health" in cfg
    assert re.search(r"inter 500ms .*fall 2", cfg)                                        # out within ~1.5 s
    assert "timeout tunnel 1h" in cfg and "option redispatch" in cfg and "timeout check 5s" in cfg  # busy ≠ dead
    assert "http-response set-header X-ConvViz-Replica %[srv_name]" in cfg
    root = class_server.haproxy_config(8080, [("r1", 9001)])
    assert "option httpchk GET /_stcore/health" in root and "bind 0.0.0.0:8080" in root


@pytest.mark.skipif(HAPROXY is None, reason="haproxy is not installed")
def test_haproxy_accepts_the_config(tmp_path):
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(class_server.haproxy_config(free_port(), [("r1", 9001), ("r2", 9002), ("r3", 9003)], "convviz"))
    check = subprocess.run([HAPROXY, "-c", "-f", str(cfg)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_without_haproxy_it_says_how_to_install_it_and_exits_non_zero(tmp_path):
    assert class_server.find_haproxy(path=str(tmp_path)) is None
    run = subprocess.run([sys.executable, str(SCRIPT), "--replicas", "2", "--port", str(free_port()),
                          "--haproxy", str(tmp_path / "haproxy")], capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert "apt-get install -y haproxy" in run.stderr
    assert "replica" not in run.stdout                                  # nothing was started


# --- Browser: the launcher with two replicas ---------------------------------------------------------

def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class Launcher:
    """deploy/class_server.py in a subprocess; its stdout lines are collected by a thread, which wakes `wait_for`
    at each new line and when the launcher's output ends."""

    def __init__(self, replicas: int, log_dir: Path):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--replicas", str(replicas), "--port", str(self.port),
             "--address", "127.0.0.1", "--log-dir", str(log_dir)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
        self.lines: list[str] = []
        self.ended = False
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.ended = True
            self.changed.notify_all()

    def wait_for(self, pattern: str, timeout: float) -> re.Match:
        found = lambda: next((m for line in self.lines if (m := re.search(pattern, line))), None)  # noqa: E731
        with self.changed:
            if not self.changed.wait_for(lambda: found() or self.ended, timeout):
                raise AssertionError(f"no line like {pattern!r} in {timeout} s: {self.lines}")
            assert found(), f"the launcher exited: {self.lines}"
            return found()

    def replicas(self) -> dict[str, tuple[int, int]]:
        """name -> (pid, port), the latest line for each name."""
        found = {}
        for line in self.lines:
            if m := re.match(r"replica (\S+) pid (\d+) port (\d+)", line):
                found[m[1]] = (int(m[2]), int(m[3]))
        return found


@pytest.mark.browser
def test_two_replicas_behind_haproxy_sticky_survive_a_crash_and_stop_cleanly(browser, tmp_path):
    if HAPROXY is None:
        message = "haproxy is missing: apt-get install -y haproxy"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI installs it)")
        pytest.skip(message)
    launcher = Launcher(2, tmp_path)
    contexts = []
    try:
        url = launcher.wait_for(r"^(http://127\.0\.0\.1:\d+/)", 240)[1]
        replicas = launcher.replicas()
        assert sorted(replicas) == ["r1", "r2"]
        link = url + "convolution?sh=2"

        def visit(page, reload=False, timeout=120_000):
            response = page.reload(timeout=timeout) if reload else page.goto(link, timeout=timeout)
            try:
                wait_for_app(page, timeout=timeout)
            except Exception as error:                          # say where it stood: page, replica, launcher
                state = page.evaluate("() => [document.querySelector('[data-testid=stApp]')"
                                      "?.getAttribute('data-test-script-state'), document.body.innerText.slice(0, 300)]")
                raise AssertionError(f"{error}; served by {response.headers.get('x-convviz-replica')}; page {state}; "
                                     f"launcher: {launcher.lines[-8:]}") from None
            assert page.get_by_label("Stride (height)", exact=True).input_value() == "2"    # the view, from the link
            return response.headers["x-convviz-replica"]

        served = {}
        for n in range(4):                                      # four students open the lecturer's link (round robin)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            contexts.append(context)
            served[n] = (page, visit(page))
            cookie = {c["name"]: c["value"] for c in context.cookies()}["CONVVIZ_REPLICA"]
            assert cookie == served[n][1]
        assert sorted({name for _, name in served.values()}) == ["r1", "r2"], served   # spread over both
        for page, name in served.values():                      # reloads stay on their replica
            assert visit(page, reload=True) == name

        dead_pid = replicas["r1"][0]
        os.kill(dead_pid, signal.SIGKILL)                       # r1 crashes
        for page, name in served.values():
            if name == "r1":                                    # its students reload: same view, a live replica
                assert visit(page, reload=True, timeout=240_000) in ("r1", "r2")     # (a restarted r1 starts cold)
        launcher.wait_for(r"^replica r1 pid (?!%d )\d+ port %d" % (dead_pid, replicas["r1"][1]), 30)  # restarted
        for page, name in served.values():
            if name == "r2":                                    # r2's students never noticed
                assert visit(page, reload=True) == "r2"

        pids = [pid for pid, _ in launcher.replicas().values()] + _children(launcher.proc.pid)
        ports = [port for _, port in launcher.replicas().values()] + [launcher.port]
        assert len(set(pids)) == 3                               # two replicas and HAProxy
        launcher.proc.send_signal(signal.SIGTERM)
        assert launcher.proc.wait(60) == 0
        assert not [pid for pid in pids if _alive(pid)], "a process outlived SIGTERM"
        assert not [port for port in ports if _listening(port)], "a port is still listening"
    finally:
        for context in contexts:
            context.close()
        if launcher.proc.poll() is None:
            launcher.proc.kill()
            launcher.proc.wait()
