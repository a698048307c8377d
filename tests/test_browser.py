"""End to end in a real headless Chromium (Debian's package): load Explore, change a field,
see the ranking change, and save a screenshot for a person to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from ui.launch import free_port, healthy

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("CI needs Debian's chromium for the browser test (.ci/run installs it)",
                    pytrace=False)
    pytest.skip("chromium is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"),
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not healthy(url, timeout=90):
            pytest.fail("the Streamlit server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module's tests, closed even when a test fails."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


SETTLED = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')
    && !document.querySelector('[data-testid="stSpinner"]')"""


def _settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished the rerun (no running widget, no stale elements)."""
    page.wait_for_timeout(400)
    page.wait_for_function(SETTLED, timeout=60_000)
    page.wait_for_timeout(400)


def _page(browser, app_url: str, height: int, width: int = 1400) -> tuple[object, list[str]]:  # type: ignore[no-untyped-def]
    """A new page that records every request leaving the app's own address."""
    page = browser.new_page(viewport={"width": width, "height": height})
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith((app_url, "data:", "blob:")) else None)
    return page, outside


def _leader(page) -> str:  # type: ignore[no-untyped-def]
    element = page.get_by_text("Leading cause:").first
    element.wait_for(timeout=60_000)
    return str(element.inner_text())


def test_explore_ranking_changes_in_a_real_browser(app_url: str, browser) -> None:
    page, outside = _page(browser, app_url, 2200)
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
    assert "Leading cause" in before and "Leading cause" in after
    assert before != after, "changing T1 and the pattern should change the leading cause"
    assert (ARTIFACTS / "explore-after.png").stat().st_size > 10_000
    assert outside == [], f"requests left the machine: {outside}"


def practice_round(page, handle: str, case_shot: Path | None = None) -> str:  # type: ignore[no-untyped-def]
    """On the Practice page: sign in, start a case, answer Paget disease first and commit;
    return the feedback line (the launcher test plays the same round through nginx)."""
    page.get_by_text("Your task:").first.wait_for(timeout=60_000)
    box = page.get_by_role("textbox", name="Your name or handle")
    box.fill(handle)
    box.press("Enter")
    _settle(page)
    page.get_by_role("button", name="Start").click()
    _settle(page)
    if case_shot is not None:
        page.screenshot(path=str(case_shot), full_page=True)
    _pick(page, "Choice 1", "Paget disease of bone")
    page.get_by_role("button", name="Commit my answer").click()
    _settle(page)
    feedback = page.get_by_text("points. The answer:").first
    feedback.wait_for(timeout=60_000)
    return str(feedback.inner_text())


def test_a_practice_round_with_a_wrong_answer_and_the_progress_page(app_url: str, browser) -> None:
    """A trainee signs in with a handle, answers wrongly, sees the feedback, then their progress."""
    page, outside = _page(browser, app_url, 1800)
    page.goto(f"{app_url}/practice", wait_until="networkidle")
    text = practice_round(page, "browser-trainee", ARTIFACTS / "practice-case.png")
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
    assert "points. The answer:" in text
    assert exceptions == 0
    assert outside == [], f"requests left the machine: {outside}"


PAGES = {  # path: (navigation title, text that shows once the page has finished loading)
    "": ("Explore", "Leading cause:"), "practice": ("Practice", "Your task:"),
    "progress": ("My progress", "My progress"), "group": ("Group", "Group"),
    "teach": ("Teach", "Ranking at this step"), "cases": ("Cases", "cases"),
    "rules": ("Rules", "rules shown")}
CONTRASTING = {  # a spine infection, a long bone with an infarct, salt-and-pepper marrow
    "c-inf-03": "spine-collection", "b2612-ben-07": "long-bone-infarct", "c-mix-08": "variegated"}


def _watched(browser, app_url: str, width: int, height: int):  # type: ignore[no-untyped-def]
    """A page that records outside requests (as their URLs), console errors and uncaught
    page errors in one list of problems."""
    page, problems = _page(browser, app_url, height, width)
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return page, problems


def _open(page, title: str) -> None:  # type: ignore[no-untyped-def]
    """Click a page in the app's top navigation bar."""
    page.locator('[data-testid="stTopNavLink"]').filter(has_text=title).first.click()


