"""Turning fired evidence into a ranked differential of relative plausibility.

Points for a cause = its age-band prior + the weights of evidence for it - the weights
of evidence against it. Plausibility = base**points, normalised over every cause in
the catalogue (so the listed causes sum to at most 1). The scale and the base are in
rules/causes.yaml and explained in rules/README.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from engine.knowledge import KnowledgeBase


@dataclass(frozen=True)
class EvidenceItem:
    rule_id: str
    cause: str
    direction: Literal["for", "against"]
    weight: int


@dataclass
class CauseScore:
    cause: str
    label: str
    category: str
    must_not_miss: bool
    prior: float
    points: float = 0.0
    score: float = 0.0
    weights_for: dict[str, int] = field(default_factory=dict)
    weights_against: dict[str, int] = field(default_factory=dict)

    @property
    def supporting(self) -> list[str]:
        """Rule ids for this cause, heaviest first."""
        return sorted(self.weights_for, key=lambda r: (-self.weights_for[r], r))

    @property
    def opposing(self) -> list[str]:
        return sorted(self.weights_against, key=lambda r: (-self.weights_against[r], r))

    @property
    def evidence_total(self) -> int:
        """Net evidence (for minus against), without the prior."""
        return sum(self.weights_for.values()) - sum(self.weights_against.values())


def rank(kb: KnowledgeBase, age: int, evidence: list[EvidenceItem]) -> list[CauseScore]:
    """Every cause the rules considered, best first; ties broken by must-not-miss, then id."""
    band = kb.age_band(age).id
    scores = {
        cause.id.value: CauseScore(
            cause=cause.id.value,
            label=cause.label,
            category=cause.category,
            must_not_miss=cause.must_not_miss,
            prior=cause.prior[band],
        )
        for cause in kb.causes.values()
    }
    considered: dict[str, CauseScore] = {}
    for item in evidence:
        entry = considered.setdefault(item.cause, scores[item.cause])
        target = entry.weights_for if item.direction == "for" else entry.weights_against
        target[item.rule_id] = item.weight
    base = kb.scoring.plausibility_base
    for entry in scores.values():
        entry.points = entry.prior + entry.evidence_total
    top = max(entry.points for entry in scores.values())
    total = sum(base ** (entry.points - top) for entry in scores.values())
    for entry in scores.values():
        entry.score = math.floor(base ** (entry.points - top) / total * 10_000) / 10_000
    return sorted(considered.values(), key=lambda e: (-e.points, not e.must_not_miss, e.cause))
