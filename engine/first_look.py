"""The first-look record: how the rules did on a batch of cases before anyone tuned on it.

``marrowdx evaluate cases/batch-X --first-look`` appends one entry to ``FIRST_LOOK.md``
beside the batch folder, so the project's honest estimate of accuracy on unseen cases is
written by a command (with the commit it measured), never copied by hand.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from engine.evaluation import Evaluation

HEADER = """\
# First-look record

Each entry is written by `marrowdx evaluate DIR --first-look` when a new batch of cases
arrives, BEFORE any rule is changed because of it. It is the project's honest estimate of
accuracy on cases the rules were not written against; the curated figures in the README
are in-sample and flatter the rules. Entries are appended, never edited.
"""


@dataclass(frozen=True)
class Revision:
    """Which code and rules were measured."""

    commit: str
    clean: bool


def revision(directory: Path) -> Revision:
    """The git commit of the checkout holding ``directory``, and whether engine/rules are clean."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=directory,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", ":/rules", ":/engine"],
                               cwd=directory, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return Revision("unknown (not a git checkout)", clean=False)
    return Revision(commit, clean=not dirty.strip())


def entry(evaluation: Evaluation, batch: str, rev: Revision, today: dt.date) -> str:
    """One Markdown entry: headline numbers, prototypes apart, and the misses by cause."""
    s = evaluation.summary()
    state = "" if rev.clean else " (with uncommitted changes to engine/ or rules/)"
    lines = [
        f"## {today.isoformat()} · batch `{batch}` · commit `{rev.commit}`{state}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| cases | {s['n']} (real patients {s['real_patients']['n']}, "
        f"series prototypes {s['prototypes']['n']}) |",
        f"| top-1 | {s['top1']:.2f} |",
        f"| top-3 | {s['top3']:.2f} |",
        f"| benign specificity | {s['benign_specificity']:.2f} (n={s['benign_cases']}) |",
        f"| must-not-miss recall | {s['must_not_miss_recall']:.2f} (n={s['must_not_miss_cases']}) |",
        f"| real patients: top-1 / top-3 | {s['real_patients']['top1']:.2f} / "
        f"{s['real_patients']['top3']:.2f} |",
        f"| prototypes: top-1 / top-3 | {s['prototypes']['top1']:.2f} / "
        f"{s['prototypes']['top3']:.2f} |",
        f"| invalid files | {s['invalid']} |",
        "",
        "Misses by expected cause (cause ranked first instead, count):",
        "",
    ]
    misses = evaluation.misses()
    ranks = {r.case_id: r.rank for r in evaluation.results}
    for cause, firsts in misses.items():
        cases = [r.case_id for r in evaluation.results if r.expected == cause and r.rank != 1]
        shown = ", ".join(f"{first} {count}" for first, count in firsts.items())
        detail = ", ".join(f"{c} (rank {ranks[c] if ranks[c] is not None else '-'})" for c in cases)
        lines.append(f"- {cause}: {shown} — {detail}")
    if not misses:
        lines.append("- none")
    return "\n".join(lines) + "\n"


def append(record: Path, text: str) -> None:
    """Append an entry, creating the record with its header the first time."""
    existing = record.read_text() if record.exists() else HEADER
    record.write_text(existing.rstrip("\n") + "\n\n" + text)
