"""Explanations: the trace follows the chaining, useful findings teach, evidence is cited."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.case import load_case
from engine.diagnosis import Diagnoser
from engine.evaluation import case_files
from engine.explanation import explain
from engine.profiles import Observation
from engine.render import to_markdown
from engine.useful import useful_findings
from engine.whatif import ranking_after_step
from tests.conftest import CASES, EXAMPLES

SAMPLE = [EXAMPLES / "example-myeloma.yaml", EXAMPLES / "example-reconversion.yaml",
          *case_files(CASES)[::6]]


@pytest.mark.parametrize("path", SAMPLE, ids=[p.stem for p in SAMPLE])
def test_trace_order_follows_the_chaining(diagnoser: Diagnoser, path: Path) -> None:
    trace = diagnoser.diagnose(load_case(path).without_expected()).trace
    concluded: set[str] = set()
    for firing in trace:
        for name, value in firing.matched:
            if name == "fact":
                assert value in concluded, f"{firing.rule_id} read {value} before it was derived"
        concluded.update(firing.derived)
    levels = [f.level for f in trace]
    assert levels == sorted(levels), "a lower stratum never fires after a higher one"


@pytest.mark.parametrize("path", SAMPLE, ids=[p.stem for p in SAMPLE])
def test_useful_findings_are_ranked_distinct_and_really_separate_the_leaders(
        diagnoser: Diagnoser, path: Path) -> None:
    case = load_case(path).without_expected()
    diagnosis = diagnoser.diagnose(case)
    found = useful_findings(diagnoser.kb, diagnosis)
    book = diagnoser.kb.profiles
    leaders = [e.cause for e in diagnosis.differential[:3]]
    sentences = [f.sentence(diagnoser.kb) for f in found]
    assert len(set(sentences)) == len(sentences), "no statement is repeated"
    assert len({f.finding for f in found}) == len(found), "one statement per finding (values grouped)"
    assert [f.information for f in found] == sorted((f.information for f in found), reverse=True)
    for f in found:
        assert f.information >= 0
        for branch in f.branches:
            if branch.applies:
                assert set(branch.leaders) <= set(leaders)
        spreads = []
        for branch in f.branches:
            if not branch.applies:
                continue
            shares = [book.likelihood(c, Observation(f.finding, branch.outcome)) for c in leaders]
            spreads.append(max(shares) / min(shares))
        assert max(spreads) >= 3, (f.finding, spreads)


def test_a_finding_that_flips_the_leader_says_both_branches(diagnoser: Diagnoser) -> None:
    case = load_case(CASES / "c-neo-20.yaml").without_expected()
    found = useful_findings(diagnoser.kb, diagnoser.diagnose(case))
    flipping = [f for f in found if len({b.leaders[0] for b in f.branches if b.applies}) > 1]
    assert flipping
    sentence = flipping[0].sentence(diagnoser.kb)
    assert sentence.count(" leads ") >= 2 and sentence.startswith("If ")


def test_numeric_findings_are_worded_with_their_cited_thresholds(diagnoser: Diagnoser) -> None:
    book = diagnoser.kb.profiles
    fat = {v.id: v.ask for v in book.findings["fat"].values}
    assert "20%" in fat["retained"] and "1.5 T" in fat["retained"] and "25% at 3 T" in fat["lost"]


@pytest.mark.parametrize("name", ["example-myeloma.yaml", "example-reconversion.yaml"])
def test_the_examples_get_at_least_three_distinct_grouped_findings(diagnoser: Diagnoser, name: str) -> None:
    explanation = explain(diagnoser, load_case(EXAMPLES / name))
    sentences = [d["sentence"] for d in explanation.discriminators]
    assert len(set(sentences)) >= 3


def test_next_steps_are_ranked_by_the_findings_they_would_reveal(diagnoser: Diagnoser) -> None:
    case = load_case(CASES / "c-neo-20.yaml").without_expected()
    explanation = explain(diagnoser, case)
    powers = [s["separating_power"] for s in explanation.next_steps]
    assert powers == sorted(powers, reverse=True)
    assert explanation.next_steps[0]["reveals"], "the first step names the finding it would reveal"


@pytest.mark.parametrize("path", SAMPLE, ids=[p.stem for p in SAMPLE])
def test_every_evidence_item_carries_a_reference(diagnoser: Diagnoser, path: Path) -> None:
    explanation = explain(diagnoser, load_case(path).without_expected())
    assert explanation.evidence
    for cause in explanation.evidence:
        for item in cause["items"]:
            assert item["refs"] and all(r["link"].startswith("http") for r in item["refs"])
            assert item["rationale"]


def test_shared_examples_give_all_five_parts(diagnoser: Diagnoser) -> None:
    for name in ("example-myeloma.yaml", "example-reconversion.yaml"):
        explanation = explain(diagnoser, load_case(EXAMPLES / name))
        data = explanation.to_json()
        assert data["evidence"] and data["trace"] and data["next_steps"]
        assert "educational" in data["plain_summary"].lower()
        assert isinstance(data["discriminators"], list)
        markdown = to_markdown(explanation)
        assert "## Trace" in markdown and "## For the patient" in markdown


def test_stepping_through_ends_at_the_final_ranking(diagnoser: Diagnoser) -> None:
    diagnosis = diagnoser.diagnose(load_case(EXAMPLES / "example-myeloma.yaml"))
    final = ranking_after_step(diagnoser.kb, diagnosis, len(diagnosis.trace))
    assert [e.cause for e in final] == [e.cause for e in diagnosis.differential]
    before_any_rule = ranking_after_step(diagnoser.kb, diagnosis, 0)
    assert len(before_any_rule) == len(diagnoser.kb.causes)
    assert all(e.points == e.prior for e in before_any_rule)


def test_differences_lists_every_field_that_differs_and_swaps_one(diagnoser: Diagnoser) -> None:
    from engine.whatif import differences, with_field_of

    left = load_case(EXAMPLES / "example-myeloma.yaml").without_expected()
    right = load_case(EXAMPLES / "example-reconversion.yaml").without_expected()
    found = {d.field: d for d in differences(left, right)}
    assert {"age", "sex", "distribution", "t1"} <= set(found)
    assert "t1" in found and found["t1"].left == "hypointense" and found["t1"].right == "intermediate"
    swapped = with_field_of(left, right, "t1")
    assert swapped.findings.t1 == right.findings.t1
    assert swapped.findings.distribution == left.findings.distribution
    assert not differences(left, left)
