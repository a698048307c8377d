"""Golden data: every curated case is a test; adding a case needs no code.

A case passes when its expected diagnosis is in the top three. Cases listed in
tests/data/open_misses.yaml are still run: they are reported as expected failures, and one
that reaches the top three fails until it is taken off the list (a ratchet).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from engine.case import load_case
from engine.diagnosis import Diagnoser
from engine.evaluation import Evaluation, case_files, evaluate_folder
from engine.vocabulary import CauseId
from tests.conftest import CASES

FILES = case_files(CASES)
DATA = Path(__file__).parent / "data"
GAPS = yaml.safe_load((DATA / "library_gaps.yaml").read_text())
OPEN_MISSES = set(yaml.safe_load((DATA / "open_misses.yaml").read_text())["open_misses"])
MIN_CASES = 170  # the case-library issue asks for 170
MIN_PER_CAUSE = 3
BENIGN_SHARE = 0.45
# Regression floors: the whole library's figures after the subchondral-fracture, lymphoma-age,
# spine-defined-cause and foot-metastasis corrections, with batch-2026-11-29c, -d and -e added
# (top-1 0.6699, top-3 0.8398, benign specificity 0.922, must-not-miss recall 0.792), rounded
# down. They guard against sliding back; the targets are higher.
FLOORS = {"top1": 0.66, "top3": 0.83, "benign_specificity": 0.92, "must_not_miss_recall": 0.79}
NEOPLASTIC_OR_INFECTIOUS = {"neoplastic", "infectious"}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_curated_case_ranks_its_diagnosis_in_the_top_three(path: Path, diagnoser: Diagnoser) -> None:
    case = load_case(path)
    assert case.id == path.stem, "a case id must match its file name"
    assert case.source and ("doi" in case.source.lower() or "http" in case.source), \
        "a curated case cites its source with a DOI or URL"
    assert case.expected is not None, "a curated case has an expected block"
    rank = diagnoser.diagnose(case.without_expected()).rank_of(case.expected.diagnosis.value)
    assert rank is not None, "every cause is ranked"
    if case.id in OPEN_MISSES:
        assert rank > 3, f"{case.id} now ranks its cause {rank}: remove it from open_misses.yaml"
        pytest.xfail(f"open miss: {case.expected.diagnosis.value} ranked {rank}")
    assert rank <= 3, f"{case.expected.diagnosis.value} ranked {rank}"


def test_every_open_miss_is_a_curated_case() -> None:
    assert {p.stem for p in FILES} >= OPEN_MISSES


@pytest.fixture(scope="module")
def evaluation(diagnoser: Diagnoser) -> Evaluation:
    """The curated library evaluated once for every aggregate test of this module."""
    return evaluate_folder(diagnoser, CASES)


def test_the_library_holds_its_regression_floors(evaluation: Evaluation) -> None:
    summary = evaluation.summary()
    assert summary["invalid"] == 0
    for measure, floor in FLOORS.items():
        assert summary[measure] >= floor, (measure, summary)


def test_the_library_is_large_and_mostly_benign(diagnoser: Diagnoser, evaluation: Evaluation) -> None:
    results = evaluation.results
    assert len(results) >= MIN_CASES
    categories = [diagnoser.kb.causes[r.expected].category for r in results if r.expected]
    benign = sum(1 for c in categories if c not in NEOPLASTIC_OR_INFECTIOUS)
    assert benign >= BENIGN_SHARE * len(results)


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
def test_every_cause_is_expected_by_at_least_three_cases(cause: str, library) -> None:
    assert sum(1 for expected, _ in library if expected == cause) >= MIN_PER_CAUSE


@pytest.mark.parametrize("cause", _per_cause("never_first"))
def test_every_cause_ranks_first_on_some_case(cause: str, library) -> None:
    assert any(expected == cause and rank == 1 for expected, rank in library)


def test_the_gap_list_names_real_causes_with_reasons() -> None:
    for kind in ("too_few_cases", "never_first"):
        for cause, reason in (GAPS.get(kind) or {}).items():
            assert cause in set(CauseId) and len(reason) > 30, cause


def _source_key(source: str) -> str:
    """The DOI, else the URL, else the text: what makes two citations the same source."""
    doi = re.search(r"10\.\d{4,9}/[^\s;,)\"]+", source)
    if doi:
        return doi.group(0).rstrip(".").lower()
    url = re.search(r"https?://[^\s\"')]+", source)
    if url:
        return url.group(0).rstrip("./").lower().replace("http://", "https://")
    return source.strip().lower()


def test_cases_sharing_a_source_say_why() -> None:
    """Two patients of one series or teaching page are fine, but each case must say so."""
    by_source: dict[str, list[str]] = defaultdict(list)
    unexplained: set[str] = set()
    for path in FILES:
        case = load_case(path)
        by_source[_source_key(case.source or "")].append(case.id)
        if not case.shared_source_reason:
            unexplained.add(case.id)
    shared = {key: ids for key, ids in by_source.items() if len(ids) > 1}
    silent = {key: sorted(set(ids) & unexplained) for key, ids in shared.items() if set(ids) & unexplained}
    assert not silent, f"cases share a source without shared_source_reason: {silent}"


def test_prototypes_are_marked_and_say_so() -> None:
    for path in FILES:
        case = load_case(path)
        if case.source_kind.value == "series":
            assert "prototype" in (case.source or "").lower(), path.stem


def test_known_limitations_say_why() -> None:
    for path in FILES:
        expected = load_case(path).expected
        if expected and expected.known_limitation:
            assert len(expected.known_limitation) > 60, path.stem


def test_hard_cases_are_there() -> None:
    hard = [p for p in FILES if (c := load_case(p)).difficulty and c.difficulty.value == "hard"]
    assert len(hard) >= 20
