"""Golden data: every curated case is a test; adding a case needs no code.

A case passes when its expected diagnosis is in the top three, unless the case file
records a known limitation with its reason (then it is reported, not failed).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.case import load_case
from engine.diagnosis import Diagnoser
from engine.evaluation import Evaluation, case_files, evaluate_folder
from engine.vocabulary import CauseId
from tests.conftest import CASES

FILES = case_files(CASES)
TOP1_FLOOR = 0.75
TOP3_FLOOR = 0.95
MIN_CASES = 80
MAX_LIMITATION_SHARE = 0.10
GAPS = yaml.safe_load((Path(__file__).parent / "data" / "library_gaps.yaml").read_text())


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


@pytest.fixture(scope="module")
def evaluation(diagnoser: Diagnoser) -> Evaluation:
    """The curated library evaluated once for every aggregate test of this module."""
    return evaluate_folder(diagnoser, CASES)


def test_the_library_meets_the_accuracy_floors(evaluation: Evaluation) -> None:
    """Floors of issue 4. Top-1 holds on the whole library; top-3 is asserted on the cases that
    do not record a known limitation, and those cases may be at most a tenth of the library.
    (On the whole library top-3 is reported by `marrowdx evaluate`, not asserted: see README.)"""
    summary = evaluation.summary()
    plain = summary["without_limitations"]
    assert summary["n"] >= MIN_CASES
    assert summary["invalid"] == 0
    assert summary["top1"] >= TOP1_FLOOR, summary
    assert plain["top1"] >= TOP1_FLOOR, summary
    assert plain["top3"] >= TOP3_FLOOR, summary
    assert summary["known_limitations"] <= MAX_LIMITATION_SHARE * summary["n"], summary


def _per_cause(kind: str) -> list[object]:
    gaps = GAPS.get(kind) or {}
    return [
        pytest.param(cause.value, marks=pytest.mark.xfail(strict=True, reason=gaps[cause.value]))
        if cause.value in gaps else cause.value
        for cause in CauseId
    ]


@pytest.fixture(scope="module")
def library(evaluation: Evaluation) -> list[tuple[str, int | None]]:
    return [(r.expected or "", r.rank) for r in evaluation.results]


@pytest.mark.parametrize("cause", _per_cause("too_few_cases"))
def test_every_cause_is_expected_by_at_least_two_cases(cause: str, library) -> None:
    assert sum(1 for expected, _ in library if expected == cause) >= 2


@pytest.mark.parametrize("cause", _per_cause("never_first"))
def test_every_cause_ranks_first_on_some_case(cause: str, library) -> None:
    assert any(expected == cause and rank == 1 for expected, rank in library)


def test_the_gap_list_names_real_causes_with_reasons() -> None:
    for kind in ("too_few_cases", "never_first"):
        for cause, reason in (GAPS.get(kind) or {}).items():
            assert cause in set(CauseId) and len(reason) > 30, cause


def test_known_limitations_say_why() -> None:
    for path in FILES:
        expected = load_case(path).expected
        if expected and expected.known_limitation:
            assert len(expected.known_limitation) > 60, path.stem


def test_hard_cases_are_there() -> None:
    hard = [p for p in FILES if (c := load_case(p)).difficulty and c.difficulty.value == "hard"]
    assert len(hard) >= 20
