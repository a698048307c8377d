"""The knowledge base as CLIPS constructs: a second, independent reading of the rules.

The same YAML rules the experta compiler reads are written out as CLIPS ``deftemplate``
and ``defrule`` text (with the same saliences), so the bench and a test can run every
curated case through CLIPS (via the dev-only ``clipspy``) and compare derived facts and
evidence with experta's. Only text is produced here; nothing imports clipspy.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from engine.conditions import Condition, Test
from engine.knowledge import KnowledgeBase, PlacedRule

TEMPLATES = [
    "(deftemplate finding (slot field) (slot value))",
    "(deftemplate derived (slot name))",
    "(deftemplate evidence (slot rule) (slot cause) (slot direction) (slot weight))",
    "(deftemplate seen (slot rule) (slot finding) (slot value))",
]
_OPERATOR = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def _text(value: Any) -> str:
    return json.dumps(str(value))  # a CLIPS string literal


def _pattern(test: Test, names: Iterator[str]) -> str:
    if test.field == "fact":
        choices = "|".join(_text(v) for v in test.values)
        return f"(derived (name {choices}))"
    if test.op == "in":
        choices = "|".join(_text(v) for v in test.values)
        return f"(finding (field {_text(test.field)}) (value {choices}))"
    var = next(names)
    bound = float(test.values[0])
    return (f"(finding (field {_text(test.field)}) "
            f"(value ?{var}&:(and (numberp ?{var}) ({_OPERATOR[test.op]} ?{var} {bound!r}))))")


def _condition(condition: Condition, names: Iterator[str]) -> str:
    if condition.kind == "test":
        assert condition.test is not None
        return _pattern(condition.test, names)
    parts = " ".join(_condition(child, names) for child in condition.children)
    return {"all": f"(and {parts})", "any": f"(or {parts})", "not": f"(not {parts})"}[condition.kind]


def _actions(placed: PlacedRule) -> Iterable[str]:
    rule_id = placed.rule.id
    for effect in placed.rule.then:
        if effect.observe:
            yield (f"(assert (seen (rule {_text(rule_id)}) (finding {_text(effect.observe.finding)}) "
                   f"(value {_text(effect.observe.value)})))")
        elif effect.derive:
            yield f"(assert (derived (name {_text(effect.derive)})))"
        else:
            yield (f"(assert (evidence (rule {_text(rule_id)}) (cause {_text(effect.cause)}) "
                   f"(direction {_text(effect.direction)}) (weight {effect.weight})))")


def constructs(kb: KnowledgeBase) -> list[str]:
    """Every construct, templates first; saliences follow the strata as experta's do."""
    top = max((p.level for p in kb.rules), default=0)
    built = list(TEMPLATES)
    for placed in kb.rules:
        names = (f"v{n}" for n in itertools.count())
        when = _condition(placed.rule.when, names)
        salience = (top - placed.level) * 10
        built.append(f"(defrule {placed.rule.id} (declare (salience {salience})) {when} => "
                     + " ".join(_actions(placed)) + ")")
    return built
