"""How a known cancer is read: a blood cancer argues for its own relapse and is the
referral's whole cancer history (no solid cancer known); a cancer in remission of
unstated type still counts as a possible source of metastases."""

from __future__ import annotations

from typing import Any

from engine.case import case_from_data
from engine.diagnosis import Diagnoser


def _seen(diagnoser: Diagnoser, **extra: Any) -> tuple[set[str], set[tuple[str, str]]]:
    document = {"id": "history", "patient": {"age": 64},
                "findings": {"distribution": "multifocal", "t1": "hypointense"}, **extra}
    diagnosis = diagnoser.diagnose(case_from_data(document, "test"))
    rules = {f.rule_id for f in diagnosis.trace}
    seen = {(str(getattr(c, "finding", "")), str(getattr(c, "value", ""))) for f in diagnosis.trace
            for c in f.conclusions}
    return rules, seen


def test_known_myeloma_supports_myeloma_and_means_no_solid_cancer_is_known(diagnoser: Diagnoser) -> None:
    rules, seen = _seen(diagnoser, known_cancer="myeloma")
    assert "neo-mm-known-myeloma" in rules
    assert ("known_solid_cancer", "absent") in seen and ("known_solid_cancer", "present") not in seen


def test_a_leukaemia_in_remission_is_not_a_solid_cancer(diagnoser: Diagnoser) -> None:
    _, seen = _seen(diagnoser, known_cancer="leukemia", history=["cancer_in_remission"])
    assert ("known_solid_cancer", "present") not in seen
    assert ("known_solid_cancer", "absent") in seen


def test_a_cancer_in_remission_of_unstated_type_counts_as_a_known_cancer(diagnoser: Diagnoser) -> None:
    _, seen = _seen(diagnoser, history=["cancer_in_remission"])
    assert ("known_solid_cancer", "present") in seen


def test_a_known_carcinoma_is_a_solid_cancer(diagnoser: Diagnoser) -> None:
    _, seen = _seen(diagnoser, known_cancer="breast")
    assert ("known_solid_cancer", "present") in seen
