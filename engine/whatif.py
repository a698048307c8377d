"""What-if: findings the case does not record yet, stepping through firings, comparing runs.

Teach toggles one unrecorded finding (a sign or history item present or known absent, an
unknown signal value, a number either side of each threshold the rules use) and shows how
the ranking moves. Every changed case is validated like any other input. Which findings
are worth asking for is engine/useful.py's question.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from engine.case import Case
from engine.diagnosis import Diagnosis
from engine.facts import ABSENT_OF, FIELDS, Kind
from engine.knowledge import KnowledgeBase
from engine.scoring import CauseScore, rank

LEADERS = 3


@dataclass(frozen=True)
class Candidate:
    """A finding the case does not record yet, as a change to the case."""

    field: str
    value: Any
    absent: bool = False

    @property
    def key(self) -> str:
        return f"{self.field}:{self.value}"

    def describe(self, kb: KnowledgeBase) -> str:
        if FIELDS[self.field].kind is Kind.codes:
            label = kb.glossary.label(self.field, str(self.value))
            return f"{label} is absent" if self.absent else f"{label} is present"
        if FIELDS[self.field].kind is Kind.number:
            return f"{kb.glossary.label(self.field)} is {self.value:g}"
        return f"{kb.glossary.label(self.field)} is {str(self.value).replace('_', ' ')}"

    def apply(self, case: Case) -> Case:
        spec = FIELDS[self.field]
        name = ABSENT_OF[self.field] if self.absent else self.field
        target = FIELDS[name].case_path
        if spec.kind is Kind.codes:
            current = list(_get(case, target))
            return _set(case, target, [*current, self.value])
        return _set(case, target, self.value)


def _get(case: Case, path: tuple[str, ...]) -> Any:
    value: Any = case
    for part in path:
        value = getattr(value, part)
    return value


def _set(case: Case, path: tuple[str, ...], value: Any) -> Case:
    """The case with one field changed, validated again (a contradiction raises ValueError)."""
    data = case.model_dump()
    holder = data
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = value
    return Case.model_validate(data)


def candidates(kb: KnowledgeBase, case: Case) -> list[Candidate]:
    """Every single finding the case leaves unknown that some rule could read."""
    tested: dict[str, set[Any]] = {}
    for placed in kb.rules:
        for test, _ in placed.rule.when.tests():
            tested.setdefault(test.field, set()).update(
                (test.op, v) for v in test.values
            )
    found: list[Candidate] = []
    for name, spec in FIELDS.items():
        if name.startswith("absent_") or name in {"age", "sex", "distribution", "t1"}:
            continue
        if spec.kind is Kind.codes:
            known = set(map(str, _get(case, spec.case_path)))
            absent_name = ABSENT_OF.get(name)
            if absent_name:
                known |= set(map(str, _get(case, FIELDS[absent_name].case_path)))
            codes = {str(v) for _, v in tested.get(name, set())}
            absent_codes = {str(v) for _, v in tested.get(absent_name, set())} if absent_name else set()
            for code in sorted((codes | absent_codes) - known):
                if code in codes:
                    found.append(Candidate(name, code))
                if code in absent_codes:
                    found.append(Candidate(name, code, absent=True))
            continue
        if _get(case, spec.case_path) is not None and not (
            name == "known_cancer" and _get(case, spec.case_path) == "none"
        ):
            continue
        if spec.kind is Kind.number:
            found.extend(Candidate(name, v) for v in _probe_values(name, tested.get(name, set())))
        else:
            values = sorted({str(v) for _, v in tested.get(name, set())})
            found.extend(Candidate(name, v) for v in values if v != "none" or name != "known_cancer")
    return found


def _probe_values(name: str, tests: set[tuple[str, Any]]) -> list[float]:
    """One value in each interval the rules' thresholds cut the field into."""
    if name == "field_strength":
        return []
    bounds = sorted({float(v) for _, v in tests})
    if not bounds:
        return []
    points = [bounds[0] / 2] + [(a + b) / 2 for a, b in itertools.pairwise(bounds)]
    points.append(bounds[-1] * 1.25 if bounds[-1] > 0 else 1.0)
    limit = 4.0 if name == "adc" else 100.0
    return [round(min(p, limit), 3) for p in points]


# ---------------------------------------------------------------- teaching helpers


def ranking_after_step(kb: KnowledgeBase, diagnosis: Diagnosis, step: int) -> list[CauseScore]:
    """The differential as it stood after the first ``step`` firings (for stepping through)."""
    fired = {firing.rule_id for firing in diagnosis.trace[:step]}
    return rank(kb, diagnosis.age, [item for item in diagnosis.evidence if item.rule_id in fired])


def compare(before: Diagnosis, after: Diagnosis, limit: int = 8) -> list[dict[str, Any]]:
    """How each cause moved between two diagnoses (rank and score), for 'toggle a finding'."""
    old = {e.cause: (i, e) for i, e in enumerate(before.differential, start=1)}
    rows = []
    for i, entry in enumerate(after.differential[:limit], start=1):
        previous = old.get(entry.cause)
        rows.append({
            "cause": entry.cause,
            "label": entry.label,
            "rank": i,
            "previous_rank": previous[0] if previous else None,
            "score": entry.score,
            "previous_score": previous[1].score if previous else 0.0,
            "moved": (previous[0] - i) if previous else None,
        })
    return rows


@dataclass(frozen=True)
class Difference:
    """One field on which two cases differ, in the words of the vocabulary."""

    field: str
    left: Any
    right: Any


def differences(left: Case, right: Case) -> list[Difference]:
    """The case fields (not the patient's identity) on which two cases differ."""
    found = []
    for name, spec in FIELDS.items():
        a, b = _get(left, spec.case_path), _get(right, spec.case_path)
        if spec.kind is Kind.codes:
            a, b = sorted(map(str, a)), sorted(map(str, b))
        if a != b:
            found.append(Difference(name, a, b))
    return found


def with_field_of(left: Case, right: Case, field: str) -> Case:
    """The left case with one field taken from the right case (validated; may raise ValueError)."""
    path = FIELDS[field].case_path
    return _set(left, path, _get(right, path))
