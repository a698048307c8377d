"""The run-time engine: experta's KnowledgeEngine plus a firing trace and logical support.

experta, like CLIPS without ``logical``, keeps what a rule declared after the rule's
match is gone. MarrowDx needs the opposite to probe what-ifs incrementally (declare or
retract one finding on a run engine, ``run()`` again, read, undo): every fact a rule
declares is supported by the activations that declared it, and when the network reports
a fired activation as removed (a matched fact was retracted, or a fact now spoils a
``not``), its unsupported conclusions are retracted too, and so on down the chain. The
result after any series of changes equals a fresh run on the final facts (a Hypothesis
property in tests/test_incremental.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from experta import Fact, InitialFact, KnowledgeEngine
from experta.matchers import ReteMatcher
from experta.strategies import DepthStrategy

from engine.knowledge import PlacedRule
from engine.working_memory import (
    Conclusion,
    Derived,
    DerivedConclusion,
    Evidence,
    EvidenceConclusion,
    Firing,
    ProfileConclusion,
    Seen,
    describe_fact,
)

FactKey = tuple[Any, ...]
ActivationKey = tuple[str, frozenset[int]]


def fact_key(fact: Fact) -> FactKey:
    """A fact's identity by content (experta refuses a second identical fact)."""
    return (type(fact).__name__, *sorted((k, v) for k, v in fact.items() if not fact.is_special(k)))


def _activation_key(rule_id: str, facts: Any) -> ActivationKey:
    return rule_id, frozenset(f["__factid__"] for f in facts if not isinstance(f, InitialFact))


class _SupportStrategy(DepthStrategy):
    """experta's depth strategy, telling the engine which activations lost their match."""

    def __init__(self, engine: TracingEngine) -> None:
        super().__init__()
        self.engine = engine

    def _update_agenda(self, agenda: Any, added: Any, removed: Any) -> None:
        super()._update_agenda(agenda, added, removed)
        if removed:
            # experta looks a removed activation up by bisection and checks only its two
            # neighbours; among equal keys (same salience, same facts) it can miss, and the
            # stale activation would fire later. Drop any that survived.
            for activation in removed:
                while activation in agenda.activations:
                    agenda.activations.remove(activation)
            self.engine.withdraw(removed)


class _DirtyMatcher(ReteMatcher):
    """experta's Rete matcher, asking only the conflict-set nodes a change reached.

    The stock matcher polls every rule's conflict-set node after every change (hundreds
    per firing); here each node notes itself when a token reaches it, and ``changes``
    reads only those. The activations returned are the same.
    """

    def __init__(self, engine: KnowledgeEngine) -> None:
        self._dirty: dict[Any, None] = {}
        super().__init__(engine)
        for node in self._get_conflict_set_nodes():
            self._watch(node)

    def _watch(self, node: Any) -> None:
        activate, dirty = node._activate, self._dirty

        def watched(token: Any) -> None:
            dirty[node] = None
            activate(token)

        node._activate = watched

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        for fact in deleting or ():
            self.root_node.remove(fact)
        for fact in adding or ():
            self.root_node.add(fact)
        added: list[Any] = []
        removed: list[Any] = []
        for node in self._dirty:
            node_added, node_removed = node.get_activations()
            added.extend(node_added)
            removed.extend(node_removed)
        self._dirty.clear()
        return added, removed


class TracingEngine(KnowledgeEngine):
    """KnowledgeEngine that records every firing and retracts what loses its support."""

    __matcher__ = _DirtyMatcher

    def __init__(self) -> None:
        super().__init__()
        self.strategy = _SupportStrategy(self)
        self._clear()

    def _clear(self) -> None:
        self.trace: list[Firing] = []
        self._support: dict[FactKey, set[ActivationKey]] = defaultdict(set)
        self._concluded: dict[ActivationKey, list[FactKey]] = {}
        self._live: dict[str, set[ActivationKey]] = defaultdict(set)
        self._index: dict[FactKey, int] = {}

    def reset(self, **kwargs: Any) -> None:
        super().reset(**kwargs)
        self._clear()

    def run(self, steps: float = float("inf")) -> None:
        """Run to quiescence: experta stops when the agenda is empty, but a withdrawal made
        on that last look may have retracted facts the network has not seen yet."""
        super().run(steps)
        while self.facts.added or self.facts.removed:
            super().run(steps)

    def conclude(self, placed: PlacedRule, matched: dict[str, Fact]) -> None:
        """Declare the rule's conclusions, note what supports them, and record the firing.

        A rule whose condition holds in several ways (an 'any') is activated once per
        way; the conclusions are the same facts, so the trace keeps one firing per rule
        and gathers everything it matched.
        """
        rule_id = placed.rule.id
        key = _activation_key(rule_id, matched.values())
        conclusions: list[Conclusion] = []
        facts: list[Fact] = []
        for effect in placed.rule.then:
            if effect.observe:
                facts.append(Seen(rule=rule_id, finding=effect.observe.finding, value=effect.observe.value))
                conclusions.append(ProfileConclusion(effect.observe.finding, effect.observe.value))
            elif effect.derive:
                facts.append(Derived(name=effect.derive))
                conclusions.append(DerivedConclusion(effect.derive))
            else:
                assert effect.cause and effect.direction and effect.weight
                facts.append(Evidence(rule=rule_id, cause=effect.cause, direction=effect.direction,
                                      weight=effect.weight))
                conclusions.append(EvidenceConclusion(effect.cause, effect.direction, effect.weight))
        keys = []
        for fact in facts:
            content = fact_key(fact)
            declared = self.declare(fact)
            if declared is not None:
                self._index[content] = declared["__factid__"]
            self._support[content].add(key)
            keys.append(content)
        self._concluded[key] = keys
        self._live[rule_id].add(key)
        self._record(placed, matched, tuple(conclusions))

    def _record(self, placed: PlacedRule, matched: dict[str, Fact],
                conclusions: tuple[Conclusion, ...]) -> None:
        seen = tuple(describe_fact(matched[name]) for name in sorted(matched))
        for index, earlier in enumerate(self.trace):
            if earlier.rule_id == placed.rule.id:
                merged = earlier.matched + tuple(m for m in seen if m not in earlier.matched)
                self.trace[index] = replace(earlier, matched=merged)
                return
        self.trace.append(Firing(len(self.trace) + 1, placed.rule.id, placed.level, seen, conclusions))

    def withdraw(self, removed: Any) -> None:
        """Fired activations the network no longer matches give up their conclusions."""
        for activation in removed:
            placed = getattr(activation.rule._wrapped, "placed", None)
            if placed is None:
                continue
            key = _activation_key(placed.rule.id, activation.facts)
            for content in self._concluded.pop(key, []):
                holders = self._support[content]
                holders.discard(key)
                if not holders and content in self._index:
                    self.facts.retract(self._index.pop(content))
                    del self._support[content]
            live = self._live[placed.rule.id]
            live.discard(key)
            if not live:
                self.trace = [f for f in self.trace if f.rule_id != placed.rule.id]
