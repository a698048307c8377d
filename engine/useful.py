"""Useful findings: which unrecorded finding or test would best separate the causes now.

Ranked by expected information about the leading causes, in the way SimulConsult and
DXplain suggest findings worth asking for: for each key finding the case leaves unknown,
every outcome is weighed by how likely it is under the leaders' current relative
plausibilities and by the finding profiles (how often each outcome occurs in each cause),
and the expected drop in uncertainty (entropy, in bits) ranks the findings. The hand rules are not
consulted here, so the ranking is an approximation that needs no re-run of the engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.diagnosis import Diagnosis
from engine.knowledge import KnowledgeBase
from engine.profiles import KeyFinding, Observation
from engine.working_memory import ProfileConclusion

MAX_USEFUL = 6
LEADERS = 3
MIN_SPREAD = 3.0  # a finding at least three times commoner in one leader than in another
SKIPPED = {"age_band"}  # known for every case


@dataclass(frozen=True)
class Branch:
    """One outcome of a finding: its wording, how likely it is now, and the two causes that
    would lead after it, with their relative plausibility."""

    outcome: str
    phrase: str
    probability: float
    leaders: tuple[str, str]
    shares: tuple[float, float]
    applies: bool  # False for "not recorded": no evidence would be added

    @property
    def leader(self) -> str:
        return self.leaders[0]


@dataclass(frozen=True)
class UsefulFinding:
    finding: str
    label: str
    information: float  # expected reduction of uncertainty among the leaders, in bits
    branches: tuple[Branch, ...]
    frequencies: tuple[tuple[str, float], ...] = ()  # (leader, how often it shows the finding)

    def sentence(self, kb: KnowledgeBase) -> str:
        """One statement per finding: how each outcome would leave the leaders, then how often
        the leaders show it (for findings that are present or absent)."""
        grouped: dict[tuple[str, str], list[Branch]] = {}
        for branch in self.branches:
            if branch.applies:
                grouped.setdefault(branch.leaders, []).append(branch)
        name = kb.causes
        if len(grouped) == 1:
            (first, _), branches = next(iter(grouped.items()))
            share = min(b.shares[0] for b in branches)
            text = (f"{self.label} separates the leaders but would not change who leads: "
                    f"{name[first].label} stays first (at least {share:.0%})")
        else:
            parts = [f"if {' or '.join(b.phrase for b in branches)}, {name[first].label} leads "
                     f"(about {max(b.shares[0] for b in branches):.0%}), ahead of {name[second].label}"
                     for (first, second), branches in grouped.items()]
            text = "; ".join(parts)
        if self.frequencies:
            seen = ", ".join(f"{share:.0%} of {name[c].label.lower()}" for c, share in self.frequencies)
            text += f". It is seen in about {seen}"
        return text[0].upper() + text[1:] + "."


def _entropy(weights: dict[str, float]) -> float:
    total = sum(weights.values())
    return -sum((w / total) * math.log2(w / total) for w in weights.values() if w > 0)


def _top_two(weights: dict[str, float], kb: KnowledgeBase) -> tuple[tuple[str, str], tuple[float, float]]:
    order = sorted(weights, key=lambda c: (-weights[c], not kb.causes[c].must_not_miss, c))
    total = sum(weights.values())
    return (order[0], order[1]), (weights[order[0]] / total, weights[order[1]] / total)


def _phrase(finding: KeyFinding, outcome: str) -> str:
    if finding.is_choice:
        value = next(v for v in finding.values if v.id == outcome)
        return value.ask or value.label
    if outcome == "present":
        return finding.ask_present or f"{finding.label.lower()} is present"
    return finding.ask_absent or f"{finding.label.lower()} is absent"


def known_findings(diagnosis: Diagnosis) -> set[str]:
    """Key findings the case already records (a profile rule fired for them)."""
    return {c.finding for firing in diagnosis.trace for c in firing.conclusions
            if isinstance(c, ProfileConclusion)}


def useful_findings(kb: KnowledgeBase, diagnosis: Diagnosis,
                    limit: int = MAX_USEFUL) -> list[UsefulFinding]:
    """Unrecorded key findings ranked by the information they carry about the leaders.

    The current plausibilities of the three leading causes, renormalised, are the prior;
    a finding is kept when its frequencies differ at least threefold between two leaders
    (otherwise it cannot separate them, however informative elsewhere).
    """
    book = kb.profiles
    if book is None or len(diagnosis.differential) < 2:
        return []
    leaders = diagnosis.differential[:LEADERS]
    top = leaders[0].points
    prior = {e.cause: 2.0 ** (e.points - top) for e in leaders}
    now = _entropy(prior)
    known = known_findings(diagnosis)
    found: list[UsefulFinding] = []
    for finding in book.findings.values():
        if finding.id in known or finding.id in SKIPPED:
            continue
        expected, spread = 0.0, 1.0
        branches: list[Branch] = []
        for seen in book.outcomes(finding.id):  # "absent" reads as 1 - P(present)
            outcome, applies = seen.value, book.recordable(seen)
            # the finding counted as the scorer counts it (weighted), as a distribution
            likelihood = {c: book.weighted_share(c, seen) for c in prior}
            chance = sum(prior[c] * likelihood[c] for c in prior) / sum(prior.values())
            after = {c: prior[c] * likelihood[c] for c in prior} if applies else dict(prior)
            expected += chance * _entropy(after)
            if applies:  # the frequencies themselves must differ threefold
                raw = [book.likelihood(c, seen) for c in prior]
                spread = max(spread, max(raw) / min(raw))
            order, shares = _top_two(after, kb)
            branches.append(Branch(outcome, _phrase(finding, outcome), round(chance, 3), order,
                                   (round(shares[0], 3), round(shares[1], 3)), applies))
        if spread < MIN_SPREAD or now - expected <= 0:
            continue  # cannot separate the leaders, or would leave them no clearer on average
        frequencies = tuple((c, round(book.likelihood(c, Observation(finding.id, "present")), 2))
                            for c in prior) if not finding.is_choice else ()
        found.append(UsefulFinding(finding.id, finding.label, round(now - expected, 3),
                                   tuple(branches), frequencies))
    found.sort(key=lambda f: (-f.information, f.finding))
    return found[:limit]
