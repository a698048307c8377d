"""Plain-text rendering of a diagnosis for the terminal."""

from __future__ import annotations

from engine.diagnosis import Diagnosis


def diagnosis_text(result: Diagnosis, limit: int = 10) -> str:
    """A readable table of the differential, then next steps and warnings."""
    lines = [f"Case {result.case_id}: relative plausibility (educational use only)", ""]
    lines.append(f"{'#':>2}  {'score':>6}  {'cause':<44} {'for':>3} {'against':>7}")
    for position, entry in enumerate(result.differential[:limit], start=1):
        flag = " !" if entry.must_not_miss else ""
        lines.append(
            f"{position:>2}  {entry.score:>6.3f}  {entry.label + flag:<44} "
            f"{len(entry.supporting):>3} {len(entry.opposing):>7}"
        )
    hidden = len(result.differential) - limit
    if hidden > 0:
        lines.append(f"    ... {hidden} more (use --json for all)")
    lines.append("    ! = must not miss")
    if result.derived:
        lines += ["", "Intermediate findings: " + ", ".join(result.derived)]
    if result.next_steps:
        lines += ["", "Next steps:"] + [f"  - {step}" for step in result.next_steps]
    lines += ["", *result.warnings]
    return "\n".join(lines) + "\n"
