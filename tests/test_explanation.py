"""Explanations: the trace follows the chaining, discriminators really reorder, evidence is cited."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.case import load_case
from engine.diagnosis import Diagnoser
from engine.evaluation import case_files
from engine.explanation import explain, to_markdown
from engine.whatif import Candidate, discriminators, ranking_after_step
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
def test_every_reported_discriminator_really_moves_the_named_causes(
        diagnoser: Diagnoser, path: Path) -> None:
    case = load_case(path).without_expected()
    explanation = explain(diagnoser, case)
    for item in explanation.discriminators:
        candidate = Candidate(item["field"], item["value"], item["absent"])
        after = diagnoser.diagnose(candidate.apply(case))
        order = [e.cause for e in after.differential]
        up, down = item["moves_up"], item["moves_above"]
        assert up in order
        assert down not in order or order.index(up) < order.index(down), item["sentence"]


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


@pytest.mark.parametrize("path", SAMPLE[:4], ids=[p.stem for p in SAMPLE[:4]])
def test_pruning_unreachable_findings_changes_no_discriminator(diagnoser: Diagnoser, path: Path) -> None:
    """Skipping findings that no rule chain connects to the leaders must be lossless."""
    case = load_case(path).without_expected()
    diagnosis = diagnoser.diagnose(case)
    pruned = discriminators(diagnoser, case, diagnosis)
    full = discriminators(diagnoser, case, diagnosis, prune=False)
    assert [(d.candidate, d.moves_up, d.moves_above) for d in pruned] == [
        (d.candidate, d.moves_up, d.moves_above) for d in full]
