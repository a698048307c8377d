"""Compiling the knowledge base into an experta KnowledgeEngine class.

Each YAML rule becomes an experta ``Rule`` with real patterns over three fact types:
``Finding`` (a case observation), ``Derived`` (an intermediate finding concluded by a
rule) and ``Evidence`` (a weighted vote for or against a cause). Actions only declare
facts and record the firing; ranking happens after ``run()`` (see scoring).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from experta import AND, AS, NOT, OR, Fact, KnowledgeEngine, P, Rule

from engine.facts import FIELDS, Kind
from engine.knowledge import Condition, KnowledgeBase, PlacedRule, Test

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class Finding(Fact):
    """One known observation of the case: ``Finding(field='t1', value='hypointense')``."""


class Derived(Fact):
    """An intermediate finding concluded by a rule: ``Derived(name='marrow_replacement')``."""


class Evidence(Fact):
    """A weighted vote: ``Evidence(rule=..., cause=..., direction='for'|'against', weight=n)``."""


class Seen(Fact):
    """A key finding of the profiles: ``Seen(rule=..., finding='t1_class', value='below')``.

    One fact carries the evidence for every cause at once; the scorer reads the cause
    frequencies from the profile table, so the network holds one rule per finding value.
    """


@dataclass(frozen=True)
class DerivedConclusion:
    """A rule concluded an intermediate finding."""

    fact: str

    def describe(self) -> str:
        return f"derives {self.fact}"


@dataclass(frozen=True)
class EvidenceConclusion:
    """A hand rule voted for or against a cause."""

    cause: str
    direction: Literal["for", "against"]
    weight: int

    def describe(self) -> str:
        return f"{self.direction} {self.cause} (weight {self.weight})"


@dataclass(frozen=True)
class ProfileConclusion:
    """A profile rule saw a key finding; its evidence covers every cause."""

    finding: str
    value: str

    def describe(self) -> str:
        return f"profile evidence: {self.finding} = {self.value}"


Conclusion = DerivedConclusion | EvidenceConclusion | ProfileConclusion


@dataclass(frozen=True)
class Firing:
    """One rule firing, in engine order, with what it matched and what it concluded."""

    step: int
    rule_id: str
    level: int
    matched: tuple[tuple[str, Any], ...]
    conclusions: tuple[Conclusion, ...]

    @property
    def derived(self) -> tuple[str, ...]:
        return tuple(c.fact for c in self.conclusions if isinstance(c, DerivedConclusion))


class TracingEngine(KnowledgeEngine):
    """KnowledgeEngine that records every firing; compiled rules call ``conclude``."""

    def __init__(self) -> None:
        super().__init__()
        self.trace: list[Firing] = []

    def reset(self, **kwargs: Any) -> None:
        super().reset(**kwargs)
        self.trace = []

    def conclude(self, placed: PlacedRule, matched: dict[str, Fact]) -> None:
        """Declare the rule's conclusions and record the firing.

        A rule whose condition holds in several ways (an 'any') is activated once per
        way; the conclusions are the same facts, so the trace keeps one firing per rule
        and gathers everything it matched.
        """
        conclusions: list[Conclusion] = []
        for effect in placed.rule.then:
            if effect.observe:
                self.declare(Seen(rule=placed.rule.id, finding=effect.observe.finding,
                                  value=effect.observe.value))
                conclusions.append(ProfileConclusion(effect.observe.finding, effect.observe.value))
            elif effect.derive:
                self.declare(Derived(name=effect.derive))
                conclusions.append(DerivedConclusion(effect.derive))
            else:
                self.declare(
                    Evidence(
                        rule=placed.rule.id,
                        cause=effect.cause,
                        direction=effect.direction,
                        weight=effect.weight,
                    )
                )
                assert effect.cause and effect.direction and effect.weight
                conclusions.append(EvidenceConclusion(effect.cause, effect.direction, effect.weight))
        seen = tuple(_describe_fact(matched[key]) for key in sorted(matched))
        for index, earlier in enumerate(self.trace):
            if earlier.rule_id == placed.rule.id:
                merged = earlier.matched + tuple(m for m in seen if m not in earlier.matched)
                self.trace[index] = replace(earlier, matched=merged)
                return
        self.trace.append(
            Firing(len(self.trace) + 1, placed.rule.id, placed.level, seen, tuple(conclusions))
        )


def _describe_fact(fact: Fact) -> tuple[str, Any]:
    if isinstance(fact, Derived):
        return ("fact", fact["name"])
    return (fact["field"], fact["value"])


def _predicate(test: Test) -> Callable[[Any], bool]:
    if test.op == "in":
        allowed = frozenset(test.values)
        return lambda value: value in allowed
    compare = _COMPARE[test.op]
    bound = float(test.values[0])
    return lambda value: isinstance(value, float) and compare(value, bound)


def _pattern(test: Test) -> Fact:
    if test.field == "fact":
        names = frozenset(str(v) for v in test.values)
        if len(names) == 1:
            return Derived(name=next(iter(names)))
        return Derived(name=P(lambda value: value in names))
    spec = FIELDS[test.field]
    if test.op == "in" and len(test.values) == 1 and spec.kind is not Kind.number:
        return Finding(field=test.field, value=test.values[0])
    return Finding(field=test.field, value=P(_predicate(test)))


def _compile(condition: Condition, names: Iterable[str], positive: bool = True) -> Any:
    """Condition -> experta conditional element; positive tests get a binding name."""
    if condition.kind == "test":
        assert condition.test is not None
        pattern = _pattern(condition.test)
        return getattr(AS, next(names)) << pattern if positive else pattern
    if condition.kind == "not":
        return NOT(_compile(condition.children[0], names, positive=False))
    parts = [_compile(child, names, positive) for child in condition.children]
    return AND(*parts) if condition.kind == "all" else OR(*parts)


def _action(placed: PlacedRule) -> Callable[..., None]:
    def action(engine: TracingEngine, **matched: Fact) -> None:
        engine.conclude(placed, matched)

    action.__name__ = placed.rule.id.replace("-", "_")
    return action


def compile_engine(kb: KnowledgeBase) -> type[TracingEngine]:
    """Build the KnowledgeEngine subclass for a knowledge base (do this once per process).

    Salience decreases with the rule's stratum, so all rules reading only findings fire
    before rules reading derived facts, and so on: a 'not fact' test is never read early.
    """
    top = max((p.level for p in kb.rules), default=0)
    attributes: dict[str, Any] = {}
    for index, placed in enumerate(kb.rules):
        names = (f"m{n}" for n in itertools.count())
        element = _compile(placed.rule.when, names)
        salience = (top - placed.level) * 10
        attributes[f"rule_{index:04d}"] = Rule(element, salience=salience)(_action(placed))
    return type("MarrowDxEngine", (TracingEngine,), attributes)


def case_facts(observations: Iterable[tuple[str, Any]]) -> list[Finding]:
    """Case observations as hashable experta facts."""
    return [Finding(field=name, value=value) for name, value in observations]
