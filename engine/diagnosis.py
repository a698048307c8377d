"""The public entry point: a case in, a ranked and traced differential out.

The experta engine class is compiled once per process, and its instances are pooled:
a diagnosis borrows an idle instance (``reset()`` then ``run()``) and returns it, because
building experta's matching network costs about a millisecond per rule and an instance
is not thread-safe. A pool rather than one instance per thread, since Streamlit runs
every rerun in a fresh thread. The command line and the app both call ``diagnose``.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from engine.case import Case
from engine.compiler import compile_engine
from engine.facts import observations
from engine.knowledge import RULES_DIR, KnowledgeBase
from engine.next_steps import ordered_step_ids
from engine.profiles import VISIBLE, Observation
from engine.scoring import CauseScore, EvidenceItem, rank
from engine.tracing import TracingEngine
from engine.working_memory import Derived, Evidence, Firing, Seen, case_facts

DISCLAIMER = (
    "Educational use only: scores are relative plausibility for teaching, not a diagnosis."
)


@dataclass
class Diagnosis:
    case_id: str
    age: int
    differential: list[CauseScore]
    derived: list[str]
    evidence: list[EvidenceItem]
    trace: list[Firing]
    next_steps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def rank_of(self, cause: str) -> int | None:
        for position, entry in enumerate(self.differential, start=1):
            if entry.cause == cause:
                return position
        return None

    def to_contract(self) -> dict[str, Any]:
        """The JSON object of CONTRACT section 3."""
        return {
            "case_id": self.case_id,
            "differential": [
                {
                    "cause": e.cause,
                    "label": e.label,
                    "score": e.score,
                    "category": e.category,
                    "must_not_miss": e.must_not_miss,
                    "supporting": e.supporting,
                    "opposing": e.opposing,
                }
                for e in self.differential
            ],
            "next_steps": self.next_steps,
            "warnings": self.warnings,
        }


class Diagnoser:
    """A knowledge base compiled once, with one reusable engine instance per thread."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.engine_class = compile_engine(kb)
        self._idle: queue.SimpleQueue[TracingEngine] = queue.SimpleQueue()

    def borrow(self) -> TracingEngine:
        """An idle engine instance (a new one when all are busy); give it back after use."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return self.engine_class()

    def give_back(self, engine: TracingEngine) -> None:
        self._idle.put(engine)

    @contextmanager
    def fired(self, case: Case) -> Iterator[TracingEngine]:
        """A pooled engine that has run on the case (without its expected block), for
        reading its working memory; it goes back to the pool afterwards."""
        engine = self.borrow()
        try:
            engine.reset()
            engine.declare(*case_facts(observations(case.without_expected())))
            engine.run()
            yield engine
        finally:
            self.give_back(engine)

    def run(self, case: Case) -> tuple[list[str], list[EvidenceItem], list[Firing]]:
        """Fire the rules on a case; return derived facts, evidence and the firing trace."""
        with self.fired(case) as engine:
            return self.read(engine)

    def read(self, engine: TracingEngine) -> tuple[list[str], list[EvidenceItem], list[Firing]]:
        """Derived facts, evidence and trace of a run engine's working memory."""
        derived: list[str] = []
        evidence: list[EvidenceItem] = []
        for fact in engine.facts.values():
            if isinstance(fact, Derived):
                derived.append(fact["name"])
            elif isinstance(fact, Evidence):
                evidence.append(EvidenceItem(fact["rule"], fact["cause"], fact["direction"], fact["weight"]))
            elif isinstance(fact, Seen):
                evidence += self._profile_evidence(fact["rule"], Observation(fact["finding"], fact["value"]))
        return sorted(derived), evidence, list(engine.trace)

    def _profile_evidence(self, rule_id: str, obs: Observation) -> list[EvidenceItem]:
        """The profile table's points for one seen key finding, as evidence per cause."""
        assert self.kb.profiles is not None
        return [
            EvidenceItem(rule_id, cause, "for" if points > 0 else "against", abs(points), "profile")
            for cause, points in self.kb.profiles.points[obs].items()
            if abs(points) >= VISIBLE
        ]

    def diagnose(self, case: Case) -> Diagnosis:
        return self.diagnosis_of(case, *self.run(case))

    def diagnosis_of(self, case: Case, derived: list[str], evidence: list[EvidenceItem],
                     trace: list[Firing]) -> Diagnosis:
        """Rank a run's evidence into the Diagnosis of ``case``."""
        differential = rank(self.kb, case.patient.age, evidence)
        return Diagnosis(
            case_id=case.id,
            age=case.patient.age,
            differential=differential,
            derived=derived,
            evidence=evidence,
            trace=trace,
            next_steps=self.next_steps(differential),
            warnings=self.warnings(differential),
        )

    def next_steps(self, differential: list[CauseScore]) -> list[str]:
        """The leaders' next steps, in the one ordering `explain` also uses."""
        return [self.kb.next_steps[s].label for s in ordered_step_ids(self.kb, differential)]

    def warnings(self, differential: list[CauseScore], leaders: int = 3) -> list[str]:
        notes = [DISCLAIMER]
        if not differential:
            notes.append("No rule fired: record more findings before reading anything into this.")
        urgent = [e.label for e in differential[:leaders] if e.must_not_miss]
        if urgent:
            notes.append(
                "Must-not-miss cause(s) among the leaders: " + ", ".join(urgent)
                + ". Exclude them actively."
            )
        return notes


@lru_cache(maxsize=4)
def get_diagnoser(rules_dir: Path = RULES_DIR) -> Diagnoser:
    """The process-wide diagnoser for a rules folder (compiled on first use; the validated
    knowledge comes from the cache when the files are unchanged)."""
    from engine.knowledge_cache import cached_knowledge

    return Diagnoser(cached_knowledge(rules_dir))


def diagnose(case: Case) -> Diagnosis:
    """Diagnose one case with the default knowledge base."""
    return get_diagnoser().diagnose(case)
