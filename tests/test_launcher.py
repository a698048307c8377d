"""The teaching-room launcher: two app processes behind a real nginx, sticky per browser,
health on /_stcore/health, and a practice round through the proxy that lands in a real
PostgreSQL server."""

from __future__ import annotations

import os
import re
import urllib.request
from pathlib import Path

import pytest

from tests import pg_server
from ui.launch import Room, main, nginx_binary


def test_several_processes_refuse_to_start_without_a_shared_database(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MARROWDX_DB", raising=False)
    assert main(["--processes", "2", "--port", "0"]) == 2
    assert "--db" in capsys.readouterr().err


def _needs(found: object, what: str) -> None:
    if not found:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs {what} (.ci/run installs it)", pytrace=False)
        pytest.skip(f"{what} is not installed")


def _get(url: str, cookie: str | None = None) -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return reply.headers["X-MarrowDx-Upstream"], reply.headers["Set-Cookie"].split(";")[0]


def test_a_practice_round_through_the_proxy_lands_in_postgresql(tmp_path: Path) -> None:
    _needs(nginx_binary(), "Debian's nginx")
    _needs(pg_server.binaries(), "Debian's postgresql")
    from tests.test_browser import ARTIFACTS, CHROMIUM, FLAGS, _open, _page, practice_round

    _needs(CHROMIUM, "Debian's chromium")
    from playwright.sync_api import sync_playwright
    from sqlalchemy import create_engine, text

    with pg_server.postgres_server(tmp_path / "pg") as db, Room(2, db=db, run_dir=tmp_path / "room") as room:
        with urllib.request.urlopen(f"{room.url}/_stcore/health", timeout=10) as reply:
            assert reply.status == 200
        first = {_get(f"{room.url}/")[0] for _ in range(16)}
        assert len(first) == 2, "fresh browsers are spread over both processes"
        upstream, cookie = _get(f"{room.url}/")
        assert {_get(f"{room.url}/", cookie)[0] for _ in range(8)} == {upstream}, "sticky"
        with urllib.request.urlopen(f"{room.url}/", timeout=10) as reply:
            script = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', reply.read().decode())
        assert script, "the app page names its script"
        request = urllib.request.Request(f"{room.url}/{script.group(1)}", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            assert reply.headers["Content-Encoding"] == "gzip", "static files are compressed"

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            page, outside = _page(browser, room.url, 1800)
            page.goto(room.url, wait_until="networkidle")
            page.get_by_text("Leading cause:").first.wait_for(timeout=60_000)
            _open(page, "Practice")
            practice_round(page, "room-trainee")
            page.screenshot(path=str(ARTIFACTS / "room-practice-feedback.png"), full_page=True)
            browser.close()
        assert outside == []
        engine = create_engine(db)
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT a.case_id, a.answer FROM attempts a JOIN trainees t ON t.id = a.trainee_id "
                "WHERE t.handle = 'room-trainee'")).all()
        engine.dispose()
        assert len(rows) == 1 and "paget_disease" in str(rows[0].answer)
