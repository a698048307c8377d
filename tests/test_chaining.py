"""Forward chaining: derived facts feed later rules, in stratified order, whatever the agenda."""

from __future__ import annotations

import threading
from pathlib import Path

from engine.case import case_from_data
from engine.diagnosis import Diagnoser
from engine.loading import load_knowledge
from engine.working_memory import DerivedConclusion, EvidenceConclusion
from tests.conftest import minimal_case

CHAIN = """family: chain
title: A three-level chain for the tests
facts:
  - {id: dark_marrow, label: Dark marrow, description: level one fact derived from T1}
  - {id: dark_without_fat, label: Dark without fat, description: level two fact from a level one fact}
rules:
  - id: chain-1-dark
    when: {t1: hypointense}
    then: {derive: dark_marrow}
    rationale: First link, reads a raw finding.
    refs: [Carroll1997]
  - id: chain-2-no-fat
    when:
      all:
        - {fact: dark_marrow}
        - not: {signs: bulls_eye_sign}
    then: {derive: dark_without_fat}
    rationale: Second link, reads the first derived fact.
    refs: [Carroll1997]
  - id: chain-3-evidence
    when: {fact: dark_without_fat}
    then: {support: multiple_myeloma, weight: 2}
    rationale: Third link, turns the second derived fact into evidence.
    refs: [Carroll1997]
  - id: chain-3-guard
    when:
      all:
        - {t1: hypointense}
        - not: {fact: dark_without_fat}
    then: {support: normal_marrow_variant, weight: 1}
    rationale: Fires only if the level-two fact was never derived; it must see the complete facts.
    refs: [Carroll1997]
  - id: chain-absent-fever
    when: {absent_history: fever}
    then: {oppose: osteomyelitis, weight: 1}
    rationale: A negative finding is a fact of its own.
    refs: [Carroll1997]
"""


def _diagnoser(rules_copy: Path) -> Diagnoser:
    (rules_copy / "chain.yaml").write_text(CHAIN)
    return Diagnoser(load_knowledge(rules_copy))


def test_a_derived_fact_triggers_a_later_rule_two_levels_deep(rules_copy: Path) -> None:
    diagnoser = _diagnoser(rules_copy)
    result = diagnoser.diagnose(case_from_data(minimal_case(t1="hypointense"), "t"))
    assert result.derived == ["dark_marrow", "dark_without_fat"]
    order = [f.rule_id for f in result.trace]
    assert order == ["chain-1-dark", "chain-2-no-fat", "chain-3-evidence"]
    assert [f.level for f in result.trace] == [0, 1, 2]
    myeloma = next(e for e in result.differential if e.cause == "multiple_myeloma")
    assert myeloma.supporting == ["chain-3-evidence"]
    assert myeloma.points == myeloma.prior + 2


def test_negation_waits_for_the_facts_it_tests(rules_copy: Path) -> None:
    diagnoser = _diagnoser(rules_copy)
    fired = {f.rule_id for f in diagnoser.diagnose(
        case_from_data(minimal_case(t1="hypointense"), "t")).trace}
    assert "chain-3-guard" not in fired
    fired = {f.rule_id for f in diagnoser.diagnose(
        case_from_data(minimal_case(t1="hypointense", signs=["bulls_eye_sign"]), "t")).trace}
    assert "chain-3-guard" in fired and "chain-3-evidence" not in fired


def test_unknown_is_not_absent(rules_copy: Path) -> None:
    diagnoser = _diagnoser(rules_copy)
    unknown = diagnoser.diagnose(case_from_data(minimal_case(), "t"))
    assert "chain-absent-fever" not in {f.rule_id for f in unknown.trace}
    doc = {**minimal_case(), "absent_history": ["fever"]}
    absent = diagnoser.diagnose(case_from_data(doc, "t"))
    assert "chain-absent-fever" in {f.rule_id for f in absent.trace}


def _count_builds(diagnoser: Diagnoser) -> list[int]:
    """Record every new engine instance the diagnoser builds from now on."""
    built: list[int] = []
    original = diagnoser.engine_class

    def counting() -> object:
        built.append(1)
        return original()

    diagnoser.engine_class = counting  # type: ignore[assignment]
    return built


def test_the_engine_instance_is_reused_and_reset_between_cases(rules_copy: Path) -> None:
    diagnoser = _diagnoser(rules_copy)
    built = _count_builds(diagnoser)
    first = diagnoser.diagnose(case_from_data(minimal_case(t1="hypointense"), "t"))
    second = diagnoser.diagnose(case_from_data(minimal_case(), "t"))
    assert len(built) == 1, "the second diagnosis must reuse the pooled instance"
    assert first.derived and not second.derived


def test_a_new_thread_reuses_a_pooled_instance(rules_copy: Path) -> None:
    """Streamlit reruns in fresh threads; they must not rebuild the matching network."""
    diagnoser = _diagnoser(rules_copy)
    diagnoser.diagnose(case_from_data(minimal_case(), "t"))
    built = _count_builds(diagnoser)
    for _ in range(3):
        worker = threading.Thread(target=diagnoser.diagnose, args=(case_from_data(minimal_case(), "t"),))
        worker.start()
        worker.join()
    assert built == []


def test_trace_records_matched_facts_and_conclusions(rules_copy: Path) -> None:
    diagnoser = _diagnoser(rules_copy)
    trace = diagnoser.diagnose(case_from_data(minimal_case(t1="hypointense"), "t")).trace
    assert trace[0].matched == (("t1", "hypointense"),)
    assert trace[0].conclusions == (DerivedConclusion("dark_marrow"),)
    assert trace[2].matched == (("fact", "dark_without_fat"),)
    assert trace[2].conclusions == (EvidenceConclusion("multiple_myeloma", "for", 2),)
