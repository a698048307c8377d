"""Can a rule ever fire? Static satisfiability of rule conditions (used by the lint).

A rule 'can never fire' when no case could satisfy its condition: contradictory tests,
impossible ranges, or a derived fact nothing derives. The condition is expanded into
alternatives (disjunctive normal form) and each is checked for consistency.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

from engine.case import FIELD_STRENGTHS
from engine.facts import ABSENT_OF, FIELDS, Kind
from engine.knowledge import Condition, Rule, Test

MAX_ALTERNATIVES = 512
NUMBER_RANGES: dict[str, tuple[float, float]] = {
    "age": (0, 120),
    "opposed_phase_drop_pct": (0, 100),
    "fat_fraction_pct": (0, 100),
    "adc": (0, 4),
    "field_strength": (min(FIELD_STRENGTHS), max(FIELD_STRENGTHS)),
}
REQUIRED_FIELDS = {"age", "distribution", "t1", "sex", "known_cancer"}

Literal_ = tuple[Test, bool]


def alternatives(condition: Condition, positive: bool = True) -> list[list[Literal_]]:
    """The condition as a list of alternative conjunctions of (test, asked positively)."""
    if condition.kind == "test":
        assert condition.test is not None
        return [[(condition.test, positive)]]
    if condition.kind == "not":
        return alternatives(condition.children[0], not positive)
    parts = [alternatives(child, positive) for child in condition.children]
    conjunctive = (condition.kind == "all") == positive
    if not conjunctive:
        return [alt for part in parts for alt in part][:MAX_ALTERNATIVES]
    combined: list[list[Literal_]] = [[]]
    for part in parts:
        combined = [a + b for a, b in itertools.product(combined, part)][:MAX_ALTERNATIVES]
    return combined


def never_fires(rule: Rule, derivable: set[str]) -> str | None:
    """Why no case can satisfy the rule's condition, or None if some case can."""
    reasons = [_contradiction(alt, derivable) for alt in alternatives(rule.when)]
    if all(reasons):
        return reasons[0]
    return None


def _contradiction(conjunction: list[Literal_], derivable: set[str]) -> str | None:
    by_field: dict[str, list[Literal_]] = defaultdict(list)
    for test, positive in conjunction:
        by_field[test.field].append((test, positive))
    for name, literals in by_field.items():
        reason = _field_contradiction(name, literals, derivable)
        if reason:
            return reason
    for present, absent in ABSENT_OF.items():
        must_have = _forced_codes(by_field.get(present, []))
        must_lack = _forced_codes(by_field.get(absent, []))
        both = must_have & must_lack
        if both:
            return f"needs {sorted(both)[0]} both in {present} and {absent}"
    return None


def _forced_codes(literals: list[Literal_]) -> set[str]:
    return {str(t.values[0]) for t, positive in literals if positive and len(t.values) == 1}


def _field_contradiction(name: str, literals: list[Literal_], derivable: set[str]) -> str | None:
    positives = [t for t, p in literals if p]
    negatives = [t for t, p in literals if not p]
    if name == "fact":
        excluded = {str(v) for t in negatives for v in t.values}
        for test in positives:
            options = {str(v) for v in test.values} - excluded
            if not options & derivable:
                names = " or ".join(map(str, test.values))
                return f"needs fact {names}, which is never derived or is excluded"
        return None
    spec = FIELDS[name]
    if spec.kind is Kind.number:
        return _number_contradiction(name, positives, negatives)
    excluded = {str(v) for t in negatives for v in t.values}
    if spec.kind is Kind.codes:
        for test in positives:
            if not {str(v) for v in test.values} - excluded:
                return f"{name} must include and exclude the same code"
        return None
    allowed = set(spec.allowed())
    for test in positives:
        allowed &= {str(v) for v in test.values}
    allowed -= excluded
    if not allowed and (positives or name in REQUIRED_FIELDS):
        return f"no value of {name} satisfies every test"
    return None


def _number_contradiction(name: str, positives: list[Test], negatives: list[Test]) -> str | None:
    if not positives and name not in REQUIRED_FIELDS:
        return None
    low, high = NUMBER_RANGES.get(name, (-math.inf, math.inf))
    low_open = high_open = False
    flip = {"gt": "lte", "gte": "lt", "lt": "gte", "lte": "gt"}
    for test, op in [(t, t.op) for t in positives] + [(t, flip[t.op]) for t in negatives]:
        bound = float(test.values[0])
        if op in ("gt", "gte") and (bound > low or (bound == low and op == "gt")):
            low, low_open = bound, op == "gt"
        if op in ("lt", "lte") and (bound < high or (bound == high and op == "lt")):
            high, high_open = bound, op == "lt"
    if name == "field_strength":
        ok = any(_inside(v, low, high, low_open, high_open) for v in FIELD_STRENGTHS)
    elif name == "age":
        first = math.floor(low) + 1 if low_open or low != math.floor(low) else int(low)
        ok = _inside(first, low, high, low_open, high_open)
    else:
        ok = low < high or (low == high and not (low_open or high_open))
    return None if ok else f"{name} has no value in the required range"


def _inside(value: float, low: float, high: float, low_open: bool, high_open: bool) -> bool:
    above = value > low if low_open else value >= low
    below = value < high if high_open else value <= high
    return above and below


# ---------------------------------------------------------------- listing and coverage
