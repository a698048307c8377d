"""End to end in a real headless Chromium (Debian's package): load Explore, change a field,
see the ranking change, and save a screenshot for a person to look at."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("CI needs Debian's chromium for the browser test (.ci/run installs it)",
                    pytrace=False)
    pytest.skip("chromium is not installed", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"),
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the Streamlit server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


SETTLED = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')"""


def _settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished the rerun (no running widget, no stale elements)."""
    page.wait_for_timeout(400)
    page.wait_for_function(SETTLED, timeout=60_000)
    page.wait_for_timeout(400)


def _page(browser, app_url: str, height: int) -> tuple[object, list[str]]:  # type: ignore[no-untyped-def]
    """A new page that records every request leaving the app's own address."""
    page = browser.new_page(viewport={"width": 1400, "height": height})
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith((app_url, "data:", "blob:")) else None)
    return page, outside


def _leader(page) -> str:  # type: ignore[no-untyped-def]
    element = page.get_by_text("Leading cause:").first
    element.wait_for(timeout=60_000)
    return str(element.inner_text())


def test_explore_ranking_changes_in_a_real_browser(app_url: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page, outside = _page(browser, app_url, 1600)
        page.goto(app_url, wait_until="networkidle")
        page.get_by_text("Educational use only").first.wait_for(timeout=60_000)
        before = _leader(page)
        _settle(page)
        page.screenshot(path=str(ARTIFACTS / "explore-before.png"), full_page=True)

        age = page.get_by_role("spinbutton", name="Age (years)")
        age.fill("68")
        age.press("Enter")
        _settle(page)
        page.get_by_role("combobox", name="T1 signal", exact=True).click()
        page.get_by_role("option", name="hypointense", exact=True).click()
        _settle(page)
        page.get_by_role("combobox", name="T1 compared with a normal disc", exact=True).click()
        page.get_by_role("option", name="darker", exact=True).click()
        _settle(page)
        page.get_by_role("combobox", name="Distribution", exact=True).click()
        page.get_by_role("option", name="multifocal", exact=True).click()
        _settle(page)
        after = _leader(page)
        page.screenshot(path=str(ARTIFACTS / "explore-after.png"), full_page=True)
        browser.close()
    assert "Leading cause" in before and "Leading cause" in after
    assert before != after, "changing T1 and the pattern should change the leading cause"
    assert (ARTIFACTS / "explore-after.png").stat().st_size > 10_000
    assert outside == [], f"requests left the machine: {outside}"


def test_a_practice_round_with_a_wrong_answer_and_the_progress_page(app_url: str) -> None:
    """A trainee signs in with a handle, answers wrongly, sees the feedback, then their progress."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page, outside = _page(browser, app_url, 1800)
        page.goto(f"{app_url}/practice", wait_until="networkidle")
        page.get_by_text("Your task:").first.wait_for(timeout=60_000)
        handle = page.get_by_role("textbox", name="Your name or handle")
        handle.fill("browser-trainee")
        handle.press("Enter")
        _settle(page)
        page.get_by_role("button", name="Start").click()
        _settle(page)
        page.screenshot(path=str(ARTIFACTS / "practice-case.png"), full_page=True)
        page.get_by_role("combobox", name="Choice 1", exact=True).click()
        page.keyboard.type("Paget")
        page.get_by_role("option", name="Paget disease of bone", exact=True).click()
        _settle(page)
        page.get_by_role("button", name="Commit my answer").click()
        _settle(page)
        feedback = page.get_by_text("points. The answer:").first
        feedback.wait_for(timeout=60_000)
        text = feedback.inner_text()
        page.screenshot(path=str(ARTIFACTS / "practice-feedback.png"), full_page=True)

        page.goto(f"{app_url}/progress", wait_until="networkidle")
        page.get_by_text("My progress").first.wait_for(timeout=60_000)
        box = page.get_by_role("textbox", name="Your name or handle")
        box.fill("browser-trainee")
        box.press("Enter")
        _settle(page)
        page.get_by_text("Weakest causes first").first.wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "progress.png"), full_page=True)
        exceptions = page.locator('[data-testid="stException"]').count()
        browser.close()
    assert "points. The answer:" in text
    assert exceptions == 0
    assert outside == [], f"requests left the machine: {outside}"
