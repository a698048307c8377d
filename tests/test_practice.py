"""Practice scoring is fair and explained; nothing shown before commit names the answer."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from engine.case import load_case
from engine.diagnosis import Diagnoser
from engine.evaluation import case_files
from engine.practice import (
    cause_stats,
    practice_view,
    reveals,
    score_answer,
    shuffled,
    title_reveals,
    weak_spot_draw,
)
from tests.conftest import CASES, EXAMPLES

FILES = case_files(CASES)


def _myeloma(diagnoser: Diagnoser):
    case = load_case(EXAMPLES / "example-myeloma.yaml")
    return case, diagnoser.diagnose(case.without_expected())


@pytest.mark.parametrize(("answer", "points", "verdict"), [
    (["multiple_myeloma", "bone_metastasis", "lymphoma"], 3, "correct"),
    (["bone_metastasis", "multiple_myeloma"], 2, "close"),
    (["bone_metastasis", "lymphoma", "normal_marrow_variant"], 1, "acceptable"),
    (["normal_marrow_variant", "vertebral_hemangioma", "focal_red_marrow"], 0, "miss"),
])
def test_scoring_credits_position_and_acceptable_alternatives(
        diagnoser: Diagnoser, answer: list[str], points: int, verdict: str) -> None:
    case, diagnosis = _myeloma(diagnoser)
    result = score_answer(diagnoser.kb, case, diagnosis, answer)
    assert (result.points, result.verdict) == (points, verdict)


def test_an_answer_without_any_must_not_miss_cause_loses_a_point(diagnoser: Diagnoser) -> None:
    case, diagnosis = _myeloma(diagnoser)
    safe = score_answer(diagnoser.kb, case, diagnosis, ["bone_metastasis", "vertebral_hemangioma"])
    unsafe = score_answer(diagnoser.kb, case, diagnosis, ["vertebral_hemangioma", "focal_red_marrow"])
    assert not safe.safety_penalty and safe.points == 1
    assert unsafe.safety_penalty and unsafe.points == 0
    assert "multiple_myeloma" in unsafe.missed_must_not_miss


def test_a_benign_case_has_no_safety_penalty(diagnoser: Diagnoser) -> None:
    case = load_case(EXAMPLES / "example-reconversion.yaml")
    result = score_answer(diagnoser.kb, case, diagnoser.diagnose(case.without_expected()),
                          ["vertebral_hemangioma"])
    assert not result.safety_penalty and result.points == 0 and result.verdict == "miss"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_nothing_shown_before_commit_names_the_answer(diagnoser: Diagnoser, path: Path) -> None:
    case = load_case(path)
    assert case.expected is not None
    cause = case.expected.diagnosis.value
    view = practice_view(diagnoser.kb, case)
    text = view.text().lower()
    assert case.id not in text
    assert not title_reveals(view.title, diagnoser.kb, cause), view.title
    assert diagnoser.kb.causes[cause].label.lower() not in text
    for code in [c.value for c in case.history] + [case.known_cancer.value]:
        if reveals(code, cause):
            assert diagnoser.kb.glossary.label("history", code).lower() not in text
    if case.source:
        assert case.source.lower()[:40] not in text
    for point in case.teaching_points:
        assert point.lower()[:40] not in text


def test_the_leak_check_would_catch_a_telling_title_and_history(diagnoser: Diagnoser) -> None:
    case = load_case(EXAMPLES / "example-myeloma.yaml")
    telling = type(case).model_validate(
        {**case.model_dump(), "title": "Myeloma in a 67-year-old", "known_cancer": "myeloma"})
    view = practice_view(diagnoser.kb, telling)
    assert "myeloma" not in view.text().lower()


def test_case_order_is_shuffled_per_trainee() -> None:
    ids = [f"case-{n:02d}" for n in range(30)]
    alice, bob = shuffled(ids, "alice"), shuffled(ids, "bob")
    assert sorted(alice) == sorted(ids) and alice == shuffled(ids, "alice")
    assert alice != bob


def test_weak_spots_draw_more_from_the_weakest_cause() -> None:
    stats = cause_stats([("lymphoma", 0, 3)] * 4 + [("osteomyelitis", 3, 3)] * 4)
    assert stats[0].cause == "lymphoma"
    candidates = {f"lym-{n}": "lymphoma" for n in range(5)} | {f"ost-{n}": "osteomyelitis" for n in range(5)}
    rng = random.Random(1)
    draws = [weak_spot_draw(candidates, stats, rng) for _ in range(400)]
    lymphoma = sum(1 for d in draws if d and d.startswith("lym"))
    assert lymphoma > 300  # weights 13/14 against 1/14


def test_weak_spots_avoid_recent_cases_while_others_remain() -> None:
    stats = cause_stats([("lymphoma", 0, 3)])
    candidates = {"a": "lymphoma", "b": "lymphoma"}
    assert {weak_spot_draw(candidates, stats, random.Random(n), recent=["a"]) for n in range(20)} == {"b"}
