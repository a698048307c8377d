"""Rewrite the README's generated blocks from the commands that produce them.

    uv run python docs/refresh.py          # rewrite README.md in place
    uv run python docs/refresh.py --check  # exit 1 if README.md is stale (the tests do this)

Blocks sit between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers, so every
number in them comes from a command, never from a hand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from engine.diagnosis import get_diagnoser
from engine.evaluation import evaluate_folder, to_markdown
from engine.rulebook import malignant_share, profile_counts

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CASES = ROOT / "cases"


def _first_look_rows() -> str:
    """Each batch's first-look entries (a batch may be measured at more than one commit
    before anyone tunes on it) and then the same batch under today's rules."""
    diagnoser = get_diagnoser()
    record = (CASES / "FIRST_LOOK.md").read_text()
    rows = ["| batch | when | n | top-1 | top-3 | benign specificity | must-not-miss recall |",
            "|---|---|---|---|---|---|---|"]
    looks: dict[str, list[str]] = {}
    for match in re.finditer(r"^## (\S+) · batch `([^`]+)` · commit `([^`]+)`.*?$(.*?)(?=^## |\Z)",
                             record, flags=re.M | re.S):
        date, batch, commit, body = match.groups()
        cells = dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|$", body, flags=re.M))
        looks.setdefault(batch, []).append(
            f"| `{batch}` | first look ({date}, `{commit}`) | {cells['cases'].split()[0]} "
            f"| {cells['top-1']} | {cells['top-3']} | {cells['benign specificity']} "
            f"| {cells['must-not-miss recall']} |")
    for batch, entries in looks.items():
        rows += entries
        now = evaluate_folder(diagnoser, CASES / batch).summary()
        rows.append(f"| `{batch}` | rules today (batch seen since) | {now['n']} | {now['top1']:.2f} "
                    f"| {now['top3']:.2f} | {now['benign_specificity']:.2f} (n={now['benign_cases']}) "
                    f"| {now['must_not_miss_recall']:.2f} (n={now['must_not_miss_cases']}) |")
    return "\n".join(rows)


def _knowledge() -> str:
    kb = get_diagnoser().kb
    hand = sum(1 for p in kb.rules if p.family != "profiles")
    profiled = profile_counts(kb)
    shares = ", ".join(f"{band} {share:.1%}" for band, share in malignant_share(kb).items())
    return (f"{hand} hand rules and {len(kb.rules) - hand} compiled profile rules, "
            f"{len(kb.references)} references; every cause's profile states "
            f"{min(profiled.values())}-{max(profiled.values())} key findings; "
            f"malignant share of the priors by age band: {shares}.")


def blocks() -> dict[str, str]:
    return {
        "knowledge": _knowledge(),
        "first-look": _first_look_rows(),
        "evaluate": to_markdown(evaluate_folder(get_diagnoser(), CASES)).rstrip("\n"),
    }


def refreshed(text: str) -> str:
    for name, body in blocks().items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no <!-- {name}:start --> block")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    text = README.read_text()
    new = refreshed(text)
    if "--check" in argv:
        return 0 if new == text else 1
    README.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
