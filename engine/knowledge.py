"""The knowledge base as validated data: causes, references, next steps, rules.

Everything medical lives in ``rules/*.yaml``; this module only defines the shape of
those files, loads them and checks that they hang together (ids resolve, derived
facts are declared, no cycles). A malformed file fails here with file, rule and problem.
"""

from __future__ import annotations

import difflib
import graphlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.documents import InputError, Problem, read_document, validate
from engine.drills import Drill, DrillFile
from engine.facts import FIELDS, Kind
from engine.paths import RULES_DIR
from engine.profiles import CauseProfile, FindingsFile, KeyFinding, ProfileBook, ProfileFile
from engine.vocabulary import CODE_LISTS, CauseId

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
RefKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Weight = Annotated[int, Field(strict=True, ge=1, le=3)]
COMPARATORS = ("gt", "gte", "lt", "lte")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- references


class Reference(_Strict):
    citation: str = Field(min_length=10)
    doi: str | None = Field(None, pattern=r"^10\.\d{4,9}/\S+$")
    url: str | None = Field(None, pattern=r"^https?://\S+$")
    note: str = Field(min_length=10, description="what MarrowDx takes from it, in our words")

    @model_validator(mode="after")
    def _locatable(self) -> Reference:
        if not (self.doi or self.url):
            raise ValueError("a reference needs a doi or a url")
        return self

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else str(self.url)


class ReferenceFile(_Strict):
    references: dict[RefKey, Reference]


# ---------------------------------------------------------------- causes and next steps


class AgeBand(_Strict):
    id: Slug
    label: str
    max_age: Annotated[int, Field(strict=True, ge=0, le=120)]


class Cause(_Strict):
    id: CauseId
    label: str
    category: str
    must_not_miss: bool
    description: str = Field(min_length=20)
    prior: dict[Slug, Annotated[float, Field(ge=-8, le=8)]]
    prior_basis: str = Field(min_length=10, description="where the prior comes from")
    prior_refs: list[RefKey] = []
    next_steps: list[Slug] = Field(min_length=1)


class MalignantShare(_Strict):
    """The cited share of malignant causes among marrow signal abnormalities (lint checks it)."""

    low: Annotated[float, Field(gt=0, lt=1)]
    high: Annotated[float, Field(gt=0, lt=1)]
    refs: list[RefKey] = Field(min_length=1)


class Scoring(_Strict):
    plausibility_base: Annotated[float, Field(gt=1, le=10)]
    explanation: str
    judgement_prior_bound: Annotated[float, Field(gt=0, le=6)] = 2
    malignant_share: MalignantShare | None = None


class CauseFile(_Strict):
    scoring: Scoring
    age_bands: list[AgeBand] = Field(min_length=1)
    causes: list[Cause]


class NextStep(_Strict):
    id: Slug
    label: str
    purpose: str = Field(min_length=10)
    reveals: list[str] = Field(
        default=[], description="case fields ('adc') or codes ('history:monoclonal_protein')"
    )
    refs: list[RefKey] = Field(min_length=1)


class NextStepFile(_Strict):
    next_steps: list[NextStep]


# ---------------------------------------------------------------- rule conditions


class Test(_Strict):
    """One comparison against one case field or derived fact."""

    field: str
    op: Literal["in", "gt", "gte", "lt", "lte"]
    values: tuple[str | float, ...]

    def describe(self) -> str:
        if self.field == "fact":
            return " or ".join(str(v) for v in self.values)
        if self.op == "in":
            shown = " or ".join(str(v) for v in self.values)
            verb = "includes" if FIELDS[self.field].kind is Kind.codes else "is"
            return f"{self.field} {verb} {shown}"
        symbol = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[self.op]
        return f"{self.field} {symbol} {self.values[0]:g}"


