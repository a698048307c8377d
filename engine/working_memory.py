"""Working memory: the fact types the compiled rules match and declare, and the typed
record of a rule firing (what it matched, what it concluded).

``Finding`` is a case observation, ``Derived`` an intermediate finding concluded by a
rule, ``Evidence`` a weighted vote for or against a cause, ``Seen`` a key finding of the
profiles. Conclusions are dataclasses, never strings parsed back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from experta import Fact


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


def describe_fact(fact: Fact) -> tuple[str, Any]:
    if isinstance(fact, Derived):
        return ("fact", fact["name"])
    return (fact["field"], fact["value"])


def case_facts(observations: Iterable[tuple[str, Any]]) -> list[Finding]:
    """Case observations as hashable experta facts."""
    return [Finding(field=name, value=value) for name, value in observations]
