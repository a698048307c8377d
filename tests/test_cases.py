"""Golden data: every curated case is a test; adding a case needs no code.

A case passes when its expected diagnosis is in the top three, unless the case file
records a known limitation with its reason (then it is reported, not failed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.case import load_case
from engine.diagnosis import Diagnoser
from engine.evaluation import case_files, evaluate_folder
from tests.conftest import CASES

FILES = case_files(CASES)
TOP1_FLOOR = 0.75
TOP3_FLOOR = 0.95
MIN_CASES = 80


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_curated_case_ranks_its_diagnosis_in_the_top_three(path: Path, diagnoser: Diagnoser) -> None:
    case = load_case(path)
    assert case.id == path.stem, "a case id must match its file name"
    assert case.source and ("doi" in case.source.lower() or "http" in case.source), \
        "a curated case cites its source with a DOI or URL"
    assert case.expected is not None, "a curated case has an expected block"
    if case.expected.known_limitation:
        pytest.xfail(f"known limitation: {case.expected.known_limitation}")
    rank = diagnoser.diagnose(case.without_expected()).rank_of(case.expected.diagnosis.value)
    assert rank is not None and rank <= 3, f"{case.expected.diagnosis.value} ranked {rank}"


def test_the_library_meets_the_accuracy_floors(diagnoser: Diagnoser) -> None:
    summary = evaluate_folder(diagnoser, CASES).summary()
    assert summary["n"] >= MIN_CASES
    assert summary["invalid"] == 0
    assert summary["top1"] >= TOP1_FLOOR, summary
    assert summary["top3"] >= TOP3_FLOOR, summary


def test_every_cause_is_expected_by_at_least_two_cases_and_first_in_one(diagnoser: Diagnoser) -> None:
    evaluation = evaluate_folder(diagnoser, CASES)
    expected = [r.expected for r in evaluation.results]
    firsts = {r.expected for r in evaluation.results if r.rank == 1}
    for cause in diagnoser.kb.causes:
        assert expected.count(cause) >= 2, cause
        assert cause in firsts, f"{cause} never ranks first on a curated case"


def test_hard_cases_are_there() -> None:
    hard = [p for p in FILES if (c := load_case(p)).difficulty and c.difficulty.value == "hard"]
    assert len(hard) >= 20
