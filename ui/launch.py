"""Run a teaching room: N app processes behind nginx, sticky per browser, on one port.

    uv run python -m ui.launch --processes 2 --port 8501 --db postgresql://user@host/db

Python runs one core per process, so a room of 20-30 trainees needs several app
processes. Each is `python -m ui.serve` (compiled and warmed before it accepts anyone) on
a loopback port; nginx (Debian's package) listens on ``--port`` and forwards HTTP and the
app's websocket. Routing is sticky: nginx hashes a ``marrowdx_route`` cookie it sets on the
first response, so every request of one browser session reaches the process that holds
the session. Health: each process and the proxy answer ``/_stcore/health``. With more
than one process the trainees' progress must go to a shared PostgreSQL database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO

EXIT_INPUT = 2
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {run}/tmp/body;
    proxy_temp_path {run}/tmp/proxy;
    fastcgi_temp_path {run}/tmp/fastcgi;
    uwsgi_temp_path {run}/tmp/uwsgi;
    scgi_temp_path {run}/tmp/scgi;
    gzip on;
    gzip_proxied any;
    gzip_min_length 1024;
    gzip_types text/css application/javascript text/javascript application/json image/svg+xml text/plain;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    # sticky sessions: a browser without the cookie gets a fresh key, and keeps it
    map $cookie_marrowdx_route $marrowdx_route {{ "" $request_id; default $cookie_marrowdx_route; }}
    upstream marrowdx {{
        hash $marrowdx_route consistent;
{servers}
    }}
    server {{
        listen {host}:{port};
        location / {{
            proxy_pass http://marrowdx;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            add_header Set-Cookie "marrowdx_route=$marrowdx_route; Path=/; HttpOnly; SameSite=Lax" always;
            add_header X-MarrowDx-Upstream $upstream_addr always;
        }}
    }}
}}
"""


class LaunchError(Exception):
    """The room cannot start as asked (bad options, no nginx, a process that never came up)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(url: str, timeout: float = 120.0) -> bool:
    """Wait until ``url/_stcore/health`` answers 200, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def app_process(port: int, env: dict[str, str], output: IO[bytes] | int = subprocess.DEVNULL,
                ) -> subprocess.Popen[bytes]:
    """One app process on loopback: ``python -m ui.serve`` (compiled and warmed before it
    listens), its output and errors to ``output``."""
    return subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=Path(__file__).resolve().parent.parent, env=env, stdout=output,
        stderr=subprocess.STDOUT)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)


class Room:
    """N app processes and nginx in front; a context manager that stops them all."""

    def __init__(self, processes: int = 2, port: int | None = None, db: str | None = None,
                 run_dir: Path | None = None, host: str = "127.0.0.1") -> None:
        if processes < 1:
            raise LaunchError("--processes: must be 1 or more")
        db = db or os.environ.get("MARROWDX_DB")
        if processes > 1 and not (db and db.startswith("postgresql")):
            raise LaunchError("--db: several app processes need one shared PostgreSQL database "
                              "(postgresql://...); a SQLite file is for a single process")
        self.nginx = nginx_binary()
        if self.nginx is None:
            raise LaunchError("nginx is not installed (Debian: apt-get install nginx)")
        self.count, self.db, self.host = processes, db, host
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.backends = [free_port() for _ in range(processes)]
        self.run_dir = run_dir or Path(tempfile.mkdtemp(prefix="marrowdx-room-"))
        self.children: list[subprocess.Popen[bytes]] = []

    def start(self) -> Room:
        env = dict(os.environ)
        if self.db:
            env["MARROWDX_DB"] = self.db
        logs = self.run_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        for index, backend in enumerate(self.backends):
            self.children.append(app_process(backend, env, (logs / f"app-{index}.log").open("wb")))
        for index, backend in enumerate(self.backends):
            if not healthy(f"http://127.0.0.1:{backend}"):
                self.stop()
                raise LaunchError(f"app process {index} did not become healthy; see {logs}")
        self._start_nginx()
        if not healthy(self.url, timeout=30):
            self.stop()
            raise LaunchError(f"nginx did not answer on {self.url}; see {self.run_dir}/error.log")
        return self

    def _start_nginx(self) -> None:
        self.run_dir.chmod(0o755)
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            folder = self.run_dir / "tmp" / name
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o777)  # nginx workers may run as an unprivileged user
        servers = "\n".join(f"        server 127.0.0.1:{b} max_fails=3 fail_timeout=10s;"
                            for b in self.backends)
        conf = self.run_dir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(run=self.run_dir, servers=servers, port=self.port,
                                          host=self.host))
        assert self.nginx is not None
        self.children.append(subprocess.Popen(
            [self.nginx, "-p", str(self.run_dir), "-c", str(conf)],
            stdout=subprocess.DEVNULL, stderr=(self.run_dir / "nginx.out").open("wb")))

    def app_pids(self) -> list[int]:
        return [child.pid for child in self.children[: self.count]]

    def stop(self) -> None:
        for child in reversed(self.children):
            if child.poll() is None:
                child.terminate()
        for child in self.children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        self.children = []

    def __enter__(self) -> Room:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.launch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="the proxy's port (default 8501)")
    parser.add_argument("--db", help="progress database URL (default: MARROWDX_DB)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address nginx listens on (default 127.0.0.1; 0.0.0.0 for a room network)")
    args = parser.parse_args(argv)
    try:
        room = Room(args.processes, args.port, args.db, host=args.host).start()
    except LaunchError as error:
        print(f"marrowdx launch: {error}", file=sys.stderr)
        return EXIT_INPUT
    print(f"MarrowDx teaching room on {room.url} ({room.count} app processes behind nginx); "
          "Ctrl+C stops it. Educational use only.", flush=True)
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not stopping and all(child.poll() is None for child in room.children):
            time.sleep(0.5)
    finally:
        room.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
