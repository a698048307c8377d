"""The knowledge base passes its own lint, and lint catches what it claims to catch."""

from __future__ import annotations

from pathlib import Path

from engine.knowledge import KnowledgeBase, load_knowledge
from engine.rulebook import MIN_AGAINST, MIN_FOR, lint, never_fires, per_cause_counts


def test_the_knowledge_base_is_lint_clean(kb: KnowledgeBase) -> None:
    assert [str(p) for p in lint(kb)] == []


def test_size_and_balance_of_the_knowledge_base(kb: KnowledgeBase) -> None:
    assert len(kb.rules) >= 200
    for cause, counts in per_cause_counts(kb).items():
        assert counts["for"] >= MIN_FOR and counts["against"] >= MIN_AGAINST, cause


def test_every_rule_cites_a_locatable_reference(kb: KnowledgeBase) -> None:
    for placed in kb.rules:
        for key in placed.rule.refs:
            assert kb.references[key].link.startswith("https://"), key


IMPOSSIBLE = """family: impossible
title: Rules that can never fire, for the lint test
rules:
  - id: never-two-t1-values
    when:
      all:
        - {t1: hypointense}
        - {t1: hyperintense}
    then: {support: leukemia, weight: 1}
    rationale: T1 cannot take two values at once.
    refs: [Carroll1997]
  - id: never-empty-age-range
    when:
      all:
        - {age: {gt: 60}}
        - {age: {lt: 40}}
    then: {support: leukemia, weight: 1}
    rationale: No age is both above 60 and below 40.
    refs: [Carroll1997]
  - id: never-present-and-absent
    when:
      all:
        - {signs: halo_sign}
        - {absent_signs: halo_sign}
    then: {support: leukemia, weight: 1}
    rationale: A sign cannot be both present and absent.
    refs: [Carroll1997]
  - id: never-sign-and-not-sign
    when:
      all:
        - {signs: halo_sign}
        - not: {signs: halo_sign}
    then: {support: leukemia, weight: 1}
    rationale: A test and its negation.
    refs: [Carroll1997]
  - id: can-fire-either-way
    when:
      any:
        - all:
            - {t1: hypointense}
            - {t1: hyperintense}
        - {t1: mixed}
    then: {support: leukemia, weight: 1}
    rationale: One alternative is impossible, the other is fine.
    refs: [Carroll1997]
"""


def test_lint_finds_rules_that_can_never_fire(rules_copy: Path) -> None:
    (rules_copy / "impossible.yaml").write_text(IMPOSSIBLE)
    kb = load_knowledge(rules_copy)
    derivable: set[str] = set()
    verdicts = {p.rule.id: never_fires(p.rule, derivable) for p in kb.rules}
    assert verdicts["can-fire-either-way"] is None
    for rule_id in ("never-two-t1-values", "never-empty-age-range", "never-present-and-absent",
                    "never-sign-and-not-sign"):
        assert verdicts[rule_id], rule_id
    messages = [str(p) for p in lint(kb)]
    assert any("never-empty-age-range" in m and "can never fire" in m for m in messages)
    assert any("only 1 rules for it" in m or "rules for it" in m for m in messages)
