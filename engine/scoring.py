"""Turning fired evidence into a ranked differential of relative plausibility.

Points for a cause = its age-band prior + the profile points of every key finding seen
(log2 likelihoods) + the weights of hand-rule evidence for it - the weights against it.
Plausibility = base**points, normalised over every cause in the catalogue. The model and
its assumptions are explained in rules/README.md ("The evidence model").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from engine.knowledge import KnowledgeBase


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence: a hand rule's weight, or a profile's points for one cause."""

    rule_id: str
    cause: str
    direction: Literal["for", "against"]
    weight: float
    source: Literal["rule", "profile"] = "rule"


@dataclass
class CauseScore:
    cause: str
    label: str
    category: str
    must_not_miss: bool
    prior: float
    points: float = 0.0
    score: float = 0.0
    weights_for: dict[str, float] = field(default_factory=dict)
    weights_against: dict[str, float] = field(default_factory=dict)
    profile: dict[str, float] = field(default_factory=dict)

    @property
    def supporting(self) -> list[str]:
        """Rule ids for this cause (hand rules and profile findings), heaviest first."""
        found = {**self.weights_for, **{r: p for r, p in self.profile.items() if p > 0}}
        return sorted(found, key=lambda r: (-found[r], r))

    @property
    def opposing(self) -> list[str]:
        found = {**self.weights_against, **{r: -p for r, p in self.profile.items() if p < 0}}
        return sorted(found, key=lambda r: (-found[r], r))

    @property
    def evidence_total(self) -> float:
        """Net hand-rule evidence (for minus against), without the prior or the profiles."""
        return sum(self.weights_for.values()) - sum(self.weights_against.values())

    @property
    def profile_total(self) -> float:
        """Points from the finding profiles (log2 likelihood, centred on the average cause)."""
        return sum(self.profile.values())


def rank(kb: KnowledgeBase, age: int, evidence: list[EvidenceItem]) -> list[CauseScore]:
    """Every cause of the catalogue, best first; ties broken by must-not-miss, then id.

    All causes are ranked (so an expected cause always has a rank); the views cut the list.
    """
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
    # a canonical order, so the float sums (and the ranking of near-ties) do not depend on
    # the order the engine happened to declare its facts in (incremental = full rerun)
    for item in sorted(evidence, key=lambda i: (i.cause, i.source, i.rule_id, i.direction)):
        entry = scores[item.cause]
        if item.source == "profile":
            entry.profile[item.rule_id] = item.weight if item.direction == "for" else -item.weight
            continue
        target = entry.weights_for if item.direction == "for" else entry.weights_against
        target[item.rule_id] = item.weight
    base = kb.scoring.plausibility_base
    for entry in scores.values():
        entry.points = entry.prior + entry.evidence_total + entry.profile_total
    top = max(entry.points for entry in scores.values())
    total = sum(base ** (entry.points - top) for entry in scores.values())
    for entry in scores.values():
        entry.score = math.floor(base ** (entry.points - top) / total * 10_000) / 10_000
    return sorted(scores.values(), key=lambda e: (-e.points, not e.must_not_miss, e.cause))
