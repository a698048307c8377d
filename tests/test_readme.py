"""The README's generated blocks match what the commands print today."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT


def test_the_readme_blocks_are_current() -> None:
    spec = importlib.util.spec_from_file_location("refresh", ROOT / "docs" / "refresh.py")
    assert spec and spec.loader
    refresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(refresh)
    text = (ROOT / "README.md").read_text()
    assert refresh.refreshed(text) == text, "README is stale: run `uv run python docs/refresh.py`"
