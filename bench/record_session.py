"""Record one trainee's browser session as the websocket messages it sends (bench input).

`uv run python bench/record_session.py` starts one app process on loopback, drives
Chromium through a teaching-room round (open Explore, change age and T1, load a preset,
go to Practice, sign in, start, choose, commit) and writes every BackMsg the browser sent,
labelled with the action, to bench/sessions/trainee.json. The load test (bench/load.py)
replays these messages without browsers. Re-record after changing widget keys or pages.
"""

from __future__ import annotations

import base64
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "sessions" / "trainee.json"
HANDLE = "load-trainee"


def record() -> None:
    from playwright.sync_api import sync_playwright

    from ui.launch import app_process, free_port, healthy

    port = free_port()
    home = tempfile.mkdtemp(prefix="marrowdx-record-")
    server = app_process(port, {"MARROWDX_HOME": home, "PATH": "/usr/bin:/bin"})
    url = f"http://127.0.0.1:{port}"
    frames: list[dict[str, str]] = []
    action = {"name": "open Explore"}
    try:
        assert healthy(url), "the app did not start"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--headless", "--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 2200})

            def on_socket(socket) -> None:  # type: ignore[no-untyped-def]
                def sent(payload: bytes | str) -> None:
                    raw = payload if isinstance(payload, bytes) else payload.encode()
                    frames.append({"action": action["name"], "data": base64.b64encode(raw).decode()})

                socket.on("framesent", sent)

            page.on("websocket", on_socket)

            def settle() -> None:
                page.wait_for_timeout(500)
                page.wait_for_function("""() => !document.querySelector('[data-testid="stStatusWidget"]')
                    && !document.querySelector('[data-stale="true"]')""", timeout=60_000)
                page.wait_for_timeout(500)

            def step(name: str) -> None:
                action["name"] = name

            page.goto(url, wait_until="networkidle")
            page.get_by_text("Leading cause:").first.wait_for(timeout=60_000)
            settle()
            step("change age")
            age = page.get_by_role("spinbutton", name="Age (years)")
            age.fill("68")
            age.press("Enter")
            settle()
            step("change T1")
            page.get_by_role("combobox", name="T1 signal", exact=True).click()
            page.get_by_role("option", name="hypointense", exact=True).click()
            settle()
            step("pick a preset")
            page.get_by_role("combobox", name="Load a curated case", exact=True).click()
            page.keyboard.type("c-neo-01")
            page.get_by_role("option").first.click()
            settle()
            step("load the preset")
            page.get_by_role("button", name="Load", exact=True).click()
            settle()
            step("open Practice")
            page.locator('[data-testid="stTopNavLink"]').filter(has_text="Practice").first.click()
            page.get_by_text("Your task:").first.wait_for(timeout=60_000)
            settle()
            step("sign in")
            handle = page.get_by_role("textbox", name="Your name or handle")
            handle.fill(HANDLE)
            handle.press("Enter")
            settle()
            step("start a case")
            page.get_by_role("button", name="Start").click()
            settle()
            step("choose")
            page.get_by_role("combobox", name="Choice 1", exact=True).click()
            page.keyboard.type("Paget")
            page.get_by_role("option", name="Paget disease of bone", exact=True).click()
            settle()
            step("commit")
            page.get_by_role("button", name="Commit my answer").click()
            page.get_by_text("points. The answer:").first.wait_for(timeout=60_000)
            settle()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"handle": HANDLE, "frames": frames}, indent=1) + "\n")
    print(f"{len(frames)} messages recorded to {OUT}")


if __name__ == "__main__":
    record()
