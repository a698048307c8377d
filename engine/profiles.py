"""Finding profiles: how often each key finding is seen in each cause (rules/profiles/).

In the INTERNIST-1 / DXplain tradition every cause states a frequency for every key
finding. A finding that is present adds log2 P(finding | cause) to every cause, one known
absent adds log2(1 - P), and an unknown one adds nothing. This module holds the shapes of
the profile files, turns bands into probabilities, and builds the log-likelihood table the
scorer reads. The findings themselves compile into ordinary experta rules (one per value).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.vocabulary import CauseId

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$")]
Frequency = Annotated[float, Field(ge=0, le=1)] | str
State = Literal["present", "absent"]

# Contributions smaller than this (in points) are left out of the evidence lists: they
# move nothing a reader could see, and keep the explanation short.
VISIBLE = 0.05


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Strict):
    bands: dict[str, Annotated[float, Field(gt=0, lt=1)]]
    floor: Annotated[float, Field(gt=0, lt=0.1)]
    # how much one profile finding counts, as a power on its likelihood: the key findings
    # are not independent given the cause, so a full weight counts shared evidence twice
    weight: Annotated[float, Field(gt=0, le=1)] = 1.0
    refs: list[str] = Field(min_length=1)


class ProfileValue(_Strict):
    id: Slug
    label: str
    when: dict  # a rule condition in the compact YAML form (validated by knowledge.Condition)
    ask: str | None = None  # how a useful-finding sentence words this value (thresholds cited)


class KeyFinding(_Strict):
    """One key finding: several exclusive values, or present / known-absent."""

    id: Slug
    label: str
    values: list[ProfileValue] = []
    present: dict | None = None
    absent: dict | None = None
    ask_present: str | None = None  # wording in useful-finding sentences
    ask_absent: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> KeyFinding:
        if bool(self.values) == (self.present is not None):
            raise ValueError("a key finding has either 'values' or 'present' (and maybe 'absent')")
        if self.absent is not None and self.present is None:
            raise ValueError("'absent' needs 'present'")
        return self

    @property
    def is_choice(self) -> bool:
        return bool(self.values)


class FindingsFile(_Strict):
    scale: Scale
    findings: list[KeyFinding] = Field(min_length=1)


class CauseProfile(_Strict):
    refs: list[str] = Field(min_length=1)
    basis: str = Field(min_length=20)
    frequencies: dict[Slug, Frequency | dict[Slug, Frequency]]

    def merged(self, other: CauseProfile) -> CauseProfile:
        """One cause's profile from two files (for example its findings and its age bands)."""
        return CauseProfile(
            refs=list(dict.fromkeys([*self.refs, *other.refs])),
            basis=f"{self.basis} {other.basis}",
            frequencies={**self.frequencies, **other.frequencies},
        )


class ProfileFile(_Strict):
    profiles: dict[CauseId, CauseProfile]


@dataclass(frozen=True)
class Observation:
    """What one compiled profile rule saw: a key finding's value, or its presence/absence."""

    finding: str
    value: str  # the value id for a choice, else "present" or "absent"

    @property
    def rule_id(self) -> str:
        return f"profile-{self.finding}-{self.value}".replace("_", "-")


@dataclass
class ProfileBook:
    scale: Scale
    findings: dict[str, KeyFinding]
    profiles: dict[str, CauseProfile] = field(default_factory=dict)

    def probability(self, frequency: Frequency | None) -> float:
        """A band name or a proportion as a probability; missing means the floor."""
        if frequency is None:
            return self.scale.floor
        if isinstance(frequency, str):
            return self.scale.bands[frequency]
        return min(max(float(frequency), self.scale.floor), 1 - self.scale.floor)

    def likelihood(self, cause: str, obs: Observation) -> float:
        finding = self.findings[obs.finding]
        stated = self.profiles[cause].frequencies.get(obs.finding) if cause in self.profiles else None
        if finding.is_choice:
            table = stated if isinstance(stated, dict) else {}
            weights = {v.id: self.probability(table.get(v.id)) for v in finding.values}
            return weights[obs.value] / sum(weights.values())
        p = self.probability(stated if not isinstance(stated, dict) else None)
        return p if obs.value == "present" else 1 - p

    def outcomes(self, finding: str) -> list[Observation]:
        """Every way a key finding can turn out: each value, or present and absent."""
        found = self.findings[finding]
        if found.is_choice:
            return [Observation(finding, v.id) for v in found.values]
        return [Observation(finding, "present"), Observation(finding, "absent")]

    def recordable(self, obs: Observation) -> bool:
        """Whether a case can record this outcome (some findings have no 'absent' form)."""
        return obs.value != "absent" or self.findings[obs.finding].absent is not None

    def weighted(self, cause: str, obs: Observation) -> float:
        """The likelihood as the scorer counts it: raised to the scale's weight (each
        finding adds weight * log2 P(finding | cause))."""
        return self.likelihood(cause, obs) ** self.scale.weight

    def weighted_share(self, cause: str, obs: Observation) -> float:
        """The weighted likelihood made a distribution again over the finding's outcomes:
        a proper probability model close to the scorer's, for asking which finding would
        help (with it, asking a finding can never lose information on average)."""
        total = sum(self.weighted(cause, o) for o in self.outcomes(obs.finding))
        return self.weighted(cause, obs) / total

    def observations(self) -> list[Observation]:
        """Every outcome a case can record, finding by finding (one compiled rule each)."""
        return [obs for finding in self.findings for obs in self.outcomes(finding)
                if self.recordable(obs)]

    @cached_property
    def points(self) -> dict[Observation, dict[str, float]]:
        """Observation -> cause -> weighted log2 likelihood, centred on the mean over causes.

        Centring changes no ranking (every cause gets the same constant); it makes each
        number read like a hand rule's weight: points above or below an average cause.
        """
        causes = [c.value for c in CauseId]
        table: dict[Observation, dict[str, float]] = {}
        for obs in self.observations():
            logs = {c: math.log2(self.weighted(c, obs)) for c in causes}
            mean = sum(logs.values()) / len(logs)
            table[obs] = {c: round(v - mean, 3) for c, v in logs.items()}
        return table

    def stated(self, cause: str) -> int:
        """How many key findings this cause's profile gives a frequency for."""
        profile = self.profiles.get(cause)
        return 0 if profile is None else sum(1 for f in profile.frequencies if f in self.findings)
