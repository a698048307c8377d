"""Property tests over generated cases: completeness, determinism, clean errors, monotone evidence."""

from __future__ import annotations

import copy
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.case import case_from_data
from engine.diagnosis import Diagnoser
from engine.documents import InputError
from engine.facts import ABSENT_OF, FIELDS, Kind
from tests.strategies import case_documents

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(case_documents())
def test_every_valid_case_gets_a_complete_deterministic_differential(
        diagnoser: Diagnoser, document: dict[str, Any]) -> None:
    case = case_from_data(document, "generated")
    first = diagnoser.diagnose(case)
    second = diagnoser.diagnose(case)
    assert first.to_contract() == second.to_contract()
    scores = [e.score for e in first.differential]
    assert all(0 <= s <= 1 for s in scores) and sum(scores) <= 1 + 1e-9
    points = [e.points for e in first.differential]
    assert points == sorted(points, reverse=True)
    for entry in first.differential:
        assert entry.supporting or entry.opposing
        assert entry.cause in diagnoser.kb.causes


JUNK = st.one_of(st.just("not-a-code"), st.just(True), st.just(math.nan), st.just(-5),
                 st.just([["nested"]]), st.just({"a": 1}), st.just(1e9))


@SETTINGS
@given(case_documents(), st.data())
def test_corrupted_documents_always_give_a_clean_validation_error(
        document: dict[str, Any], data: st.DataObject) -> None:
    broken = copy.deepcopy(document)
    target = data.draw(st.sampled_from(["patient.age", "findings.t1", "findings.distribution",
                                        "findings.adc", "findings.signs", "history",
                                        "findings.unknown_field", "known_cancer"]))
    junk = data.draw(JUNK)
    holder: Any = broken
    *parents, leaf = target.split(".")
    for part in parents:
        holder = holder[part]
    holder[leaf] = junk
    try:
        case_from_data(broken, "generated")
    except InputError as error:
        assert error.problems and all(p.message for p in error.problems)
        assert any(p.path.startswith(target.split(".")[0]) for p in error.problems)
    else:
        raise AssertionError(f"{target} = {junk!r} was accepted")


def _supporting_codes(diagnoser: Diagnoser) -> list[tuple[str, str, str]]:
    """(cause, list field, code) for every code a rule tests positively in favour of a cause."""
    found = set()
    for placed in diagnoser.kb.rules:
        causes = [e.cause for e in placed.rule.then if e.direction == "for" and e.cause]
        for test, positive in placed.rule.when.tests():
            if positive and test.field in FIELDS and FIELDS[test.field].kind is Kind.codes:
                for code in test.values:
                    for cause in causes:
                        found.add((cause, test.field, str(code)))
    return sorted(found)


def _evidence_total(diagnoser: Diagnoser, case: Any, cause: str) -> int:
    for entry in diagnoser.diagnose(case).differential:
        if entry.cause == cause:
            return entry.evidence_total
    return 0


@SETTINGS
@given(case_documents(), st.data())
def test_adding_a_finding_listed_for_a_cause_never_lowers_its_evidence(
        diagnoser: Diagnoser, document: dict[str, Any], data: st.DataObject) -> None:
    cause, field, code = data.draw(st.sampled_from(_supporting_codes(diagnoser)))
    base = case_from_data(document, "generated")
    spec = FIELDS[field]
    path = spec.case_path
    opposite = {v: k for k, v in ABSENT_OF.items()}.get(field) or ABSENT_OF.get(field)
    changed_doc = copy.deepcopy(document)
    holder = changed_doc if len(path) == 1 else changed_doc[path[0]]
    if code in holder.get(path[-1], []):
        return
    if opposite:
        other = FIELDS[opposite].case_path[-1]
        holder[other] = [c for c in holder.get(other, []) if c != code]
        base = case_from_data({**changed_doc}, "generated")
    holder[path[-1]] = [*holder.get(path[-1], []), code]
    changed = case_from_data(changed_doc, "generated")
    assert _evidence_total(diagnoser, changed, cause) >= _evidence_total(diagnoser, base, cause), (
        f"adding {field}: {code} lowered the evidence for {cause}")
