"""Scoring a trainee's ranked answer against a curated case and the engine.

Pedagogy, not medicine: where the expected cause sits in the trainee's list, whether a
must-not-miss cause the engine ranks high (or the answer itself) was left out, and how
far the trainee's top three agree with the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.case import Case
from engine.diagnosis import Diagnosis
from engine.knowledge import KnowledgeBase

POINTS_BY_POSITION = {1: 3, 2: 2, 3: 1}


@dataclass(frozen=True)
class PracticeScore:
    case_id: str
    expected: str
    answer: tuple[str, ...]
    position: int | None
    points: int
    missed_must_not_miss: tuple[str, ...]
    agreement: float
    engine_rank: int | None

    @property
    def verdict(self) -> str:
        if self.position == 1:
            return "Correct: the expected diagnosis is your first choice."
        if self.position:
            return f"Close: the expected diagnosis is your choice number {self.position}."
        return "Not in your top three."


def score_answer(kb: KnowledgeBase, case: Case, diagnosis: Diagnosis,
                 answer: list[str]) -> PracticeScore:
    """Score a ranked top-3 answer (cause ids, best first) for a case with an expected block."""
    if case.expected is None:
        raise ValueError("a practice case needs an expected diagnosis")
    expected = case.expected.diagnosis.value
    chosen = tuple(dict.fromkeys(a for a in answer if a))[:3]
    position = chosen.index(expected) + 1 if expected in chosen else None
    engine_top = [e.cause for e in diagnosis.differential[:3]]
    urgent = [c for c in dict.fromkeys([expected, *engine_top]) if kb.causes[c].must_not_miss]
    missed = tuple(c for c in urgent if c not in chosen)
    agreement = len(set(chosen) & set(engine_top)) / 3
    return PracticeScore(
        case_id=case.id,
        expected=expected,
        answer=chosen,
        position=position,
        points=POINTS_BY_POSITION.get(position or 0, 0),
        missed_must_not_miss=missed,
        agreement=round(agreement, 3),
        engine_rank=diagnosis.rank_of(expected),
    )
