"""The one Markdown rendering of an explanation (command line, downloads and the app)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.whatif import LEADERS

if TYPE_CHECKING:
    from engine.explanation import Explanation


def to_markdown(explanation: Explanation) -> str:
    d = explanation.diagnosis
    lines = [f"# MarrowDx explanation: {explanation.case_title or d.case_id}", "",
             "> Educational use only. Scores are relative plausibility, not a diagnosis.", "",
             "## Differential", "", "| # | cause | score | must not miss |", "|---|---|---|---|"]
    for i, e in enumerate(d.differential, start=1):
        lines.append(f"| {i} | {e.label} | {e.score:.3f} | {'yes' if e.must_not_miss else ''} |")
    lines += ["", "## Evidence", ""]
    for cause in explanation.evidence[:LEADERS]:
        lines.append(f"### {cause['label']} (points {cause['points']:g}, prior {cause['prior']:g})")
        for item in cause["items"]:
            sign = "+" if item["direction"] == "for" else "-"
            refs = "; ".join(f"[{r['key']}]({r['link']})" for r in item["refs"])
            lines.append(f"- {sign}{item['weight']} `{item['rule']}`: {item['rationale']} ({refs})")
            for chain in item["derived"]:
                lines.extend(chain_lines(chain, "  "))
        lines.append("")
    lines += ["## Trace", ""]
    for step in explanation.trace:
        lines.append(f"**{step['title']}**")
        for firing in step["firings"]:
            lines.append(f"{firing['order']}. `{firing['rule']}` on {', '.join(firing['matched'])} "
                         f"-> {', '.join(firing['conclusions'])}")
        lines.append("")
    lines += ["## Discriminating findings", ""]
    lines += [f"- {x['sentence']}" for x in explanation.discriminators] or [
        "- No unrecorded key finding separates the leading causes."]
    lines += ["", "## Next steps", ""]
    lines += [f"{i}. {s['label']}: {s['purpose']}"
              for i, s in enumerate(explanation.next_steps, start=1)]
    lines += ["", "## For the patient (plain language)", "", explanation.plain_summary, ""]
    return "\n".join(lines)


def chain_lines(chain: dict[str, Any], indent: str) -> list[str]:
    lines = []
    for because in chain["because"]:
        findings = ", ".join(because["findings"]) or "other intermediate findings"
        lines.append(f"{indent}- {chain['label']} is concluded because {findings} "
                     f"(`{because['rule']}`)")
        for sub in because["facts"]:
            lines.extend(chain_lines(sub, indent + "  "))
    return lines
