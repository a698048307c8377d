"""Where hand rules and finding profiles would count the same evidence twice (lint).

The profiles already give every cause a likelihood for every key finding. A hand rule that
speaks on a key finding alone adds that finding a second time: either it supports a few
causes on a finding the profiles call common elsewhere (it tilts the list), or it merely
restates one profile value for a cause whose profile states that finding. Both are found
statically, by following each rule's positive tests back through the derived facts to the
case inputs they read, and comparing those with the inputs of each profile value.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.knowledge import Condition, KnowledgeBase, Rule
from engine.profiles import Observation

COMMON = 0.25  # the lower edge of the 'common' band of rules/profiles/findings.yaml
# Age is read by the T1 derivations (children's marrow is darker), so nearly every rule
# reads it; it is left out of the comparison and counted by the age_band profile.
SET_ASIDE = frozenset({"age"})

Input = tuple[str, str]  # (case field, value or comparison) a condition reads positively


@dataclass(frozen=True)
class Overlap:
    rule_id: str
    file: str
    message: str


def _inputs(kb: KnowledgeBase) -> dict[str, frozenset[Input]]:
    """Rule id -> the case inputs its condition reads positively, through derived facts."""
    derivers: dict[str, list[Rule]] = {}
    for placed in kb.rules:
        for name in placed.rule.derives():
            derivers.setdefault(name, []).append(placed.rule)

    def read(condition: Condition, seen: frozenset[str]) -> set[Input]:
        found: set[Input] = set()
        for test, positive in condition.tests():
            if not positive or test.field in SET_ASIDE:
                continue
            if test.field == "fact":
                for name in map(str, test.values):
                    if name not in seen:
                        for rule in derivers.get(name, []):
                            found |= read(rule.when, seen | {name})
            elif test.op == "in":
                found |= {(test.field, str(v)) for v in test.values}
            else:
                found.add((test.field, test.op))
        return found

    return {placed.rule.id: frozenset(read(placed.rule.when, frozenset())) for placed in kb.rules}


def _profile_values(kb: KnowledgeBase, inputs: dict[str, frozenset[Input]]
                    ) -> dict[Observation, frozenset[Input]]:
    table: dict[Observation, frozenset[Input]] = {}
    for placed in kb.rules:
        for effect in placed.rule.then:
            if effect.observe is not None and effect.observe.finding != "age_band":
                table[Observation(effect.observe.finding, effect.observe.value)] = \
                    inputs[placed.rule.id]
    return table


def overlaps(kb: KnowledgeBase) -> list[Overlap]:
    """Hand rules that count a key finding the profiles already count."""
    book = kb.profiles
    if book is None:
        return []
    inputs = _inputs(kb)
    values = _profile_values(kb, inputs)
    by_value = {obs: [p for p in kb.rules if p.family != "profiles" and inputs[p.rule.id] == read]
                for obs, read in values.items()}
    found: list[Overlap] = []
    for obs, rules in sorted(by_value.items(), key=lambda item: (item[0].finding, item[0].value)):
        for placed in rules:
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
    stated = [e.cause for e in rule.then
              if e.cause in profiles and obs.finding in profiles[e.cause].frequencies]
    if not stated:
        return []
    return [Overlap(rule.id, file,
                    f"restates {obs.finding}={obs.value} for {', '.join(sorted(set(stated)))}, "
                    f"whose profile already counts that finding; keep it in the profile")]
