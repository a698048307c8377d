"""Loading the knowledge base: read every file, cross-check ids, compile profiles into rules,
and sort rules into levels. A malformed file fails here with file, rule and problem."""

from __future__ import annotations

import difflib
import graphlib
from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from engine.documents import InputError, Problem, read_document, validate
from engine.drills import DrillFile
from engine.facts import FIELDS
from engine.knowledge import (
    CauseFile,
    Glossary,
    KnowledgeBase,
    NextStepFile,
    PlacedRule,
    PlainLanguage,
    ReferenceFile,
    Rule,
    RuleFile,
)
from engine.paths import RULES_DIR
from engine.profiles import CauseProfile, FindingsFile, KeyFinding, ProfileBook, ProfileFile
from engine.vocabulary import CauseId


def _load(path: Path, model: type[BaseModel]) -> Any:
    return validate(model, read_document(path), str(path))


def load_knowledge(directory: Path = RULES_DIR) -> KnowledgeBase:
    """Load and cross-check every knowledge file; raise InputError naming file and rule."""
    cause_file: CauseFile = _load(directory / "causes.yaml", CauseFile)
    references: ReferenceFile = _load(directory / "references.yaml", ReferenceFile)
    steps: NextStepFile = _load(directory / "next_steps.yaml", NextStepFile)
    glossary = Glossary.from_vocabulary()
    plain_path = directory / "plain_language.yaml"
    plain: PlainLanguage = _load(plain_path, PlainLanguage) if plain_path.exists() else PlainLanguage()
    special = {"causes.yaml", "references.yaml", "next_steps.yaml", "vocabulary.yaml",
               "plain_language.yaml", "drills.yaml", "drawing.yaml"}
    families: dict[str, RuleFile] = {}
    owners: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name in special:
            continue
        families[path.name] = _load(path, RuleFile)
        owners[path.name] = str(path)
    kb = KnowledgeBase(
        scoring=cause_file.scoring,
        age_bands=cause_file.age_bands,
        causes={c.id.value: c for c in cause_file.causes},
        references=dict(references.references),
        next_steps={s.id: s for s in steps.next_steps},
        facts={},
        rules=[],
        families={rf.family: rf for rf in families.values()},
        glossary=glossary,
        plain_language=plain,
    )
    problems: dict[str, list[Problem]] = defaultdict(list)
    drills_path = directory / "drills.yaml"
    if drills_path.exists():
        kb.drills = _load(drills_path, DrillFile).drills
        for drill in kb.drills:
            for key in drill.refs:
                if key not in kb.references:
                    problems[str(drills_path)].append(
                        Problem(f"drills.{drill.id}.refs", _unknown(key, kb.references)))
    profile_dir = directory / "profiles"
    if (profile_dir / "findings.yaml").exists():
        kb.profiles = _load_profiles(profile_dir, kb, problems)
        families["profiles"] = RuleFile(
            family="profiles", title="Finding profiles",
            description="One rule per key-finding value; its evidence covers every cause.",
            rules=_profile_rules(kb.profiles),
        )
        owners["profiles"] = str(profile_dir / "findings.yaml")
    _collect(kb, families, owners, problems)
    _check_causes(kb, directory, problems)
    if problems:
        first_file = next(iter(problems))
        all_problems = [p for file_problems in problems.values() for p in file_problems]
        if len(problems) > 1:
            all_problems = [
                Problem(f"{Path(f).name}:{p.path}" if p.path else Path(f).name, p.message)
                for f, ps in problems.items() for p in ps
            ]
            first_file = str(directory)
        raise InputError(first_file, all_problems)
    return kb


def _load_profiles(folder: Path, kb: KnowledgeBase, problems: dict[str, list[Problem]]) -> ProfileBook:
    """rules/profiles/findings.yaml (key findings and scale) and one profile file per family."""
    findings: FindingsFile = _load(folder / "findings.yaml", FindingsFile)
    book = ProfileBook(findings.scale, {f.id: f for f in findings.findings})
    where = str(folder / "findings.yaml")
    for key in findings.scale.refs:
        if key not in kb.references:
            problems[where].append(Problem("scale.refs", _unknown(key, kb.references)))
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "findings.yaml":
            continue
        profile_file: ProfileFile = _load(path, ProfileFile)
        for cause_id, profile in profile_file.profiles.items():
            cause = cause_id.value
            earlier = book.profiles.get(cause)
            if earlier is not None:
                twice = sorted(set(earlier.frequencies) & set(profile.frequencies))
                if twice:
                    problems[str(path)].append(
                        Problem(f"profiles.{cause}", f"frequencies given twice: {', '.join(twice)}"))
                profile = earlier.merged(profile)
            book.profiles[cause] = profile
            found = _check_profile(cause, profile, book, kb)
            if found:
                problems[str(path)] += found
    return book


def _check_profile(cause: str, profile: CauseProfile, book: ProfileBook,
                   kb: KnowledgeBase) -> list[Problem]:
    found: list[Problem] = []
    for key in profile.refs:
        if key not in kb.references:
            found.append(Problem(f"profiles.{cause}.refs", _unknown(key, kb.references)))
    for name, stated in profile.frequencies.items():
        path = f"profiles.{cause}.frequencies.{name}"
        finding = book.findings.get(name)
        if finding is None:
            found.append(Problem(path, _unknown(name, book.findings, "key finding")))
            continue
        if finding.is_choice != isinstance(stated, dict):
            kind = "a mapping of its values" if finding.is_choice else "one frequency"
            found.append(Problem(path, f"{name} takes {kind}"))
            continue
        entries = stated.items() if isinstance(stated, dict) else [("", stated)]
        allowed = {v.id for v in finding.values}
        for value, frequency in entries:
            if value and value not in allowed:
                found.append(Problem(f"{path}.{value}", f"not one of {', '.join(sorted(allowed))}"))
            if isinstance(frequency, str) and frequency not in book.scale.bands:
                found.append(Problem(f"{path}{'.' + value if value else ''}",
                                     f"{frequency!r} is not one of {', '.join(book.scale.bands)}"))
    return found


