"""A real, throw-away PostgreSQL server for the tests (initdb + pg_ctl in a temp folder).

Found through PATH or Debian's /usr/lib/postgresql/*/bin. As root, PostgreSQL refuses to
run, so the server runs as the 'postgres' account that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ui.launch import free_port


def binaries() -> tuple[str, str] | None:
    """(initdb, pg_ctl), or None when no PostgreSQL server is installed."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not (initdb and pg_ctl):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            return None
        initdb, pg_ctl = found[-1], str(Path(found[-1]).with_name("pg_ctl"))
    return initdb, pg_ctl


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def postgres_server(folder: Path) -> Iterator[str]:
    """Start a server on a free loopback port; yield its URL; stop it afterwards."""
    found = binaries()
    assert found is not None, "no PostgreSQL server installed"
    initdb, pg_ctl = found
    folder.mkdir(parents=True, exist_ok=True)
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
        folder.chmod(0o755)
        for parent in folder.parents:  # the server account must reach its folder
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o011)
    subprocess.run(_as_server_user([initdb, "-D", str(data), "-U", "postgres", "--auth=trust",
                                    "--no-sync"]), check=True, capture_output=True)
    port = free_port()
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-o", options, "-w", "-l",
                                    str(folder / "server.log"), "start"]),
                   check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"]),
                       capture_output=True)
