"""Tools over the rule base: lint, readable listing and coverage by a case folder.

Lint is static: it reads the knowledge base, never runs it. A rule 'can never fire'
when no case could satisfy its condition (contradictory tests, impossible ranges, a
derived fact nothing derives); that is found by expanding the condition into
alternatives (disjunctive normal form) and checking each for consistency.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.case import FIELD_STRENGTHS
from engine.documents import InputError
from engine.facts import ABSENT_OF, FIELDS, Kind
from engine.knowledge import Condition, KnowledgeBase, Rule, Test
from engine.overlap import overlaps
from engine.profiles import Observation

MIN_FOR = 5
MIN_AGAINST = 2
MIN_PROFILE = 15  # key findings every cause's profile must state (issue 'Evidence model')
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


@dataclass(frozen=True)
class LintProblem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def per_cause_counts(kb: KnowledgeBase) -> dict[str, dict[str, int]]:
    """Cause -> how many hand rules, and profile findings worth a point or more, speak for
    and against it (a profile finding much commoner in the cause than in the average cause
    argues for it; one much rarer argues against)."""
    counts: dict[str, dict[str, int]] = {c: {"for": 0, "against": 0} for c in kb.causes}
    for placed in kb.rules:
        for effect in placed.rule.then:
            if effect.cause:
                counts[effect.cause][effect.direction or "for"] += 1
    if kb.profiles is not None:
        for points in kb.profiles.points.values():
            for cause, value in points.items():
                if abs(value) >= 1:
                    counts[cause]["for" if value > 0 else "against"] += 1
    return counts


def profile_counts(kb: KnowledgeBase) -> dict[str, int]:
    """Cause -> number of key findings its profile gives a frequency for."""
    return {c: (kb.profiles.stated(c) if kb.profiles else 0) for c in kb.causes}


def malignant_share(kb: KnowledgeBase) -> dict[str, float]:
    """Age band -> share of the neoplastic causes before any finding but age.

    The mass of a cause in a band is base**prior times, where the profiles state an age
    distribution, how often the cause falls in that band (profiles/age.yaml).
    """
    base = kb.scoring.plausibility_base
    book = kb.profiles
    shares: dict[str, float] = {}
    for band in kb.age_bands:
        age = Observation("age_band", band.id)
        with_age = book is not None and "age_band" in book.findings
        mass = {c.id.value: base ** c.prior[band.id]
                * (book.weighted(c.id.value, age) if with_age and book else 1.0)
                for c in kb.causes.values()}
        malignant = sum(m for c, m in mass.items() if kb.causes[c].category == "neoplastic")
        shares[band.id] = round(malignant / sum(mass.values()), 4)
    return shares


def _prior_problems(kb: KnowledgeBase) -> list[LintProblem]:
    found: list[LintProblem] = []
    bound = kb.scoring.judgement_prior_bound
    for cause in kb.causes.values():
        if "judgement" in cause.prior_basis.lower() or not cause.prior_refs:
            wide = {b: p for b, p in cause.prior.items() if abs(p) > bound}
            if wide:
                found.append(LintProblem(f"cause {cause.id.value}",
                                         f"judgement prior beyond +-{bound:g}: {wide}"))
    share = kb.scoring.malignant_share
    if share is not None:
        for band, value in malignant_share(kb).items():
            if not share.low <= value <= share.high:
                found.append(LintProblem(f"age band {band}", f"malignant share of the priors "
                                         f"{value:.3f} is outside the cited {share.low}-{share.high}"))
    return found


def _profile_problems(kb: KnowledgeBase) -> list[LintProblem]:
    """Every cause needs a profile; hand rules should not re-add what the profiles say."""
    if kb.profiles is None:
        return []
    found = [LintProblem(f"cause {cause}", f"profile states {n} key findings (need {MIN_PROFILE})")
             for cause, n in profile_counts(kb).items() if n < MIN_PROFILE]
    found += [LintProblem(f"rule {o.rule_id} ({o.file})", o.message) for o in overlaps(kb)]
    return found


def lint(kb: KnowledgeBase) -> list[LintProblem]:
    """Every problem a careful reviewer would flag in an otherwise loadable knowledge base."""
    problems: list[LintProblem] = []
    problems += _prior_problems(kb)
    problems += _profile_problems(kb)
    for cause, counts in per_cause_counts(kb).items():
        if counts["for"] < MIN_FOR:
            problems.append(LintProblem(f"cause {cause}",
                                        f"only {counts['for']} rules for it (need {MIN_FOR})"))
        if counts["against"] < MIN_AGAINST:
            problems.append(LintProblem(
                f"cause {cause}", f"only {counts['against']} rules against it (need {MIN_AGAINST})"
            ))
    cited: set[str] = set()
    for placed in kb.rules:
        cited.update(placed.rule.refs)
    for cause in kb.causes.values():
        cited.update(cause.prior_refs)
    if kb.profiles is not None:
        for profile in kb.profiles.profiles.values():
            cited.update(profile.refs)
    if kb.scoring.malignant_share is not None:
        cited.update(kb.scoring.malignant_share.refs)
    for drill in kb.drills:
        cited.update(drill.refs)
    for step in kb.next_steps.values():
        cited.update(step.refs)
    for key in sorted(set(kb.references) - cited):
        problems.append(LintProblem(f"reference {key}", "not cited by any rule, prior or next step"))
    derived = {name for placed in kb.rules for name in placed.rule.derives()}
    used = {name for placed in kb.rules for name in placed.rule.uses_facts()}
    for name in sorted(kb.facts):
        if name not in derived:
            problems.append(LintProblem(f"fact {name}", "declared but no rule derives it"))
        elif name not in used:
            problems.append(LintProblem(f"fact {name}", "derived but no rule uses it"))
    for placed in kb.rules:
        reason = never_fires(placed.rule, derived)
        if reason:
            problems.append(LintProblem(f"rule {placed.rule.id} ({placed.file})",
                                        f"can never fire: {reason}"))
    problems.extend(_glossary_gaps(kb))
    return problems


def _glossary_gaps(kb: KnowledgeBase) -> list[LintProblem]:
    """Every field needs a label, and every sign a help text (the app shows them)."""
    gaps: list[LintProblem] = []
    for name in FIELDS:
        if name not in kb.glossary.fields:
            gaps.append(LintProblem("vocabulary.yaml", f"no label for field {name}"))
    for code in FIELDS["signs"].allowed():
        if not kb.glossary.help("signs", code):
            gaps.append(LintProblem("vocabulary.yaml", f"no help text for sign {code}"))
    if not kb.plain_language.intro:
        gaps.append(LintProblem("plain_language.yaml", "missing: the summary needs its texts"))
    return gaps


# ---------------------------------------------------------------- satisfiability


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


def show(kb: KnowledgeBase, cause: str | None = None) -> str:
    """The rules as IF ... THEN ... with rationale and citations, grouped by family."""
    lines: list[str] = []
    for placed in kb.rules:
        rule = placed.rule
        if cause and not any(e.cause == cause for e in rule.then):
            continue
        lines.append(f"[{placed.family}] {rule.id}  (level {placed.level})")
        lines.append(f"  {rule.describe()}")
        lines.append(f"  why: {rule.rationale}")
        for key in rule.refs:
            ref = kb.references[key]
            lines.append(f"  ref: {key}: {ref.citation} {ref.link}")
        lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True)
class RuleRow:
    """One rule as the Rules page lists it: in words, with what it speaks about and reads."""

    rule_id: str
    family: str
    statement: str
    causes: tuple[str, ...]
    weight: str
    refs: tuple[str, ...]
    reads: frozenset[str]
    rationale: str


def rule_rows(kb: KnowledgeBase) -> list[RuleRow]:
    """Every rule, with IF ... THEN ... in words and the fields it reads through derived facts."""
    rows = []
    for placed in kb.rules:
        rule = placed.rule
        causes = tuple(e.cause for e in rule.then if e.cause)
        if any(e.observe for e in rule.then):
            causes = ("every cause (profile)",)
        weights = [f"{'+' if e.direction == 'for' else '-'}{e.weight}" for e in rule.then if e.weight]
        rows.append(RuleRow(rule.id, placed.family, rule.describe(), causes, " ".join(weights) or "-",
                            tuple(rule.refs), kb.rule_fields[rule.id], rule.rationale))
    return rows


def coverage(kb: KnowledgeBase, fired_by_case: dict[str, set[str]]) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    for fired in fired_by_case.values():
        counts.update(fired)
    per_rule = {placed.rule.id: counts.get(placed.rule.id, 0) for placed in kb.rules}
    unexercised = [rule_id for rule_id, n in per_rule.items() if n == 0]
    return {
        "cases": len(fired_by_case),
        "rules": len(per_rule),
        "exercised": len(per_rule) - len(unexercised),
        "per_rule": per_rule,
        "unexercised": unexercised,
    }


def load_problems(error: InputError) -> list[LintProblem]:
    return [LintProblem(str(Path(error.source)), str(p)) for p in error.problems]
