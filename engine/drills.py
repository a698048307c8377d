"""Look-alike drills (rules/drills.yaml): a cited set of causes and what separates them.

The separating findings come from the finding profiles: for a pair of causes, the key
finding whose frequencies differ most (in log2 terms) is the one worth looking for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from engine.profiles import Observation
from engine.vocabulary import CauseId

if TYPE_CHECKING:
    from engine.knowledge import KnowledgeBase


class Drill(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    causes: list[CauseId] = Field(min_length=2)
    teaching: str = Field(min_length=30)
    refs: list[str] = Field(min_length=1)


class DrillFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    drills: list[Drill]


@dataclass(frozen=True)
class Separator:
    """A finding, and how much more often it is seen in one cause than in another."""

    finding: str
    value: str
    label: str
    favours: str
    over: str
    ratio: float  # P(finding | favours) / P(finding | over)


def separating_findings(kb: KnowledgeBase, causes: list[str], per_pair: int = 2) -> list[Separator]:
    """For each pair of causes, the key findings whose frequencies differ most."""
    book = kb.profiles
    if book is None:
        return []
    found: list[Separator] = []
    for a, b in combinations(causes, 2):
        scored = []
        for obs in book.observations():
            if obs.finding == "age_band":
                continue
            pa, pb = book.likelihood(a, obs), book.likelihood(b, obs)
            scored.append((abs(math.log2(pa / pb)), obs, pa, pb))
        scored.sort(key=lambda item: (-item[0], item[1].finding, item[1].value))
        for _, obs, pa, pb in scored[:per_pair]:
            favours, over = (a, b) if pa >= pb else (b, a)
            found.append(Separator(obs.finding, obs.value, _label(kb, obs), favours, over,
                                   round(max(pa, pb) / min(pa, pb), 1)))
    return found


def _label(kb: KnowledgeBase, obs: Observation) -> str:
    assert kb.profiles is not None
    finding = kb.profiles.findings[obs.finding]
    if finding.is_choice:
        return next(v.label for v in finding.values if v.id == obs.value)
    return finding.label if obs.value == "present" else f"{finding.label} (known absent)"
