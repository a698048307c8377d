"""Explaining a diagnosis for teaching: evidence, trace, discriminators, next steps, summary.

Discriminating findings are not hand-written: the case is re-run with each finding it
does not yet record (a sign or history item present or known absent, an unknown signal
value, a number either side of each threshold the rules use) and the findings that
reorder the leading causes are reported. A finding that no chain of rules connects to
any of the leading causes cannot reorder them, so it is not re-run.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from engine.case import Case
from engine.compiler import Firing
from engine.diagnosis import Diagnoser, Diagnosis
from engine.facts import ABSENT_OF, FIELDS, Kind
from engine.knowledge import KnowledgeBase, PlainLanguage
from engine.profiles import Observation
from engine.scoring import CauseScore, rank

LEADERS = 3
MAX_DISCRIMINATORS = 8


@dataclass(frozen=True)
class Candidate:
    """A finding the case does not record yet, as a change to the case."""

    field: str
    value: Any
    absent: bool = False

    @property
    def key(self) -> str:
        return f"{self.field}:{self.value}"

    def describe(self, kb: KnowledgeBase) -> str:
        if FIELDS[self.field].kind is Kind.codes:
            label = kb.glossary.label(self.field, str(self.value))
            return f"{label} is absent" if self.absent else f"{label} is present"
        if FIELDS[self.field].kind is Kind.number:
            return f"{kb.glossary.label(self.field)} is {self.value:g}"
        return f"{kb.glossary.label(self.field)} is {str(self.value).replace('_', ' ')}"

    def apply(self, case: Case) -> Case:
        spec = FIELDS[self.field]
        name = ABSENT_OF[self.field] if self.absent else self.field
        target = FIELDS[name].case_path
        if spec.kind is Kind.codes:
            current = list(_get(case, target))
            return _set(case, target, [*current, self.value])
        return _set(case, target, self.value)


@dataclass
class Discriminator:
    finding: str
    candidate: Candidate
    moves_up: str
    moves_above: str
    shift: float
    new_order: list[str]

    def sentence(self, kb: KnowledgeBase) -> str:
        up = kb.causes[self.moves_up].label
        down = kb.causes[self.moves_above].label
        return f"If {self.finding}, {up} moves above {down}."


@dataclass
class Explanation:
    diagnosis: Diagnosis
    evidence: list[dict[str, Any]]
    trace: list[dict[str, Any]]
    discriminators: list[dict[str, Any]]
    next_steps: list[dict[str, Any]]
    plain_summary: str
    case_title: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = self.diagnosis.to_contract()
        data["next_steps"] = [step["label"] for step in self.next_steps]
        data.update(
            evidence=self.evidence,
            trace=self.trace,
            discriminators=self.discriminators,
            next_steps_detail=self.next_steps,
            plain_summary=self.plain_summary,
        )
        return data


def _get(case: Case, path: tuple[str, ...]) -> Any:
    value: Any = case
    for part in path:
        value = getattr(value, part)
    return value


def _set(case: Case, path: tuple[str, ...], value: Any) -> Case:
    if len(path) == 1:
        return case.model_copy(update={path[0]: value})
    inner = getattr(case, path[0])
    return case.model_copy(update={path[0]: inner.model_copy(update={path[1]: value})})


def short_citation(kb: KnowledgeBase, key: str) -> dict[str, str]:
    ref = kb.references[key]
    return {"key": key, "citation": ref.citation, "link": ref.link}


# ---------------------------------------------------------------- evidence and trace


def _derivations(trace: list[Firing]) -> dict[str, list[Firing]]:
    found: dict[str, list[Firing]] = {}
    for firing in trace:
        for conclusion in firing.conclusions:
            if conclusion.startswith("fact:"):
                found.setdefault(conclusion.removeprefix("fact:"), []).append(firing)
    return found


def _chain(kb: KnowledgeBase, fact: str, derivations: dict[str, list[Firing]],
           depth: int = 0) -> dict[str, Any]:
    """Why a derived fact holds: the rules that concluded it and, recursively, their facts."""
    because = []
    for firing in derivations.get(fact, []):
        rule = kb.rules_by_id[firing.rule_id].rule
        inputs = [f"{name} = {_show(value)}" for name, value in firing.matched if name != "fact"]
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


def _show(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


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
                    "findings": [f"{n} = {_show(v)}" for n, v in matched if n != "fact"],
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
            "findings": [f"{n} = {_show(v)}" for n, v in (firing.matched if firing else ()) if n != "fact"],
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
            "matched": [f"{n} = {_show(v)}" for n, v in firing.matched],
            "conclusions": list(firing.conclusions),
            "rationale": rule.rationale,
        })
    out = []
    for level in sorted(steps):
        source = "the case findings" if level == 0 else "intermediate findings (and findings)"
        out.append({"level": level, "title": f"Step {level + 1}: rules reading {source}",
                    "firings": steps[level]})
    return out


# ---------------------------------------------------------------- discriminators


def candidates(kb: KnowledgeBase, case: Case) -> list[Candidate]:
    """Every single finding the case leaves unknown that some rule could read."""
    tested: dict[str, set[Any]] = {}
    for placed in kb.rules:
        for test, _ in placed.rule.when.tests():
            tested.setdefault(test.field, set()).update(
                (test.op, v) for v in test.values
            )
    found: list[Candidate] = []
    for name, spec in FIELDS.items():
        if name.startswith("absent_") or name in {"age", "sex", "distribution", "t1"}:
            continue
        if spec.kind is Kind.codes:
            known = set(map(str, _get(case, spec.case_path)))
            absent_name = ABSENT_OF.get(name)
            if absent_name:
                known |= set(map(str, _get(case, FIELDS[absent_name].case_path)))
            codes = {str(v) for _, v in tested.get(name, set())}
            absent_codes = {str(v) for _, v in tested.get(absent_name, set())} if absent_name else set()
            for code in sorted((codes | absent_codes) - known):
                if code in codes:
                    found.append(Candidate(name, code))
                if code in absent_codes:
                    found.append(Candidate(name, code, absent=True))
            continue
        if _get(case, spec.case_path) is not None and not (
            name == "known_cancer" and _get(case, spec.case_path) == "none"
        ):
            continue
        if spec.kind is Kind.number:
            found.extend(Candidate(name, v) for v in _probe_values(name, tested.get(name, set())))
        else:
            values = sorted({str(v) for _, v in tested.get(name, set())})
            found.extend(Candidate(name, v) for v in values if v != "none" or name != "known_cancer")
    return found


def _touches(kb: KnowledgeBase, candidate: Candidate, causes: set[str]) -> bool:
    name = ABSENT_OF[candidate.field] if candidate.absent else candidate.field
    key = (name, None) if FIELDS[name].kind is Kind.number else (name, str(candidate.value))
    return bool(kb.reach.get(key, frozenset()) & causes)


def _probe_values(name: str, tests: set[tuple[str, Any]]) -> list[float]:
    """One value in each interval the rules' thresholds cut the field into."""
    if name == "field_strength":
        return []
    bounds = sorted({float(v) for _, v in tests})
    if not bounds:
        return []
    points = [bounds[0] / 2] + [(a + b) / 2 for a, b in itertools.pairwise(bounds)]
    points.append(bounds[-1] * 1.25 if bounds[-1] > 0 else 1.0)
    limit = 4.0 if name == "adc" else 100.0
    return [round(min(p, limit), 3) for p in points]