def _profile_rules(book: ProfileBook) -> list[Rule]:
    """One experta rule per key-finding value (or presence / known absence)."""
    rules: list[Rule] = []

    def make(finding: KeyFinding, value: str, label: str, when: dict) -> None:
        obs = {"finding": finding.id, "value": value}
        rule_id = f"profile-{finding.id}-{value}".replace("_", "-")
        rules.append(Rule(id=rule_id, when=when, then=[{"observe": obs}], refs=list(book.scale.refs),
                          rationale=f"Key finding: {finding.label.lower()}: {label}. Every cause's "
                                    "profile says how often it shows this."))

    for finding in book.findings.values():
        for value in finding.values:
            make(finding, value.id, value.label, value.when)
        if finding.present is not None:
            make(finding, "present", "present", finding.present)
        if finding.absent is not None:
            make(finding, "absent", "known to be absent", finding.absent)
    return rules


def _collect(
    kb: KnowledgeBase,
    families: dict[str, RuleFile],
    owners: dict[str, str],
    problems: dict[str, list[Problem]],
) -> None:
    seen_rules: dict[str, str] = {}
    raw: list[tuple[Rule, str, str]] = []
    for name, rule_file in families.items():
        where = owners[name]
        for fact in rule_file.facts:
            if fact.id in kb.facts:
                problems[where].append(Problem(f"facts.{fact.id}", "derived fact declared twice"))
            kb.facts[fact.id] = fact
        for rule in rule_file.rules:
            if rule.id in seen_rules:
                problems[where].append(
                    Problem(f"rules.{rule.id}", f"duplicate rule id (also in {seen_rules[rule.id]})")
                )
            seen_rules[rule.id] = name
            raw.append((rule, rule_file.family, where))
    for rule, _family, where in raw:
        for key in rule.refs:
            if key not in kb.references:
                problems[where].append(Problem(f"rules.{rule.id}.refs", _unknown(key, kb.references)))
        for name in rule.uses_facts() + rule.derives():
            if name not in kb.facts:
                problems[where].append(Problem(f"rules.{rule.id}", f"undeclared derived fact {name!r}"))
    levels = _stratify(raw, problems)
    kb.rules = [
        PlacedRule(rule, family, where, levels.get(rule.id, 0)) for rule, family, where in raw
    ]


def _stratify(raw: list[tuple[Rule, str, str]], problems: dict[str, list[Problem]]) -> dict[str, int]:
    """Level of each rule: 0 reads only findings; n reads facts derived at level n-1 or below.

    Salience follows the levels, so every fact a rule tests (including under 'not') is
    complete before the rule can fire: the outcome never depends on agenda order. A cycle
    of derived facts is reported in the file of a rule on it, with the whole cycle.
    """
    derivers: dict[str, list[str]] = defaultdict(list)
    for rule, _, _ in raw:
        for name in rule.derives():
            derivers[name].append(rule.id)
    where = {rule.id: file for rule, _, file in raw}
    graph = {rule.id: {d for name in rule.uses_facts() for d in derivers.get(name, [])}
             for rule, _, _ in raw}
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        cycle = error.args[1]
        problems[where[cycle[0]]].append(
            Problem(f"rules.{cycle[0]}", "derived facts form a cycle: " + " -> ".join(cycle)))
        return {}
    levels: dict[str, int] = {}
    for rule_id in order:
        levels[rule_id] = max((levels[d] + 1 for d in graph[rule_id]), default=0)
    return levels


def _check_causes(kb: KnowledgeBase, directory: Path, problems: dict[str, list[Problem]]) -> None:
    where = str(directory / "causes.yaml")
    band_ids = [b.id for b in kb.age_bands]
    if [b.max_age for b in kb.age_bands] != sorted(b.max_age for b in kb.age_bands):
        problems[where].append(Problem("age_bands", "bands must be in increasing max_age order"))
    missing = [c.value for c in CauseId if c.value not in kb.causes]
    if missing:
        problems[where].append(Problem("causes", f"missing causes: {', '.join(missing)}"))
    for cause in kb.causes.values():
        if sorted(cause.prior) != sorted(band_ids):
            problems[where].append(
                Problem(f"causes.{cause.id}.prior", f"needs exactly the age bands {band_ids}")
            )
        for key in cause.prior_refs:
            if key not in kb.references:
                problems[where].append(
                    Problem(f"causes.{cause.id}.prior_refs", _unknown(key, kb.references))
                )
        for step in cause.next_steps:
            if step not in kb.next_steps:
                problems[where].append(
                    Problem(f"causes.{cause.id}.next_steps", _unknown(step, kb.next_steps, "next step"))
                )
    steps_where = str(directory / "next_steps.yaml")
    for step in kb.next_steps.values():
        for key in step.refs:
            if key not in kb.references:
                problems[steps_where].append(
                    Problem(f"next_steps.{step.id}.refs", _unknown(key, kb.references))
                )
        for item in step.reveals:
            name, _, code = item.partition(":")
            spec = FIELDS.get(name)
            if spec is None or (code and code not in spec.allowed()):
                problems[steps_where].append(
                    Problem(f"next_steps.{step.id}.reveals", f"{item!r} is not a case field or code")
                )


def _unknown(key: str, known: dict[str, Any], noun: str = "reference") -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {noun} {key!r}{hint}"
