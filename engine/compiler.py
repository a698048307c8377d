"""Compiling the knowledge base into an experta KnowledgeEngine class.

Each YAML rule becomes an experta ``Rule`` with real patterns over the fact types of
engine/working_memory.py. Actions only declare facts (through the tracing engine, which
keeps their logical support) and record the firing; ranking happens after ``run()``.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable
from typing import Any

from experta import AND, AS, NOT, OR, Fact, P, Rule

from engine.facts import FIELDS, Kind
from engine.knowledge import Condition, KnowledgeBase, PlacedRule, Test
from engine.tracing import TracingEngine
from engine.working_memory import Derived, Finding

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


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
    action.placed = placed  # type: ignore[attr-defined]  # read back when a match is withdrawn
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


