"""Write a measured table into its marked block of the README (the bench and the load test)."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def write_block(name: str, body: str, readme: Path = README) -> None:
    """Replace what stands between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    text = readme.read_text()
    opening = f"<!-- {name}:start -->\n"
    start, end = text.index(opening), text.index(f"<!-- {name}:end -->")
    readme.write_text(text[:start] + opening + body + "\n" + text[end:])