def discriminators(diagnoser: Diagnoser, case: Case, diagnosis: Diagnosis,
                   prune: bool = True) -> list[Discriminator]:
    """Findings that reorder the leaders, strongest shift first (prune=False re-runs every one)."""
    kb = diagnoser.kb
    leaders = [e.cause for e in diagnosis.differential[:LEADERS]]
    if len(leaders) < 2:
        return []
    base_points = {e.cause: e.points for e in diagnosis.differential}
    found: list[Discriminator] = []
    for candidate in candidates(kb, case):
        if prune and not _touches(kb, candidate, set(leaders)):
            continue
        try:
            changed = candidate.apply(case)
        except ValueError:
            continue
        result = diagnoser.diagnose(changed)
        points = {e.cause: e.points for e in result.differential}
        best: Discriminator | None = None
        for i, above in enumerate(leaders):
            for below in leaders[i + 1:]:
                if below not in points:
                    continue  # no rule speaks for it any more: it would not be listed to move up
                old_gap = base_points[above] - base_points[below]
                new_gap = points.get(above, _prior(kb, case, above)) - points.get(
                    below, _prior(kb, case, below))
                if new_gap < 0 or (new_gap == 0 and old_gap > 0 and _tie_wins(kb, below, above)):
                    shift = old_gap - new_gap
                    if best is None or shift > best.shift:
                        best = Discriminator(candidate.describe(kb), candidate, below, above,
                                             shift, [e.cause for e in result.differential[:LEADERS]])
        if best is not None:
            found.append(best)
    found.sort(key=lambda d: (-d.shift, d.candidate.key, d.candidate.absent))
    return found[:MAX_DISCRIMINATORS]


