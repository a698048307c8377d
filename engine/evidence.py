"""Evidence for and against each cause, with its chain of derived facts, and the trace.

Both read the typed firings the engine recorded; nothing here re-runs the engine.
"""

from __future__ import annotations

from typing import Any

from engine.diagnosis import Diagnosis
from engine.knowledge import KnowledgeBase
from engine.next_steps import short_citation
from engine.profiles import Observation
from engine.working_memory import DerivedConclusion, EvidenceConclusion, Firing, ProfileConclusion


def _derivations(trace: list[Firing]) -> dict[str, list[Firing]]:
    found: dict[str, list[Firing]] = {}
    for firing in trace:
        for fact in firing.derived:
            found.setdefault(fact, []).append(firing)
    return found


def _chain(kb: KnowledgeBase, fact: str, derivations: dict[str, list[Firing]],
           depth: int = 0) -> dict[str, Any]:
    """Why a derived fact holds: the rules that concluded it and, recursively, their facts."""
    because = []
    for firing in derivations.get(fact, []):
        rule = kb.rules_by_id[firing.rule_id].rule
        inputs = [finding_text(kb, name, value) for name, value in firing.matched if name != "fact"]
        facts = [value for name, value in firing.matched if name == "fact"]
        because.append({
            "rule": rule.id,
            "rationale": rule.rationale,
            "findings": inputs,
            "refs": [short_citation(kb, k) for k in rule.refs],
            "facts": [_chain(kb, f, derivations, depth + 1) for f in facts] if depth < 6 else [],
        })
    label = kb.facts[fact].label if fact in kb.facts else fact
    return {"fact": fact, "label": label, "because": because}


def finding_text(kb: KnowledgeBase, name: str, value: Any) -> str:
    """A matched finding in words from the vocabulary: "Known cancer: prostate"."""
    if name == "fact":
        return kb.facts[value].label if value in kb.facts else str(value)
    shown = f"{value:g}" if isinstance(value, float) else kb.glossary.label(name, str(value))
    return f"{kb.glossary.label(name)}: {shown}"


def conclusion_text(kb: KnowledgeBase, conclusion: Any) -> str:
    """A typed conclusion in words, with labels instead of ids."""
    if isinstance(conclusion, DerivedConclusion):
        return "concludes " + (kb.facts[conclusion.fact].label if conclusion.fact in kb.facts
                               else conclusion.fact)
    if isinstance(conclusion, EvidenceConclusion):
        return f"{conclusion.direction} {kb.causes[conclusion.cause].label} (weight {conclusion.weight})"
    assert isinstance(conclusion, ProfileConclusion)
    book = kb.profiles
    finding = book.findings[conclusion.finding] if book else None
    if finding is None:
        return conclusion.describe()
    value = next((v.label for v in finding.values if v.id == conclusion.value), conclusion.value)
    return f"profile evidence for every cause: {finding.label.lower()}, {value}"


def evidence_for(kb: KnowledgeBase, diagnosis: Diagnosis) -> list[dict[str, Any]]:
    derivations = _derivations(diagnosis.trace)
    fired = {f.rule_id: f for f in diagnosis.trace}
    out = []
    for entry in diagnosis.differential:
        items = []
        for direction, weights in (("for", entry.weights_for), ("against", entry.weights_against)):
            for rule_id in sorted(weights, key=lambda r: (-weights[r], r)):
                rule = kb.rules_by_id[rule_id].rule
                firing = fired.get(rule_id)
                matched = firing.matched if firing else ()
                items.append({
                    "rule": rule_id,
                    "direction": direction,
                    "weight": weights[rule_id],
                    "rationale": rule.rationale,
                    "condition": rule.when.describe(),
                    "findings": [finding_text(kb, n, v) for n, v in matched if n != "fact"],
                    "derived": [_chain(kb, v, derivations) for n, v in matched if n == "fact"],
                    "refs": [short_citation(kb, k) for k in rule.refs],
                })
        items += _profile_items(kb, entry.cause, entry.label, entry.profile, fired)
        out.append({
            "cause": entry.cause,
            "label": entry.label,
            "score": entry.score,
            "points": entry.points,
            "prior": entry.prior,
            "must_not_miss": entry.must_not_miss,
            "items": items,
        })
    return out


def _profile_items(kb: KnowledgeBase, cause: str, label: str, profile: dict[str, float],
                   fired: dict[str, Firing]) -> list[dict[str, Any]]:
    """Profile evidence for one cause: how often the seen finding occurs in it, and the source."""
    if kb.profiles is None:
        return []
    book = kb.profiles
    stated = book.profiles.get(cause)
    items = []
    for rule_id, points in sorted(profile.items(), key=lambda kv: (-abs(kv[1]), kv[0])):
        rule = kb.rules_by_id[rule_id].rule
        seen = rule.then[0].observe
        assert seen is not None
        finding = book.findings[seen.finding]
        value = next((v.label for v in finding.values if v.id == seen.value), seen.value)
        share = book.likelihood(cause, Observation(seen.finding, seen.value))
        firing = fired.get(rule_id)
        items.append({
            "rule": rule_id,
            "direction": "for" if points > 0 else "against",
            "weight": round(abs(points), 2),
            "kind": "profile",
            "rationale": (f"{finding.label}: {value}. The profile gives about {share:.0%} of "
                          f"patients with {label.lower()} this finding, "
                          f"{'more' if points > 0 else 'less'} than the average cause."),
            "condition": rule.when.describe(),
            "findings": [finding_text(kb, n, v) for n, v in (firing.matched if firing else ())
                         if n != "fact"],
            "derived": [],
            "refs": [short_citation(kb, k) for k in (stated.refs if stated else book.scale.refs)],
        })
    return items


def trace_steps(kb: KnowledgeBase, trace: list[Firing]) -> list[dict[str, Any]]:
    """Firings in engine order, grouped by stratum: findings -> intermediate -> causes."""
    steps: dict[int, list[dict[str, Any]]] = {}
    for firing in trace:
        rule = kb.rules_by_id[firing.rule_id].rule
        steps.setdefault(firing.level, []).append({
            "order": firing.step,
            "rule": firing.rule_id,
            "matched": [finding_text(kb, n, v) for n, v in firing.matched],
            "conclusions": [conclusion_text(kb, c) for c in firing.conclusions],
            "rationale": rule.rationale,
        })
    out = []
    for level in sorted(steps):
        source = "the case findings" if level == 0 else "intermediate findings (and findings)"
        out.append({"level": level, "title": f"Step {level + 1}: rules reading {source}",
                    "firings": steps[level]})
    return out
