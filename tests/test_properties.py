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


def _profile_codes(diagnoser: Diagnoser) -> list[tuple[str, str, str]]:
    """(key finding, list field, code) for every profile finding read from one list code."""
    found = []
    for finding in diagnoser.kb.profiles.findings.values():
        present = finding.present or {}
        for field in ("signs", "history"):
            codes = present.get(field)
            if codes:
                found.append((finding.id, field, codes[0] if isinstance(codes, list) else codes))
    return found


@SETTINGS
@given(case_documents(), st.data())
def test_a_profile_finding_lifts_each_cause_by_how_common_it_is_there(
        diagnoser: Diagnoser, document: dict[str, Any], data: st.DataObject) -> None:
    """Monotone profile evidence: adding a present key finding moves cause A above cause B
    by exactly log2 P(f|A) - log2 P(f|B) of profile points, so the commoner cause gains."""
    from engine.profiles import Observation

    finding, field, code = data.draw(st.sampled_from(_profile_codes(diagnoser)))
    changed_doc = copy.deepcopy(document)
    holder = changed_doc if field == "history" else changed_doc["findings"]
    absent = "absent_history" if field == "history" else "absent_signs"
    holder[absent] = [c for c in holder.get(absent, []) if c != code]
    if code in holder.get(field, []):
        return
    base = case_from_data(copy.deepcopy(changed_doc), "generated")
    holder[field] = [*holder.get(field, []), code]
    changed = case_from_data(changed_doc, "generated")
    before = {e.cause: e.profile_total for e in diagnoser.diagnose(base).differential}
    after = {e.cause: e.profile_total for e in diagnoser.diagnose(changed).differential}
    book = diagnoser.kb.profiles
    seen = Observation(finding, "present")
    if any(k.startswith(f"profile-{finding}-".replace("_", "-")) for k in
           next(iter(diagnoser.diagnose(base).differential)).profile):
        return  # another code of the same key finding was already present
    causes = sorted(before)
    a, b = data.draw(st.sampled_from(causes)), data.draw(st.sampled_from(causes))
    gain = (after[a] - before[a]) - (after[b] - before[b])
    expected = math.log2(book.weighted(a, seen)) - math.log2(book.weighted(b, seen))
    assert abs(gain - expected) < 0.2, (finding, a, b, gain, expected)
    if book.likelihood(a, seen) > book.likelihood(b, seen):
        assert gain > 0