def _prior(kb: KnowledgeBase, case: Case, cause: str) -> float:
    return kb.causes[cause].prior[kb.age_band(case.patient.age).id]


def _tie_wins(kb: KnowledgeBase, first: str, second: str) -> bool:
    a, b = kb.causes[first], kb.causes[second]
    return (not a.must_not_miss, first) < (not b.must_not_miss, second)


# ---------------------------------------------------------------- next steps and summary


def ranked_next_steps(kb: KnowledgeBase, diagnosis: Diagnosis,
                      found: list[Discriminator]) -> list[dict[str, Any]]:
    """The leaders' next steps, those revealing the strongest discriminators first."""
    power: dict[str, float] = {}
    for step in kb.next_steps.values():
        reveals = set(step.reveals)
        for d in found:
            c = d.candidate
            if c.field in reveals or f"{c.field}:{c.value}" in reveals:
                power[step.id] = max(power.get(step.id, 0.0), d.shift)
    order: dict[str, int] = {}
    for position, entry in enumerate(diagnosis.differential[:LEADERS]):
        for step in kb.causes[entry.cause].next_steps:
            order.setdefault(step, position)
    steps = sorted(order, key=lambda s: (-power.get(s, 0.0), order[s], s))
    return [{
        "id": s,
        "label": kb.next_steps[s].label,
        "purpose": kb.next_steps[s].purpose,
        "separating_power": power.get(s, 0.0),
        "for_causes": [e.cause for e in diagnosis.differential[:LEADERS]
                       if s in kb.causes[e.cause].next_steps],
        "refs": [short_citation(kb, k) for k in kb.next_steps[s].refs],
    } for s in steps]


def plain_summary(kb: KnowledgeBase, diagnosis: Diagnosis, steps: list[dict[str, Any]]) -> str:
    text: PlainLanguage = kb.plain_language
    leaders = diagnosis.differential[:LEADERS]
    parts = [text.intro.strip()]
    if leaders:
        names = ", ".join(e.label.lower() for e in leaders)
        parts.append(text.leaders.strip().format(causes=names))
        categories = dict.fromkeys(e.category for e in leaders)
        for category in categories:
            if category in text.by_category:
                parts.append(text.by_category[category].strip())
    if steps:
        tests = "; ".join(s["label"] for s in steps[:3])
        parts.append(text.next_steps.strip().format(tests=tests))
    parts.append(text.support.strip())
    parts.append(text.disclaimer.strip())
    return "\n\n".join(parts)


def explain(diagnoser: Diagnoser, case: Case, discriminate: bool = True) -> Explanation:
    """All five parts; discriminate=False skips the re-runs (the app asks for them on demand)."""
    kb = diagnoser.kb
    case = case.without_expected()
    diagnosis = diagnoser.diagnose(case)
    found = discriminators(diagnoser, case, diagnosis) if discriminate else []
    steps = ranked_next_steps(kb, diagnosis, found)
    diagnosis.next_steps = [s["label"] for s in steps]
    return Explanation(
        diagnosis=diagnosis,
        evidence=evidence_for(kb, diagnosis),
        trace=trace_steps(kb, diagnosis.trace),
        discriminators=[{
            "finding": d.finding,
            "field": d.candidate.field,
            "value": d.candidate.value,
            "absent": d.candidate.absent,
            "moves_up": d.moves_up,
            "moves_above": d.moves_above,
            "shift": d.shift,
            "new_order": d.new_order,
            "sentence": d.sentence(kb),
        } for d in found],
        next_steps=steps,
        plain_summary=plain_summary(kb, diagnosis, steps),
        case_title=case.title,
    )


