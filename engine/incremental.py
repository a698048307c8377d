"""What-if probes on a run engine: change only the findings that differ, run, read, undo.

A probe used to reset the engine and rerun every rule. Rete is incremental, so a
``WhatIf`` session runs the case once, then for each variant retracts the findings the
variant lacks and declares the ones it adds, runs again (only the affected part of the
network fires, and engine/tracing.py withdraws conclusions that lost their support),
reads the result, and undoes the change. Teach's comparisons and the bench use it; the
result equals a full rerun (tests/test_incremental.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import Any

from experta import Fact

from engine.case import Case
from engine.diagnosis import Diagnoser, Diagnosis
from engine.facts import observations
from engine.working_memory import Finding

Observation = tuple[str, Any]


class WhatIf:
    """One case run once; variants of it are probed incrementally. Use as a context manager
    (or call ``close``) so the engine goes back to the diagnoser's pool."""

    def __init__(self, diagnoser: Diagnoser, case: Case) -> None:
        self.diagnoser = diagnoser
        self.case = case.without_expected()
        self.engine = diagnoser.borrow()
        self.engine.reset()
        self._facts: dict[Observation, Fact] = {}
        self._declare(set(observations(self.case)))
        self.engine.run()
        self.base = diagnoser.diagnosis_of(self.case, *diagnoser.read(self.engine))

    def _declare(self, found: Iterable[Observation]) -> None:
        for name, value in found:
            fact = self.engine.declare(Finding(field=name, value=value))
            if fact is not None:
                self._facts[(name, value)] = fact

    def _retract(self, gone: Iterable[Observation]) -> None:
        for item in gone:
            self.engine.retract(self._facts.pop(item))

    def diagnose(self, variant: Case) -> Diagnosis:
        """The variant's diagnosis, reached by changing only the findings that differ."""
        base = set(self._facts)
        target = set(observations(variant.without_expected()))
        gone, new = base - target, target - base
        self._retract(gone)
        self._declare(new)
        self.engine.run()
        try:
            return self.diagnoser.diagnosis_of(variant, *self.diagnoser.read(self.engine))
        finally:
            self._retract(new)
            self._declare(gone)
            self.engine.run()

    def close(self) -> None:
        if self.engine is not None:
            self.diagnoser.give_back(self.engine)
            self.engine = None  # type: ignore[assignment]

    def __enter__(self) -> WhatIf:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
