"""Load test of a teaching room: recorded trainee sessions replayed without browsers.

`uv run python bench/load.py [--readme] [--json]` starts a throw-away PostgreSQL server and
the launcher (ui/launch.py: nginx in front of 1 or 2 app processes) on loopback only, then
replays bench/sessions/trainee.json (open Explore, change age and T1, load a preset, open
Practice, sign in, start, choose, commit) for 10, 20 and 30 simulated trainees at once.
Each trainee takes the sticky cookie from the proxy, opens the app's websocket, sends each
recorded message, and waits for the server's "script finished" before a one-second pause.
Each trainee signs in with its own handle, chosen so that it is dealt the recorded case.
Reports p50/p95/max per action, server CPU (cores) and memory. Everything is bounded: at
most 60 s per action and 10 minutes per scenario. Timing lives here, never in the tests.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SESSION = ROOT / "bench" / "sessions" / "trainee.json"
THINK_S = 1.0
ACTION_TIMEOUT_S = 60.0
SCENARIO_TIMEOUT_S = 600.0
TARGETS = {(2, 20): 2.0, (2, 30): 5.0}  # p95 seconds, from the teaching-room issue


def _messages() -> tuple[str, list[tuple[str, bytes]]]:
    recorded = json.loads(SESSION.read_text())
    return recorded["handle"], [(f["action"], base64.b64decode(f["data"])) for f in recorded["frames"]]


def _handles(count: int, recorded_handle: str, run: str) -> list[str]:
    """Handles that are dealt the recorded case first (the practice order is seeded by handle)."""
    from engine.practice import shuffled
    from ui.marrowdx_ui import CASES_DIR, _library

    pool = [i for i, c in _library(CASES_DIR).items() if c.expected is not None]
    target = shuffled(pool, seed=recorded_handle)[0]
    found: list[str] = []
    candidate = 0
    while len(found) < count and candidate < 1_000_000:
        handle = f"load-{run}-{candidate}"
        if shuffled(pool, seed=handle)[0] == target:
            found.append(handle)
        candidate += 1
    return found


def _with_handle(data: bytes, handle: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    message = BackMsg()
    message.ParseFromString(data)
    if message.WhichOneof("type") == "rerun_script":
        for widget in message.rerun_script.widget_states.widgets:
            if widget.id.endswith("-practice_handle"):
                widget.string_value = handle
    return message.SerializeToString()


async def _trainee(url: str, handle: str, messages: list[tuple[str, bytes]],
                   timings: dict[str, list[float]], failures: list[str]) -> None:
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    reply = await asyncio.to_thread(urllib.request.urlopen, f"{url}/", None, 30)
    cookie = reply.headers["Set-Cookie"].split(";")[0]
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(stream, subprotocols=["streamlit"], additional_headers={"Cookie": cookie},
                                  max_size=None, open_timeout=30) as socket:
        for action, data in messages:
            started = time.perf_counter()
            await socket.send(_with_handle(data, handle))
            try:
                async with asyncio.timeout(ACTION_TIMEOUT_S):
                    while True:
                        message = ForwardMsg()
                        message.ParseFromString(await socket.recv())
                        if (message.WhichOneof("type") == "script_finished"
                                and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
                            break  # a run cut short by st.rerun() is followed by the real one
            except TimeoutError:
                failures.append(f"{handle}: {action} timed out")
                return
            timings.setdefault(action, []).append(time.perf_counter() - started)
            await asyncio.sleep(THINK_S)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _scenario(url: str, count: int, messages: list[tuple[str, bytes]],
                    handles: list[str]) -> tuple[dict[str, list[float]], list[str], float]:
    timings: dict[str, list[float]] = {}
    failures: list[str] = []
    started = time.perf_counter()

    async def staggered(index: int) -> None:
        await asyncio.sleep(2.0 * index / count)  # trainees arrive over two seconds
        await _trainee(url, handles[index], messages, timings, failures)

    async with asyncio.timeout(SCENARIO_TIMEOUT_S):
        await asyncio.gather(*(staggered(i) for i in range(count)), return_exceptions=False)
    return timings, failures, time.perf_counter() - started


def _rerun_cpu(room: Any, messages: list[tuple[str, bytes]]) -> float:
    """Server CPU seconds per Explore rerun: one trainee, one process, age and T1 changes."""
    explore = [m for m in messages if m[0] in {"open Explore", "change age", "change T1"}]
    pid = room.app_pids()[0]
    before = _cpu_seconds(pid)
    rounds = 10

    async def run() -> None:
        for _ in range(rounds):
            await _trainee(room.url, "load-calibration", explore, {}, [])

    asyncio.run(run())
    return (_cpu_seconds(pid) - before) / (rounds * len(explore))


def main() -> None:
    from tests.pg_server import postgres_server
    from ui.launch import Room

    recorded_handle, messages = _messages()
    results: list[dict[str, Any]] = []
    lines: list[str] = []
    rerun_cpu = None
    with tempfile.TemporaryDirectory() as scratch, postgres_server(Path(scratch) / "pg") as db:
        for processes in (1, 2):
            with Room(processes, db=db, run_dir=Path(scratch) / f"room-{processes}") as room:
                if processes == 1:
                    rerun_cpu = _rerun_cpu(room, messages)
                for count in (10, 20, 30):
                    handles = _handles(count, recorded_handle, f"{processes}x{count}")
                    pids = room.app_pids()
                    cpu_before = sum(_cpu_seconds(p) for p in pids)
                    timings, failures, wall = asyncio.run(_scenario(room.url, count, messages, handles))
                    cpu = (sum(_cpu_seconds(p) for p in pids) - cpu_before) / wall
                    memory = sum(_rss_mb(p) for p in pids)
                    every = [t for values in timings.values() for t in values]
                    row = {
                        "processes": processes, "trainees": count,
                        "p50_s": round(statistics.median(every), 3) if every else None,
                        "p95_s": round(_pct(every, 0.95), 3) if every else None,
                        "max_s": round(max(every), 3) if every else None,
                        "server_cpu_cores": round(cpu, 2), "memory_mb": round(memory),
                        "failures": len(failures),
                        "per_action": {a: {"p50_s": round(statistics.median(v), 3),
                                           "p95_s": round(_pct(v, 0.95), 3), "max_s": round(max(v), 3)}
                                       for a, v in timings.items()},
                    }
                    results.append(row)
                    print(json.dumps(row), flush=True)
    header = ("| app processes | trainees | p50 | p95 | max | server CPU | memory | target (p95) |\n"
              "|---|---|---|---|---|---|---|---|")
    for row in results:
        target = TARGETS.get((row["processes"], row["trainees"]))
        lines.append(f"| {row['processes']} | {row['trainees']} | {row['p50_s']:.2f} s | {row['p95_s']:.2f} s"
                     f" | {row['max_s']:.2f} s | {row['server_cpu_cores']:.2f} cores | {row['memory_mb']} MB"
                     f" | {'<= ' + str(target) + ' s' if target else ''} |")
    cpu_line = (f"Server CPU per Explore rerun (one trainee, one process): {rerun_cpu * 1000:.0f} ms "
                "(target <= 100 ms).")
    table = "\n".join([cpu_line, "", header, *lines])
    print(table)
    if "--readme" in sys.argv:
        from bench.readme_block import write_block

        write_block("load", table)
    if "--json" in sys.argv:
        print(json.dumps({"rerun_cpu_ms": round(rerun_cpu * 1000, 1), "scenarios": results}))


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
