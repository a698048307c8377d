"""Explaining a diagnosis for teaching: evidence, trace, discriminators, next steps, summary.

This module assembles the parts; each lives in its own module (evidence, whatif,
next_steps) and render.py turns the whole into Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.case import Case
from engine.diagnosis import Diagnoser, Diagnosis
from engine.evidence import evidence_for, trace_steps
from engine.knowledge import KnowledgeBase, PlainLanguage
from engine.next_steps import ordered_next_steps
from engine.useful import useful_findings
from engine.whatif import LEADERS

__all__ = ["Explanation", "explain", "plain_summary"]


@dataclass
class Explanation:
    diagnosis: Diagnosis
    evidence: list[dict[str, Any]]
    trace: list[dict[str, Any]]
    discriminators: list[dict[str, Any]]
    next_steps: list[dict[str, Any]]
    plain_summary: str
    case_title: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = self.diagnosis.to_contract()
        data["next_steps"] = [step["label"] for step in self.next_steps]
        data.update(
            evidence=self.evidence,
            trace=self.trace,
            discriminators=self.discriminators,
            next_steps_detail=self.next_steps,
            plain_summary=self.plain_summary,
        )
        return data


def plain_summary(kb: KnowledgeBase, diagnosis: Diagnosis, steps: list[dict[str, Any]]) -> str:
    text: PlainLanguage = kb.plain_language
    leaders = diagnosis.differential[:LEADERS]
    parts = [text.intro.strip()]
    if leaders:
        names = ", ".join(e.label.lower() for e in leaders)
        parts.append(text.leaders.strip().format(causes=names))
        categories = dict.fromkeys(e.category for e in leaders)
        for category in categories:
            if category in text.by_category:
                parts.append(text.by_category[category].strip())
    if steps:
        tests = "; ".join(s["label"] for s in steps[:3])
        parts.append(text.next_steps.strip().format(tests=tests))
    parts.append(text.support.strip())
    parts.append(text.disclaimer.strip())
    return "\n\n".join(parts)


def explain(diagnoser: Diagnoser, case: Case, discriminate: bool = True) -> Explanation:
    """All five parts; discriminate=False leaves out the useful findings (and their ranking
    of the next steps)."""
    kb = diagnoser.kb
    case = case.without_expected()
    diagnosis = diagnoser.diagnose(case)
    useful = useful_findings(kb, diagnosis) if discriminate else []
    read_from = kb.finding_fields
    power: dict[str, float] = {}
    reveals: dict[str, list[str]] = {}
    for step in kb.next_steps.values():
        fields = {item.partition(":")[0] for item in step.reveals}
        for finding in useful:
            if read_from.get(finding.finding, set()) & fields:
                power[step.id] = max(power.get(step.id, 0.0), finding.information)
                reveals.setdefault(step.id, []).append(finding.label)
    steps = ordered_next_steps(kb, diagnosis.differential, power, reveals)
    diagnosis.next_steps = [s["label"] for s in steps]
    return Explanation(
        diagnosis=diagnosis,
        evidence=evidence_for(kb, diagnosis),
        trace=trace_steps(kb, diagnosis.trace),
        discriminators=[{
            "finding": u.finding,
            "label": u.label,
            "information_bits": u.information,
            "branches": [{"outcome": b.outcome, "phrase": b.phrase, "probability": b.probability,
                          "leads": b.leaders[0], "then": b.leaders[1], "share": b.shares[0]}
                         for b in u.branches if b.applies],
            "sentence": u.sentence(kb),
        } for u in useful],
        next_steps=steps,
        plain_summary=plain_summary(kb, diagnosis, steps),
        case_title=case.title,
    )