class Condition(_Strict):
    """all / any / not over tests, read from the compact YAML form.

    YAML: ``{t1: hypointense}``, ``{t1: [hypointense, mixed]}``, ``{adc: {lt: 1.0}}``,
    ``{signs: halo_sign}``, ``{fact: marrow_replacement}``, ``{all: [...]}``,
    ``{any: [...]}``, ``{not: {...}}``.
    """

    kind: Literal["all", "any", "not", "test"]
    children: tuple[Condition, ...] = ()
    test: Test | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: Any) -> Any:
        if isinstance(data, dict) and "kind" in data:
            return data
        if not isinstance(data, dict) or len(data) != 1:
            raise ValueError(
                "a condition is a mapping with exactly one key: all, any, not, fact "
                f"or a case field ({', '.join(FIELDS)})"
            )
        (key, value), = data.items()
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise ValueError(f"'{key}' takes a non-empty list of conditions")
            return {"kind": key, "children": value}
        if key == "not":
            return {"kind": "not", "children": [value]}
        if key == "fact":
            names = value if isinstance(value, list) else [value]
            return {"kind": "test", "test": {"field": "fact", "op": "in", "values": names}}
        return {"kind": "test", "test": _test_from_yaml(str(key), value)}

    def tests(self) -> list[tuple[Test, bool]]:
        """Every test with whether it is asked positively (not under an odd number of 'not')."""
        if self.kind == "test":
            assert self.test is not None
            return [(self.test, True)]
        found: list[tuple[Test, bool]] = []
        for child in self.children:
            for test, positive in child.tests():
                found.append((test, positive if self.kind != "not" else not positive))
        return found

    def describe(self) -> str:
        if self.kind == "test":
            assert self.test is not None
            return self.test.describe()
        if self.kind == "not":
            return f"NOT ({self.children[0].describe()})"
        joiner = " AND " if self.kind == "all" else " OR "
        parts = [c.describe() if c.kind in ("test", "not") else f"({c.describe()})"
                 for c in self.children]
        return joiner.join(parts)


def _test_from_yaml(name: str, value: Any) -> dict[str, Any]:
    spec = FIELDS.get(name)
    if spec is None:
        raise ValueError(
            f"unknown condition key {name!r}; use all, any, not, fact or one of {', '.join(FIELDS)}"
        )
    if spec.kind is Kind.number:
        if not isinstance(value, dict) or not value:
            raise ValueError(f"{name} is a number: compare it with {{gt|gte|lt|lte: N}}")
        tests = []
        for op, bound in value.items():
            if op not in COMPARATORS:
                raise ValueError(f"{name}: {op!r} is not one of {', '.join(COMPARATORS)}")
            if isinstance(bound, bool) or not isinstance(bound, int | float):
                raise ValueError(f"{name}: {op} needs a number, got {bound!r}")
            tests.append({"field": name, "op": op, "values": [float(bound)]})
        if len(tests) > 1:
            raise ValueError(f"{name}: one comparison per test; combine two with 'all'")
        return tests[0]
    codes = value if isinstance(value, list) else [value]
    allowed = spec.allowed()
    for code in codes:
        if code not in allowed:
            raise ValueError(f"{name}: {code!r} is not one of {', '.join(allowed)}")
    return {"field": name, "op": "in", "values": [str(c) for c in codes]}


# ---------------------------------------------------------------- rules


class Observed(_Strict):
    """A profile rule's conclusion: key finding ``finding`` was seen with ``value``."""

    finding: str
    value: str


class Effect(_Strict):
    """What a rule concludes: a derived finding, weighted evidence for/against a cause, or
    (for compiled profile rules) a key finding whose profile evidence covers every cause."""

    derive: Slug | None = None
    support: CauseId | None = None
    oppose: CauseId | None = None
    weight: Weight | None = None
    observe: Observed | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Effect:
        chosen = [k for k in ("derive", "support", "oppose", "observe") if getattr(self, k) is not None]
        if self.observe is not None:
            if len(chosen) != 1 or self.weight is not None:
                raise ValueError("an observe effect stands alone and takes no weight")
            return self
        if len(chosen) != 1:
            raise ValueError("an effect is exactly one of derive, support or oppose")
        if self.derive is not None and self.weight is not None:
            raise ValueError("a derived finding takes no weight")
        if self.derive is None and self.weight is None:
            raise ValueError("support and oppose need a weight (1, 2 or 3)")
        return self

    @property
    def cause(self) -> str | None:
        value = self.support or self.oppose
        return value.value if value is not None else None

    @property
    def direction(self) -> Literal["for", "against"] | None:
        if self.support is not None:
            return "for"
        return "against" if self.oppose is not None else None

    def describe(self) -> str:
        if self.observe:
            return f"profile evidence for every cause ({self.observe.finding} = {self.observe.value})"
        if self.derive:
            return f"conclude {self.derive}"
        verb = "supports" if self.support else "argues against"
        return f"{verb} {self.cause} (weight {self.weight})"


