"""CLIPS and experta read the same knowledge base the same way: on every curated case and
on generated cases, both give the same derived facts, evidence and seen key findings."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from engine.case import case_from_data, load_case
from engine.diagnosis import Diagnoser
from engine.evaluation import case_files
from tests.conftest import ROOT
from tests.strategies import case_documents

pytest.importorskip("clips", reason="clipspy is a dev dependency (uv sync installs it)")

from bench.clips_check import ClipsReference, agreement, experta_run


@pytest.fixture(scope="module")
def reference(diagnoser: Diagnoser) -> ClipsReference:
    return ClipsReference(diagnoser)


def test_clips_and_experta_agree_on_every_curated_case(diagnoser: Diagnoser) -> None:
    cases = [load_case(path) for path in case_files(ROOT / "cases")]
    result = agreement(diagnoser, cases, rounds=1)
    assert result.cases >= 170 and result.disagreeing == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case_documents())
def test_clips_and_experta_agree_on_generated_cases(diagnoser: Diagnoser, reference: ClipsReference,
                                                    document: dict) -> None:
    case = case_from_data(document, "generated")
    assert reference.run(case) == experta_run(diagnoser, case)
