"""The one ordering of next steps, for `diagnose` and `explain` alike.

The leaders' next steps in the order of the leaders; where useful findings are known,
the steps that would reveal the most informative of them come first.
"""

from __future__ import annotations

from typing import Any

from engine.knowledge import KnowledgeBase
from engine.scoring import CauseScore

LEADERS = 3


def short_citation(kb: KnowledgeBase, key: str) -> dict[str, str]:
    ref = kb.references[key]
    return {"key": key, "citation": ref.citation, "link": ref.link}


def ordered_step_ids(kb: KnowledgeBase, differential: list[CauseScore],
                     power: dict[str, float] | None = None) -> list[str]:
    """The ordering alone (the diagnosis hot path needs no citations)."""
    power = power or {}
    order: dict[str, int] = {}
    for position, entry in enumerate(differential[:LEADERS]):
        for step in kb.causes[entry.cause].next_steps:
            order.setdefault(step, position)
    return sorted(order, key=lambda s: (-power.get(s, 0.0), order[s], s))


def ordered_next_steps(kb: KnowledgeBase, differential: list[CauseScore],
                       power: dict[str, float] | None = None,
                       reveals: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """The leaders' next steps, those revealing the most informative findings first.

    ``power`` is a step's expected information about the leaders (engine/useful.py) and
    ``reveals`` the useful findings it would record; without them the leaders' order rules.
    """
    power = power or {}
    reveals = reveals or {}
    steps = ordered_step_ids(kb, differential, power)
    return [{
        "id": s,
        "label": kb.next_steps[s].label,
        "purpose": kb.next_steps[s].purpose,
        "separating_power": power.get(s, 0.0),
        "reveals": reveals.get(s, []),
        "for_causes": [e.cause for e in differential[:LEADERS] if s in kb.causes[e.cause].next_steps],
        "refs": [short_citation(kb, k) for k in kb.next_steps[s].refs],
    } for s in steps]
