"""Practice: what a trainee may see before answering, and how a ranked answer is scored.

Pedagogy, not medicine. The rules are written out in docs/practice.md and on the Practice
page: the expected cause earns 3, 2 or 1 points at position 1, 2 or 3; when it is missing,
an acceptable alternative earns 1 point; and a trainee whose three contain no must-not-miss
cause at all, on a case whose answer is one, loses a point (never below zero). The engine
is not the answer key: its ranking is shown beside the answer for discussion only.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from engine.case import Case
from engine.diagnosis import Diagnosis
from engine.knowledge import KnowledgeBase

POINTS_BY_POSITION = {1: 3, 2: 2, 3: 1}
MAX_POINTS = 3
ACCEPTABLE_POINTS = 1
SAFETY_PENALTY = 1
Verdict = Literal["correct", "close", "acceptable", "miss"]
# Words of a cause label too common to give the answer away in a title.
_GENERIC = {"marrow", "bone", "change", "disease", "normal", "fracture", "focal", "post",
            "related", "heterogeneous", "signal", "with", "and", "the", "age"}


@dataclass(frozen=True)
class PracticeScore:
    case_id: str
    expected: str
    acceptable: tuple[str, ...]
    answer: tuple[str, ...]
    position: int | None
    acceptable_found: tuple[str, ...]
    points: int
    missed_must_not_miss: tuple[str, ...]
    safety_penalty: bool
    engine_top: tuple[str, ...]
    engine_rank: int | None

    @property
    def verdict(self) -> Verdict:
        if self.position == 1:
            return "correct"
        if self.position:
            return "close"
        return "acceptable" if self.acceptable_found else "miss"

    @property
    def engine_overlap(self) -> int:
        """How many of the trainee's three the engine also ranks in its top three."""
        return len(set(self.answer) & set(self.engine_top))


def score_answer(kb: KnowledgeBase, case: Case, diagnosis: Diagnosis,
                 answer: Sequence[str]) -> PracticeScore:
    """Score a ranked top-3 answer (cause ids, best first) for a case with an expected block."""
    if case.expected is None:
        raise ValueError("a practice case needs an expected diagnosis")
    expected = case.expected.diagnosis.value
    acceptable = tuple(c.value for c in case.expected.acceptable if c.value != expected)
    chosen = tuple(dict.fromkeys(a for a in answer if a))[:3]
    position = chosen.index(expected) + 1 if expected in chosen else None
    found = tuple(c for c in chosen if c in acceptable)
    points = POINTS_BY_POSITION[position] if position else (ACCEPTABLE_POINTS if found else 0)
    urgent = [c for c in (expected, *acceptable) if kb.causes[c].must_not_miss]
    missed = tuple(c for c in urgent if c not in chosen)
    penalty = kb.causes[expected].must_not_miss and not any(c in chosen for c in urgent)
    if penalty:
        points = max(0, points - SAFETY_PENALTY)
    return PracticeScore(
        case_id=case.id, expected=expected, acceptable=acceptable, answer=chosen,
        position=position, acceptable_found=found, points=points, missed_must_not_miss=missed,
        safety_penalty=penalty, engine_top=tuple(e.cause for e in diagnosis.differential[:3]),
        engine_rank=diagnosis.rank_of(expected))


# ---------------------------------------------------------------- what the trainee sees first


@dataclass(frozen=True)
class PracticeView:
    """Everything shown before the answer is committed: never the id, source or answer."""

    title: str
    patient: str
    history: tuple[tuple[str, str], ...]  # (field label, comma-joined item labels)
    findings: tuple[tuple[str, str], ...]

    def text(self) -> str:
        lines = [self.title, self.patient]
        lines += [f"{name}: {items}" for name, items in (*self.history, *self.findings)]
        return "\n".join(lines)


def reveals(code: str, cause: str) -> bool:
    """A history or known-cancer code that names the cause itself (``myeloma``, ``thalassemia``)."""
    return code == cause or code in cause.split("_")


def title_reveals(title: str, kb: KnowledgeBase, cause: str) -> bool:
    words = {w for w in re.findall(r"[a-z]+", kb.causes[cause].label.lower())
             if len(w) > 3 and w not in _GENERIC}
    return any(word[:6] in title.lower() for word in words)


def practice_view(kb: KnowledgeBase, case: Case) -> PracticeView:
    """The case as a trainee meets it: neutral title, no id or source, no code naming the answer."""
    cause = case.expected.diagnosis.value if case.expected else ""
    label = kb.glossary.label
    age, sex = case.patient.age, case.patient.sex.value
    title = case.title or ""
    if not title or (cause and title_reveals(title, kb, cause)):
        title = f"A {age}-year-old {'patient' if sex == 'unknown' else sex} with abnormal marrow signal"
    cancer = case.known_cancer.value
    history: list[tuple[str, str]] = []
    if cancer != "none" and not reveals(cancer, cause):
        history.append(("Known cancer", label("known_cancer", cancer)))
    for field, codes in (("history", case.history), ("absent_history", case.absent_history)):
        shown = [label("history", c.value) for c in codes if not reveals(c.value, cause)]
        if shown:
            history.append((label(field), ", ".join(shown)))
    findings: list[tuple[str, str]] = []
    data = case.findings.model_dump(mode="json", exclude_none=True)
    for name, value in data.items():
        if value in ([], None):
            continue
        if isinstance(value, list):
            shown = ", ".join(label(name, str(v)) for v in value)
        elif isinstance(value, str):
            shown = label(name, value)
        else:
            shown = f"{value:g}"
        findings.append((label(name), shown))
    return PracticeView(title, f"{age} years, {sex}", tuple(history), tuple(findings))


# ---------------------------------------------------------------- order and weak spots


def shuffled(case_ids: Iterable[str], seed: str) -> list[str]:
    """A trainee's own case order: the same handle gets the same order, others a different one."""
    order = sorted(case_ids)
    random.Random(seed).shuffle(order)
    return order


@dataclass(frozen=True)
class CauseStat:
    cause: str
    attempts: int
    points: int
    max_points: int

    @property
    def score(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0

    @property
    def weakness(self) -> float:
        """Laplace-smoothed share of points missed: an untried cause counts as half known."""
        return (self.max_points - self.points + 1) / (self.max_points + 2)


def cause_stats(attempts: Iterable[tuple[str, int, int]]) -> list[CauseStat]:
    """(expected cause, points, max points) per attempt -> per cause, weakest first."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for cause, points, maximum in attempts:
        row = totals[cause]
        row[0] += 1
        row[1] += points
        row[2] += maximum
    stats = [CauseStat(c, n, p, m) for c, (n, p, m) in totals.items()]
    return sorted(stats, key=lambda s: (-s.weakness, s.cause))


def weak_spot_draw(candidates: dict[str, str], stats: list[CauseStat], rng: random.Random,
                   recent: Sequence[str] = ()) -> str | None:
    """Pick a case, each cause weighted by its weakness (docs/practice.md).

    ``candidates`` maps case id -> expected cause. A cause never tried has weakness 1/2;
    cases attempted recently are avoided while others remain.
    """
    weakness = {s.cause: s.weakness for s in stats}
    pool = {c: cause for c, cause in candidates.items() if c not in recent} or dict(candidates)
    if not pool:
        return None
    ids = sorted(pool)
    weights = [weakness.get(pool[c], 0.5) for c in ids]
    return rng.choices(ids, weights=weights, k=1)[0]
