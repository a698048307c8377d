"""Trainee progress in a real database: SQLite always, PostgreSQL when a server is installed.

The PostgreSQL server is real (initdb + pg_ctl in a temp folder, started by the fixture);
.ci/run installs Debian's postgresql package, so CI runs both.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from engine.progress import HandleError, ProgressStore, check_handle
from tests.pg_server import binaries, postgres_server

WRITES = 40


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if binaries() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL tests: .ci/run installs postgresql")
        pytest.skip("no PostgreSQL server installed (apt-get install postgresql)")
    with postgres_server(tmp_path_factory.mktemp("pg")) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'progress.sqlite'}"
        return
    url: str = request.getfixturevalue("postgres_url")
    yield url
    store = ProgressStore(url)  # leave the shared server empty for the next test
    with store.engine.begin() as connection:
        connection.execute(text("TRUNCATE attempts, trainees, assignments RESTART IDENTITY CASCADE"))
    store.close()


def _attempt(store: ProgressStore, handle: str, case_id: str, points: int = 3) -> int:
    return store.record(handle, case_id=case_id, origin="library", expected="multiple_myeloma",
                        category="neoplastic", answer=["multiple_myeloma", "bone_metastasis"],
                        position=1 if points == 3 else None, points=points, max_points=3,
                        missed_must_not_miss=[] if points else ["multiple_myeloma"])


def test_attempts_survive_closing_and_coming_back(db_url: str) -> None:
    store = ProgressStore(db_url)
    _attempt(store, "alice", "c-1")
    _attempt(store, "alice", "c-2", points=0)
    store.close()
    again = ProgressStore(db_url)  # a new visit, a new process in real life
    rows = again.attempts("alice")
    assert [(r.case_id, r.points, r.correct) for r in rows] == [("c-1", 3, True), ("c-2", 0, False)]
    assert rows[1].missed_must_not_miss == ("multiple_myeloma",)
    assert rows[0].answer == ("multiple_myeloma", "bone_metastasis")
    assert rows[0].created_at.tzinfo is not None
    assert again.trainees() == ["alice"]
    again.close()


def test_the_schema_comes_from_alembic_and_upgrading_twice_is_harmless(db_url: str) -> None:
    ProgressStore(db_url).close()
    store = ProgressStore(db_url)
    tables = set(inspect(store.engine).get_table_names())
    assert {"trainees", "attempts", "assignments", "alembic_version"} <= tables
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001_progress"
    store.close()


def test_handles_are_checked_with_a_clear_message() -> None:
    assert check_handle("  Dr. A-1 ") == "Dr. A-1"
    for bad in ("", "   ", "<script>", "x" * 41, "robert'); drop"):
        with pytest.raises(HandleError, match=r"handle: .* is not allowed; use 1-40 letters"):
            check_handle(bad)


def test_csv_export_has_one_row_per_attempt(db_url: str) -> None:
    store = ProgressStore(db_url)
    _attempt(store, "alice", "c-1")
    _attempt(store, "bob", "c-1", points=0)
    out = io.StringIO()
    assert store.export_csv(out) == 2
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("trainee,time_utc,case_id")
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["alice", "bob"]
    store.close()


def test_assignments_are_stored_by_name(db_url: str) -> None:
    store = ProgressStore(db_url)
    store.add_assignment("week 1", [{"id": "a"}])
    store.add_assignment("week 1", [{"id": "a"}, {"id": "b"}])
    assert store.assignments() == {"week 1": [{"id": "a"}, {"id": "b"}]}
    store.close()


def _writer(url: str, handle: str, start: multiprocessing.synchronize.Event) -> None:
    store = ProgressStore(url)
    start.wait(10)
    for n in range(WRITES):
        _attempt(store, handle, f"case-{n}")
    store.close()


def test_two_processes_writing_at_once_both_keep_every_attempt(db_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_writer, args=(db_url, name, start)) for name in ("ana", "ben")]
    for worker in workers:
        worker.start()
    time.sleep(1.0)
    start.set()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    store = ProgressStore(db_url)
    assert len(store.attempts("ana")) == WRITES and len(store.attempts("ben")) == WRITES
    store.close()


def _endless_writer(url: str, ready: multiprocessing.synchronize.Event) -> None:
    store = ProgressStore(url)
    n = 0
    while True:
        _attempt(store, "crash", f"case-{n}")
        n += 1
        if n == 10:
            ready.set()


def test_a_writer_killed_mid_stream_loses_no_committed_attempt(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'progress.sqlite'}"
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    worker = context.Process(target=_endless_writer, args=(url, ready))
    worker.start()
    assert ready.wait(60)
    time.sleep(0.2)
    os.kill(worker.pid, signal.SIGKILL)
    worker.join(10)
    with sqlite3.connect(tmp_path / "progress.sqlite") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = ProgressStore(url)
    case_numbers = sorted(int(r.case_id.split("-")[1]) for r in store.attempts("crash"))
    assert len(case_numbers) >= 10
    assert case_numbers == list(range(len(case_numbers)))  # no committed attempt is missing
    store.close()


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MARROWDX_HOME": str(home)}
    env.pop("MARROWDX_DB", None)
    return subprocess.run([sys.executable, "-m", "engine.cli", "progress", *args],
                          capture_output=True, text=True, env=env)


def test_the_command_line_exports_a_group_and_imports_an_assignment(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLES

    store = ProgressStore(f"sqlite:///{tmp_path / 'progress.sqlite'}")
    _attempt(store, "alice", "c-1")
    store.close()
    out = tmp_path / "group.csv"
    done = _cli("export", "-o", str(out), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert out.read_text().splitlines()[1].startswith("alice,")
    ok = _cli("assign", "week 1", str(EXAMPLES / "example-myeloma.yaml"), home=tmp_path)
    assert ok.returncode == 0 and "1 case(s) stored" in ok.stderr
    bad = _cli("assign", "week 2", str(EXAMPLES), home=tmp_path)
    assert bad.returncode == 2 and "invalid-t1.yaml:findings.t1" in bad.stderr and not bad.stdout
    assert "week 2" not in ProgressStore(f"sqlite:///{tmp_path / 'progress.sqlite'}").assignments()


def test_bad_database_urls_and_handles_exit_2_with_the_field_named(tmp_path: Path) -> None:
    bad_db = _cli("export", "--db", "nonsense://x", home=tmp_path)
    assert bad_db.returncode == 2 and bad_db.stderr.startswith("--db: ")
    bad_handle = _cli("export", "--trainee", "<x>", home=tmp_path)
    assert bad_handle.returncode == 2 and bad_handle.stderr.startswith("--trainee: handle:")
