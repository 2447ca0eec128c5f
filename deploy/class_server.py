"""ConvViz for a class: N replicas of the app behind HAProxy, in the foreground (issue 26).

    python deploy/class_server.py --replicas N --port P [--base-url-path PATH]

Starts N `streamlit run app.py` on loopback ports (each with its share of the machine's threads)
and HAProxy in front on P. HAProxy keeps each browser on one replica with a cookie it inserts
(CONVVIZ_REPLICA; not by IP, so a campus NAT still spreads), passes the websocket through with
long timeouts, checks /_stcore/health every 0.5 s (a dead replica is out within about 1.5 s, and
its students are sent to another one) and names the replica that answered in the response
header `X-ConvViz-Replica`. Prints `replica NAME pid PID port PORT` for each replica (again when
a replica that died is restarted), then the URL. SIGTERM or Ctrl-C stops HAProxy and every replica.

A student whose replica dies loses one reload: every view is in its link, and HAProxy sends the
reload to a live replica. An upload is not in the link: the restoration pages say that it must be
uploaded again (convviz.ui.cache.restoration). Each replica has its name in $CONVVIZ_REPLICA.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from convviz.testing.serve import app_command, free_port, wait_healthy  # noqa: E402

COOKIE = "CONVVIZ_REPLICA"
HEADER = "X-ConvViz-Replica"
INSTALL = "HAProxy is not installed: apt-get install -y haproxy (Debian/Ubuntu; prefix sudo if not root)"


def find_haproxy(path: str | None = None) -> str | None:
    """The haproxy executable on `path` (default $PATH), or in /usr/sbin, which a user's PATH may lack."""
    found = shutil.which("haproxy", path=path)
    if found is None and path is None and os.access("/usr/sbin/haproxy", os.X_OK):
        found = "/usr/sbin/haproxy"
    return found


def clean_path(base_url_path: str) -> str:
    """"/convviz/" / "convviz" -> "convviz"; "" -> "" (the site root)."""
    return base_url_path.strip("/")


def haproxy_config(port: int, replicas: list[tuple[str, int]], base_url_path: str = "",
                   address: str = "0.0.0.0") -> str:
    """HAProxy's configuration: `replicas` (name, loopback port) behind `address`:`port`."""
    prefix = f"/{clean_path(base_url_path)}" if clean_path(base_url_path) else ""
    servers = "\n".join(f"    server {name} 127.0.0.1:{p} cookie {name} check" for name, p in replicas)
    return f"""# Written by deploy/class_server.py; regenerated on every start.
global
    maxconn 4096

defaults
    mode http
    option redispatch                      # a dead replica's students go to a live one
    retries 2
    timeout connect 2s
    timeout client 1h                      # an idle student's websocket stays open
    timeout server 1h
    timeout tunnel 1h                      # the websocket, once upgraded
    timeout client-fin 5s
    timeout http-request 30s
    timeout queue 30s
    timeout check 5s                       # a busy replica answers slowly; a dead one refuses at once

frontend convviz
    bind {address}:{port}
    default_backend replicas

backend replicas
    balance roundrobin                     # new students alternate; the cookie keeps them there
    cookie {COOKIE} insert nocache httponly
    option httpchk GET {prefix}/_stcore/health
    http-check expect status 200
    default-server inter 500ms fastinter 500ms downinter 1s fall 2 rise 2 on-marked-down shutdown-sessions
    http-response set-header {HEADER} %[srv_name]
{servers}
"""


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the launcher itself is killed (Linux), so nothing is left behind."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)    # PR_SET_PDEATHSIG
    except OSError:
        pass


class Replica:
    def __init__(self, name: str, port: int, threads: int, base_url_path: str, log_dir: Path):
        self.name, self.port, self.threads, self.base_url_path = name, port, threads, base_url_path
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "CONVVIZ_REPLICA": self.name,
               "OMP_NUM_THREADS": str(self.threads), "MKL_NUM_THREADS": str(self.threads),
               "TORCH_NUM_THREADS": str(self.threads)}      # torch reads OMP_NUM_THREADS for its intra-op pool
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(app_command(self.port, self.base_url_path), cwd=ROOT, env=env, stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True, preexec_fn=_die_with_parent)
        log.close()

    def health_url(self) -> str:
        prefix = f"/{clean_path(self.base_url_path)}" if clean_path(self.base_url_path) else ""
        return f"http://127.0.0.1:{self.port}{prefix}/_stcore/health"

    def announce(self, note: str = "") -> None:
        print(f"replica {self.name} pid {self.proc.pid} port {self.port}{note}", flush=True)


def stop(procs: list[subprocess.Popen], grace: float = 10.0) -> None:
    """SIGTERM every process, wait up to `grace` s, then SIGKILL what is left."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, required=True, help="app processes (one or two per 2 cores)")
    parser.add_argument("--port", type=int, required=True, help="the port students connect to")
    parser.add_argument("--base-url-path", default="", help="serve under a sub-path, e.g. convviz")
    parser.add_argument("--address", default="0.0.0.0", help="where HAProxy listens (default: every interface)")
    parser.add_argument("--haproxy", default=None, help="the haproxy executable (default: found on PATH)")
    parser.add_argument("--log-dir", default=None, help="replica logs and haproxy.cfg (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    haproxy = args.haproxy or find_haproxy()
    if not haproxy or not os.access(haproxy, os.X_OK):
        print(INSTALL, file=sys.stderr)
        return 2

    stopping = []

    def on_signal(signum, frame):
        stopping.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="convviz-class-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    threads = max(1, (os.cpu_count() or 1) // args.replicas)
    replicas = [Replica(f"r{i + 1}", free_port(), threads, args.base_url_path, log_dir) for i in range(args.replicas)]
    haproxy_proc = None
    try:
        for replica in replicas:
            replica.start()
        for replica in replicas:
            if not wait_healthy(replica.health_url(), replica.proc, 180) and not stopping:
                print(f"replica {replica.name} did not start; see {replica.log_path}", file=sys.stderr)
                return 1
        if stopping:
            return 0
        config = log_dir / "haproxy.cfg"
        config.write_text(haproxy_config(args.port, [(r.name, r.port) for r in replicas], args.base_url_path,
                                         args.address))
        haproxy_proc = subprocess.Popen([haproxy, "-db", "-f", str(config)], stdin=subprocess.DEVNULL,
                                        start_new_session=True, preexec_fn=_die_with_parent)
        for replica in replicas:
            replica.announce()
        host = "127.0.0.1" if args.address in ("0.0.0.0", "::") else args.address
        path = f"/{clean_path(args.base_url_path)}/" if clean_path(args.base_url_path) else "/"
        print(f"http://{host}:{args.port}{path}  (HAProxy; logs and config in {log_dir})", flush=True)
        while not stopping:
            time.sleep(0.5)
            if haproxy_proc.poll() is not None:
                if not stopping:
                    print(f"haproxy exited ({haproxy_proc.returncode}); stopping", file=sys.stderr)
                    return 1
                break
            for replica in replicas:
                if replica.proc.poll() is not None and not stopping:   # died: start it again on its port
                    print(f"replica {replica.name} exited ({replica.proc.returncode}); restarting", flush=True)
                    replica.start()
                    replica.announce(" (restarted)")
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop(([haproxy_proc] if haproxy_proc else []) + [r.proc for r in replicas if r.proc])


if __name__ == "__main__":
    sys.exit(main())