def _no_exception_elements(page, where: str) -> None:  # type: ignore[no-untyped-def]
    count = page.locator('[data-testid="stException"]').count()
    assert count == 0, f"{where}: {count} Streamlit exception element(s)"


@pytest.mark.parametrize("width", [1400, 800])
def test_every_page_at_laptop_and_narrow_width(app_url: str, browser, width: int) -> None:
    """Every page loads clean (no exception element, console error or outside request) and
    is screenshotted; at 800 px nothing is wider than the window and Explore stacks."""
    page, problems = _watched(browser, app_url, width, 1000)
    # Open the app once and move by its navigation, as a person does; a direct load of a
    # sub-path makes Streamlit probe <path>/_stcore/* first, which logs 404s by design.
    page.goto(app_url, wait_until="networkidle")
    for path, (title, marker) in PAGES.items():
        _open(page, title)
        page.get_by_text("Educational use only").first.wait_for(timeout=60_000)
        page.get_by_text(marker).first.wait_for(timeout=120_000)
        _settle(page)
        assert page.url.rstrip("/") == f"{app_url}/{path}".rstrip("/"), page.url
        name = path or "explore"
        page.screenshot(path=str(ARTIFACTS / f"page-{name}-{width}.png"), full_page=True)
        _no_exception_elements(page, f"/{path} at {width} px")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"/{path} at {width} px is {overflow} px wider than the window"
        if not path:
            form = page.get_by_text("Ranked differential").first.bounding_box()
            age = page.get_by_role("spinbutton", name="Age (years)").bounding_box()
            assert form and age
            stacked = form["y"] > age["y"] + age["height"]
            assert stacked == (width < 1000), f"Explore at {width} px: stacked={stacked}"
            for button in page.locator('[data-testid="stBaseButton-secondary"]').all():
                fits = button.evaluate("b => b.scrollWidth <= b.clientWidth + 1")
                assert fits, f"a button label is cut at {width} px: {button.inner_text()}"
    assert problems == [], problems


def test_the_schematic_drawing_of_three_contrasting_cases(app_url: str, browser) -> None:
    """Load three unlike curated cases on Explore and screenshot each one's sketch tab."""
    page, problems = _watched(browser, app_url, 1400, 1400)
    page.goto(app_url, wait_until="networkidle")
    page.get_by_text("Educational use only").first.wait_for(timeout=60_000)
    for case_id, name in CONTRASTING.items():
        page.get_by_role("combobox", name="Load a curated case", exact=True).click()
        page.keyboard.type(case_id)
        page.get_by_role("option").first.click()
        page.get_by_role("button", name="Load", exact=True).click()
        _settle(page)
        page.get_by_role("tab", name="Sketch").click()
        _settle(page)
        image = page.locator('[data-testid="stImage"] img').first
        image.wait_for(timeout=60_000)
        box = image.bounding_box()
        assert box and box["width"] > 300, f"{case_id}: the sketch is not shown"
        image.screenshot(path=str(ARTIFACTS / f"sketch-{name}.png"))
        assert "not an image of the patient" in page.inner_text("body")
        _no_exception_elements(page, case_id)
    assert problems == [], problems


def _pick(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("combobox", name=label, exact=True).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    _settle(page)


def test_rules_filter_and_chart_heights_in_a_real_browser(app_url: str, browser) -> None:
    """The Rules page finds myeloma rules that read diffusion through a derived fact, and the
    differential chart gives every cause its own row (about 30 px each, labels apart)."""
    import re

    page, problems = _watched(browser, app_url, 1400, 1400)
    page.goto(app_url, wait_until="networkidle")
    page.get_by_text("Leading cause:").first.wait_for(timeout=60_000)
    _settle(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first.bounding_box()
    assert chart and chart["height"] >= 10 * 25, f"ten causes squeezed into {chart}"
    _open(page, "Rules")
    page.get_by_text("rules shown").first.wait_for(timeout=120_000)
    _settle(page)
    _pick(page, "Cause", "Multiple myeloma / plasmacytoma")
    _pick(page, "Reads finding (directly or through derived facts)", "Diffusion (DWI)")
    shown = page.get_by_text(re.compile(r"\d+ of \d+ rules shown")).first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "rules-myeloma-diffusion.png"), full_page=True)
    _no_exception_elements(page, "rules filter")
    assert int(shown.split()[0]) >= 1, shown
    assert problems == [], problems
