"""CLIPS as a side-by-side reference for the experta engine (clipspy, a dev dependency).

The knowledge base is written out as CLIPS constructs (engine/clips_export.py); every case
runs through both engines, and the derived facts, evidence and seen key findings must be
the same sets. The bench also times both on the same cases (rule firing only, no scoring).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from engine.case import Case
from engine.clips_export import constructs
from engine.diagnosis import Diagnoser
from engine.facts import observations
from engine.working_memory import Derived, Evidence, Seen

Result = tuple[frozenset[str], frozenset[tuple[Any, ...]], frozenset[tuple[Any, ...]]]


class ClipsReference:
    """The knowledge base compiled once into a CLIPS environment."""

    def __init__(self, diagnoser: Diagnoser) -> None:
        import clips

        self.env = clips.Environment()
        started = time.perf_counter()
        for construct in constructs(diagnoser.kb):
            self.env.build(construct)
        self.build_s = time.perf_counter() - started
        self.finding = self.env.find_template("finding")

    def run(self, case: Case) -> Result:
        self.env.reset()
        for name, value in observations(case):
            self.finding.assert_fact(field=name, value=value)
        self.env.run()
        derived, evidence, seen = set(), set(), set()
        for fact in self.env.facts():
            kind = fact.template.name
            if kind == "derived":
                derived.add(fact["name"])
            elif kind == "evidence":
                evidence.add((fact["rule"], fact["cause"], fact["direction"], int(fact["weight"])))
            elif kind == "seen":
                seen.add((fact["rule"], fact["finding"], fact["value"]))
        return frozenset(derived), frozenset(evidence), frozenset(seen)


def experta_run(diagnoser: Diagnoser, case: Case) -> Result:
    with diagnoser.fired(case) as engine:
        derived, evidence, seen = set(), set(), set()
        for fact in engine.facts.values():
            if isinstance(fact, Derived):
                derived.add(fact["name"])
            elif isinstance(fact, Evidence):
                evidence.add((fact["rule"], fact["cause"], fact["direction"], fact["weight"]))
            elif isinstance(fact, Seen):
                seen.add((fact["rule"], fact["finding"], fact["value"]))
        return frozenset(derived), frozenset(evidence), frozenset(seen)


@dataclass
class Agreement:
    cases: int
    disagreeing: list[str]
    experta_s: float
    clips_s: float
    build_s: float

    @property
    def ratio(self) -> float:
        return self.experta_s / self.clips_s


def agreement(diagnoser: Diagnoser, cases: Iterable[Case], rounds: int = 3) -> Agreement:
    """Compare both engines on every case, then time each over ``rounds`` passes."""
    reference = ClipsReference(diagnoser)
    chosen = [case.without_expected() for case in cases]
    disagreeing = [case.id for case in chosen if reference.run(case) != experta_run(diagnoser, case)]
    timings = []
    for run in (lambda c: experta_run(diagnoser, c), reference.run):
        started = time.perf_counter()
        for _ in range(rounds):
            for case in chosen:
                run(case)
        timings.append(time.perf_counter() - started)
    return Agreement(len(chosen), disagreeing, timings[0], timings[1], reference.build_s)
