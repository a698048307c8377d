"""The knowledge base as validated data: the shapes of causes, references, next steps, rules.

Everything medical lives in ``rules/*.yaml``; this module only defines the shape of those
files and of the loaded whole. engine/loading.py reads and cross-checks them; rule
conditions are engine/conditions.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.conditions import Condition, Test
from engine.drills import Drill
from engine.facts import FIELDS
from engine.paths import RULES_DIR
from engine.profiles import ProfileBook
from engine.vocabulary import CODE_LISTS, CauseId

__all__ = ["RULES_DIR", "Condition", "KnowledgeBase", "PlacedRule", "Rule", "Test"]

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
RefKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Weight = Annotated[int, Field(strict=True, ge=1, le=3)]


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

    @cached_property
    def rule_fields(self) -> dict[str, frozenset[str]]:
        """Rule id -> every case field it reads, directly or through the derived facts it
        tests (followed back to the fields their rules read)."""
        derivers: dict[str, list[Rule]] = {}
        for placed in self.rules:
            for name in placed.rule.derives():
                derivers.setdefault(name, []).append(placed.rule)

        def fields_of(rule: Rule, depth: int = 0) -> set[str]:
            found: set[str] = set()
            for test, _ in rule.when.tests():
                if test.field == "fact":
                    for name in test.values:
                        for deriver in derivers.get(str(name), []) if depth < 8 else []:
                            found |= fields_of(deriver, depth + 1)
                elif test.field != "age":
                    found.add(test.field)
            return found

        return {placed.rule.id: frozenset(fields_of(placed.rule)) for placed in self.rules}

    @cached_property
    def finding_fields(self) -> dict[str, set[str]]:
        """Key finding -> the case fields it is read from (which next step reveals which finding)."""
        table: dict[str, set[str]] = {}
        for placed in self.rules:
            for effect in placed.rule.then:
                if effect.observe is not None:
                    table.setdefault(effect.observe.finding, set()).update(self.rule_fields[placed.rule.id])
        return table

    def age_band(self, age: int) -> AgeBand:
        for band in self.age_bands:
            if age <= band.max_age:
                return band
        return self.age_bands[-1]

    def rules_for(self, cause: str) -> list[PlacedRule]:
        return [p for p in self.rules if any(e.cause == cause for e in p.rule.then)]
