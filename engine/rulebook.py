"""Tools over the rule base: lint, readable listing and coverage by a case folder.

Lint is static: it reads the knowledge base, never runs it. Whether a rule can ever fire
is engine/satisfiable.py's question; whether a hand rule counts a profile finding twice
is engine/overlap.py's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.documents import InputError
from engine.facts import FIELDS
from engine.knowledge import KnowledgeBase
from engine.overlap import overlaps
from engine.profiles import Observation
from engine.satisfiable import never_fires

MIN_FOR = 5
MIN_AGAINST = 2
MIN_PROFILE = 15  # key findings every cause's profile must state (issue 'Evidence model')


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