def to_markdown(explanation: Explanation) -> str:
    d = explanation.diagnosis
    lines = [f"# MarrowDx explanation: {explanation.case_title or d.case_id}", "",
             "> Educational use only. Scores are relative plausibility, not a diagnosis.", "",
             "## Differential", "", "| # | cause | score | must not miss |", "|---|---|---|---|"]
    for i, e in enumerate(d.differential, start=1):
        lines.append(f"| {i} | {e.label} | {e.score:.3f} | {'yes' if e.must_not_miss else ''} |")
    lines += ["", "## Evidence", ""]
    for cause in explanation.evidence[:LEADERS]:
        lines.append(f"### {cause['label']} (points {cause['points']:g}, prior {cause['prior']:g})")
        for item in cause["items"]:
            sign = "+" if item["direction"] == "for" else "-"
            refs = "; ".join(f"[{r['key']}]({r['link']})" for r in item["refs"])
            lines.append(f"- {sign}{item['weight']} `{item['rule']}`: {item['rationale']} ({refs})")
            for chain in item["derived"]:
                lines.extend(_chain_lines(chain, "  "))
        lines.append("")
    lines += ["## Trace", ""]
    for step in explanation.trace:
        lines.append(f"**{step['title']}**")
        for firing in step["firings"]:
            lines.append(f"{firing['order']}. `{firing['rule']}` on {', '.join(firing['matched'])} "
                         f"-> {', '.join(firing['conclusions'])}")
        lines.append("")
    lines += ["## Discriminating findings", ""]
    lines += [f"- {x['sentence']}" for x in explanation.discriminators] or [
        "- No single unrecorded finding would reorder the leading causes."]
    lines += ["", "## Next steps", ""]
    lines += [f"{i}. {s['label']}: {s['purpose']}"
              for i, s in enumerate(explanation.next_steps, start=1)]
    lines += ["", "## For the patient (plain language)", "", explanation.plain_summary, ""]
    return "\n".join(lines)


def _chain_lines(chain: dict[str, Any], indent: str) -> list[str]:
    lines = []
    for because in chain["because"]:
        findings = ", ".join(because["findings"]) or "other intermediate findings"
        lines.append(f"{indent}- {chain['label']} is concluded because {findings} "
                     f"(`{because['rule']}`)")
        for sub in because["facts"]:
            lines.extend(_chain_lines(sub, indent + "  "))
    return lines



# ---------------------------------------------------------------- teaching helpers


def ranking_after_step(kb: KnowledgeBase, diagnosis: Diagnosis, step: int) -> list[CauseScore]:
    """The differential as it stood after the first ``step`` firings (for stepping through)."""
    fired = {firing.rule_id for firing in diagnosis.trace[:step]}
    return rank(kb, diagnosis.age, [item for item in diagnosis.evidence if item.rule_id in fired])


def compare(before: Diagnosis, after: Diagnosis, limit: int = 8) -> list[dict[str, Any]]:
    """How each cause moved between two diagnoses (rank and score), for 'toggle a finding'."""
    old = {e.cause: (i, e) for i, e in enumerate(before.differential, start=1)}
    rows = []
    for i, entry in enumerate(after.differential[:limit], start=1):
        previous = old.get(entry.cause)
        rows.append({
            "cause": entry.cause,
            "label": entry.label,
            "rank": i,
            "previous_rank": previous[0] if previous else None,
            "score": entry.score,
            "previous_score": previous[1].score if previous else 0.0,
            "moved": (previous[0] - i) if previous else None,
        })
    return rows