class Rule(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    when: Condition
    then: list[Effect] = Field(min_length=1)
    rationale: str = Field(min_length=15)
    refs: list[RefKey] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _single_effect(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("then"), dict):
            return {**data, "then": [data["then"]]}
        return data

    def derives(self) -> list[str]:
        return [e.derive for e in self.then if e.derive]

    def uses_facts(self) -> list[str]:
        return [str(v) for t, _ in self.when.tests() if t.field == "fact" for v in t.values]

    def describe(self) -> str:
        return f"IF {self.when.describe()} THEN " + "; ".join(e.describe() for e in self.then)


class DerivedFact(_Strict):
    id: Slug
    label: str
    description: str = Field(min_length=15)


class RuleFile(_Strict):
    family: Slug
    title: str
    description: str = ""
    facts: list[DerivedFact] = []
    rules: list[Rule] = Field(min_length=1)


class GlossaryEntry(_Strict):
    label: str
    help: str = ""


class Glossary(_Strict):
    """Labels and one-line help for every code, for the app's widgets and the explanations."""

    fields: dict[str, GlossaryEntry] = {}
    codes: dict[str, dict[str, GlossaryEntry]] = {}

    @classmethod
    def from_vocabulary(cls) -> Glossary:
        """Labels and help of every field and code, as rules/vocabulary.yaml gives them."""
        fields = {name: GlossaryEntry(label=spec.label, help=spec.help) for name, spec in FIELDS.items()}
        codes = {name: {c.code: GlossaryEntry(label=c.label, help=c.help)
                        for c in CODE_LISTS[spec.code_list]}
                 for name, spec in FIELDS.items() if spec.code_list}
        return cls(fields=fields, codes=codes)

    def label(self, field: str, code: str | None = None) -> str:
        if code is None:
            entry = self.fields.get(field)
            return entry.label if entry else field.replace("_", " ")
        entry = self.codes.get(field, {}).get(code)
        return entry.label if entry else code.replace("_", " ")

    def help(self, field: str, code: str | None = None) -> str:
        entry = self.fields.get(field) if code is None else self.codes.get(field, {}).get(code)
        return entry.help if entry else ""


class PlainLanguage(_Strict):
    """Patient-facing paragraphs for the plain-language summary ({causes}, {tests} filled in)."""

    intro: str = ""
    leaders: str = "{causes}"
    by_category: dict[str, str] = {}
    next_steps: str = "{tests}"
    support: str = ""
    disclaimer: str = ""


# ---------------------------------------------------------------- the whole knowledge base


@dataclass(frozen=True)
class PlacedRule:
    """A rule with the file it came from and its stratum (0 = reads only case findings)."""

    rule: Rule
    family: str
    file: str
    level: int


@dataclass
class KnowledgeBase:
    scoring: Scoring
    age_bands: list[AgeBand]
    causes: dict[str, Cause]
    references: dict[str, Reference]
    next_steps: dict[str, NextStep]
    facts: dict[str, DerivedFact]
    rules: list[PlacedRule]
    families: dict[str, RuleFile] = field(default_factory=dict)
    glossary: Glossary = field(default_factory=Glossary)
    plain_language: PlainLanguage = field(default_factory=PlainLanguage)
    profiles: ProfileBook | None = None
    drills: list[Drill] = field(default_factory=list)

    @cached_property
    def rules_by_id(self) -> dict[str, PlacedRule]:
        return {placed.rule.id: placed for placed in self.rules}

    def age_band(self, age: int) -> AgeBand:
        for band in self.age_bands:
            if age <= band.max_age:
                return band
        return self.age_bands[-1]

    def rules_for(self, cause: str) -> list[PlacedRule]:
        return [p for p in self.rules if any(e.cause == cause for e in p.rule.then)]


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
               "plain_language.yaml", "drills.yaml"}
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
