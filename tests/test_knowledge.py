"""Knowledge files are validated at load: a malformed one fails with file, rule and problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.documents import InputError
from engine.loading import load_knowledge

GOOD_RULE = """
  - id: test-good
    when: {t1: hypointense}
    then: {support: multiple_myeloma, weight: 2}
    rationale: A well-formed rule used as the baseline in these tests.
    refs: [Carroll1997]
"""


CYCLE_FACTS = ("facts:\n  - {id: a, label: A, description: first fact in a cycle of two}\n"
               "  - {id: b, label: B, description: second fact in a cycle of two}\n")
CYCLE_RULES = """  - id: cycle-a-from-b
    when: {fact: b}
    then: {derive: a}
    rationale: Derives a from b, half of a cycle.
    refs: [Carroll1997]
  - id: cycle-b-from-a
    when: {fact: a}
    then: {derive: b}
    rationale: Derives b from a, the other half of the cycle.
    refs: [Carroll1997]
"""


def _family(rules_dir: Path, body: str, facts: str = "") -> None:
    text = f"family: test\ntitle: Test family\n{facts}rules:\n{GOOD_RULE}{body}"
    (rules_dir / "test_family.yaml").write_text(text)


def _load_error(rules_dir: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_knowledge(rules_dir)
    return str(caught.value)


def test_a_well_formed_family_loads(rules_copy: Path) -> None:
    _family(rules_copy, "")
    kb = load_knowledge(rules_copy)
    assert [p.rule.id for p in kb.rules] == ["test-good"]


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("when: {t1: dark}\n    then: {support: leukemia, weight: 1}", "'dark' is not one of"),
        ("when: {colour: grey}\n    then: {support: leukemia, weight: 1}", "unknown condition key 'colour'"),
        ("when: {adc: 1.0}\n    then: {support: leukemia, weight: 1}", "compare it with"),
        ("when: {t1: mixed, t2: hyperintense}\n    then: {support: leukemia, weight: 1}",
         "exactly one key"),
        ("when: {t1: mixed}\n    then: {support: leukaemia, weight: 1}", "leukaemia"),
        ("when: {t1: mixed}\n    then: {support: leukemia}", "need a weight"),
        ("when: {t1: mixed}\n    then: {support: leukemia, weight: 5}", "weight"),
        ("when: {t1: mixed}\n    then: {derive: x, weight: 1}", "takes no weight"),
    ],
)
def test_malformed_rules_name_file_rule_and_problem(rules_copy: Path, rule: str, problem: str) -> None:
    _family(rules_copy, f"""
  - id: test-bad
    {rule}
    rationale: A deliberately malformed rule for the loader test.
    refs: [Carroll1997]
""")
    message = _load_error(rules_copy)
    assert "test_family.yaml" in message
    assert "rules.1" in message or "test-bad" in message
    assert problem in message


def test_unknown_reference_is_named_with_a_hint(rules_copy: Path) -> None:
    _family(rules_copy, """
  - id: test-bad-ref
    when: {t1: mixed}
    then: {support: leukemia, weight: 1}
    rationale: Cites a reference that does not exist in the file.
    refs: [Carroll1979]
""")
    message = _load_error(rules_copy)
    assert "rules.test-bad-ref.refs: unknown reference 'Carroll1979'" in message
    assert "did you mean 'Carroll1997'" in message


def test_duplicate_rule_ids_are_refused(rules_copy: Path) -> None:
    _family(rules_copy, GOOD_RULE)
    assert "duplicate rule id" in _load_error(rules_copy)


def test_undeclared_and_cyclic_facts_are_refused(rules_copy: Path) -> None:
    _family(rules_copy, """
  - id: test-undeclared
    when: {fact: nowhere}
    then: {support: leukemia, weight: 1}
    rationale: Uses a derived fact that no file declares.
    refs: [Carroll1997]
""")
    assert "undeclared derived fact 'nowhere'" in _load_error(rules_copy)
    _family(rules_copy, CYCLE_RULES, CYCLE_FACTS)
    assert "cycle" in _load_error(rules_copy)


def test_a_cycle_is_reported_in_the_file_that_holds_it(rules_copy: Path) -> None:
    (rules_copy / "aaa_first.yaml").write_text(
        f"family: first\ntitle: A file sorted before the cycle\nrules:\n{GOOD_RULE}")
    (rules_copy / "zzz_cycle.yaml").write_text(
        f"family: cycle\ntitle: Two rules deriving each other\n{CYCLE_FACTS}rules:\n{CYCLE_RULES}")
    with pytest.raises(InputError) as caught:
        load_knowledge(rules_copy)
    problem = caught.value.problems[0]
    assert caught.value.source.endswith("zzz_cycle.yaml"), caught.value.source
    assert "cycle" in problem.message and "cycle-a-from-b" in problem.message + problem.path
    assert "cycle-b-from-a" in problem.message


def test_a_reference_needs_a_doi_or_url(rules_copy: Path) -> None:
    refs = rules_copy / "references.yaml"
    refs.write_text(refs.read_text() + "  Nowhere2000:\n    citation: A citation without a link.\n"
                    "    note: Nothing to find it by.\n")
    _family(rules_copy, "")
    message = _load_error(rules_copy)
    assert "references.Nowhere2000" in message and "doi or a url" in message


def test_missing_cause_is_reported(rules_copy: Path) -> None:
    causes = rules_copy / "causes.yaml"
    text = causes.read_text()
    start = text.index("  - id: paget_disease")
    causes.write_text(text[:start])
    _family(rules_copy, "")
    assert "missing causes: paget_disease" in _load_error(rules_copy)


def test_the_real_knowledge_base_matches_the_contract_catalogue(kb) -> None:
    """tests/data/contract_causes.yaml pins the contract's cause table (ids, labels, categories)."""
    table = yaml.safe_load((Path(__file__).parent / "data" / "contract_causes.yaml").read_text())
    assert len(table["causes"]) == 27
    assert sorted(kb.causes) == sorted(row["id"] for row in table["causes"])
    for row in table["causes"]:
        cause = kb.causes[row["id"]]
        assert (cause.label, cause.category, cause.must_not_miss) == (
            row["label"], row["category"], row["must_not_miss"])
