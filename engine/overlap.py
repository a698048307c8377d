"""Where hand rules and finding profiles would count the same evidence twice (lint).

The profiles already give every cause a likelihood for every key finding. A hand rule that
fires whenever a profile value is recorded counts that value a second time: either it
supports a few causes on a finding the profiles call common elsewhere (it tilts the list),
or it restates the value for a cause whose profile already states that finding.

Both are found statically. Every condition is unfolded into the sets of case inputs that can
make it true (its alternatives, with derived facts replaced by the conditions that derive
them; negated tests only narrow a rule, so they are left out). A rule fires whenever a
profile value does when each alternative of the value contains some alternative of the rule.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from engine.knowledge import Condition, KnowledgeBase, Rule, Test
from engine.profiles import Observation
from engine.satisfiable import MAX_ALTERNATIVES, alternatives

COMMON = 0.25  # the lower edge of the 'common' band of rules/profiles/findings.yaml

Input = tuple[str, str]  # (case field, value or comparison) a condition needs
Alternatives = list[frozenset[Input]]


@dataclass(frozen=True)
class Overlap:
    rule_id: str
    file: str
    message: str


class _Unfolder:
    """Conditions as alternatives of case inputs: the disjunctive normal form of
    engine/satisfiable.py, with derived facts unfolded and negated tests dropped."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.derivers: dict[str, list[Rule]] = {}
        for placed in kb.rules:
            for name in placed.rule.derives():
                self.derivers.setdefault(name, []).append(placed.rule)

    def __call__(self, condition: Condition, seen: frozenset[str] = frozenset()) -> Alternatives:
        found: Alternatives = []
        for conjunction in alternatives(condition):
            combined: Alternatives = [frozenset()]
            for test, positive in conjunction:
                if positive:  # a negated test narrows the rule, it needs no input
                    combined = [a | b for a, b in
                                itertools.product(combined, self._inputs(test, seen))]
            found += combined
        return found[:MAX_ALTERNATIVES]

    def _inputs(self, test: Test, seen: frozenset[str]) -> Alternatives:
        """The ways one positive test can hold: each value, or each way to derive a fact."""
        if test.field == "fact":
            found = [alt for name in map(str, test.values) if name not in seen
                     for rule in self.derivers.get(name, [])
                     for alt in self(rule.when, seen | {name})]
            return found[:MAX_ALTERNATIVES] or [frozenset()]
        if test.op == "in":
            return [frozenset({(test.field, str(value))}) for value in test.values]
        return [frozenset({(test.field, f"{test.op} {test.values[0]}")})]


def _fires_whenever(rule: Alternatives, value: Alternatives) -> bool:
    return bool(value) and all(any(alt and alt <= need for alt in rule) for need in value)


def overlaps(kb: KnowledgeBase) -> list[Overlap]:
    """Hand rules that count a key finding the profiles already count."""
    if kb.profiles is None:
        return []
    unfold = _Unfolder(kb)
    values = {Observation(e.observe.finding, e.observe.value): unfold(p.rule.when)
              for p in kb.rules for e in p.rule.then
              if e.observe is not None and e.observe.finding != "age_band"}
    found: list[Overlap] = []
    for placed in kb.rules:
        if placed.family == "profiles" or not any(e.cause for e in placed.rule.then):
            continue
        mine = unfold(placed.rule.when)
        for obs in sorted(values, key=lambda o: (o.finding, o.value)):
            if _fires_whenever(mine, values[obs]):
                found += _tilts(kb, placed.rule, placed.file, obs)
                found += _restates(kb, placed.rule, placed.file, obs)
    return found


def _tilts(kb: KnowledgeBase, rule: Rule, file: str, obs: Observation) -> list[Overlap]:
    assert kb.profiles is not None
    supported = {e.cause for e in rule.then if e.support is not None}
    if not supported:
        return []
    common_elsewhere = sorted(c for c in kb.causes if c not in supported
                              and kb.profiles.likelihood(c, obs) >= COMMON)
    if not common_elsewhere:
        return []
    return [Overlap(rule.id, file,
                    f"supports {', '.join(sorted(supported))} on {obs.finding}={obs.value}, which "
                    f"the profiles find as common in {len(common_elsewhere)} other causes "
                    f"(e.g. {', '.join(common_elsewhere[:3])}); let the profile carry it")]


def _restates(kb: KnowledgeBase, rule: Rule, file: str, obs: Observation) -> list[Overlap]:
    assert kb.profiles is not None
    profiles = kb.profiles.profiles
    stated = sorted({e.cause for e in rule.then
                     if e.cause in profiles and obs.finding in profiles[e.cause].frequencies})
    if not stated:
        return []
    return [Overlap(rule.id, file,
                    f"restates {obs.finding}={obs.value} for {', '.join(stated)}, whose profile "
                    f"already counts that finding; keep it in the profile")]
