"""The knowledge base passes its own lint, and lint catches what it claims to catch."""

from __future__ import annotations

from pathlib import Path

from engine.knowledge import KnowledgeBase
from engine.loading import load_knowledge
from engine.rulebook import MIN_AGAINST, MIN_FOR, lint, per_cause_counts
from engine.satisfiable import never_fires


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
    # the scratch base holds five leukaemia rules (four impossible) and no profiles
    assert "cause leukemia: only 0 rules against it (need 2)" in messages
    assert "cause lymphoma: only 0 rules for it (need 5)" in messages


def test_every_cause_has_a_profile_of_at_least_fifteen_key_findings(kb: KnowledgeBase) -> None:
    from engine.rulebook import MIN_PROFILE, profile_counts

    counts = profile_counts(kb)
    assert sorted(counts) == sorted(kb.causes)
    assert min(counts.values()) >= MIN_PROFILE, counts


def test_the_malignant_share_of_the_priors_stays_in_the_cited_range(kb: KnowledgeBase) -> None:
    from engine.rulebook import malignant_share

    share = kb.scoring.malignant_share
    assert share is not None
    for band, value in malignant_share(kb).items():
        assert share.low <= value <= share.high, band


def test_lint_json_reports_profiles_and_malignant_share() -> None:
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "engine.cli", "rules", "lint", "--json"],
                          capture_output=True, text=True)
    data = json.loads(done.stdout)
    assert done.returncode == 0, data["problems"]
    assert len(data["profiles"]) == 27 and all(n >= 15 for n in data["profiles"].values())
    assert set(data["malignant_share"]) == {"child", "young_adult", "middle_aged", "older"}


RECOUNT = """family: recount
title: A hand rule that re-counts a profiled finding
rules:
  - id: fever-means-osteomyelitis
    when: {history: fever}
    then: {support: osteomyelitis, weight: 2}
    rationale: Re-counts the fever that the profiles already weigh for every cause.
    refs: [Carroll1997]
"""


def test_lint_warns_when_a_hand_rule_recounts_a_profiled_finding(rules_copy: Path) -> None:
    import shutil

    from engine.knowledge import RULES_DIR

    shutil.copytree(RULES_DIR / "profiles", rules_copy / "profiles")
    shutil.copy(RULES_DIR / "marrow_signal.yaml", rules_copy)  # the facts the profiles read
    (rules_copy / "recount.yaml").write_text(RECOUNT)
    messages = [str(p) for p in lint(load_knowledge(rules_copy))]
    recount = [m for m in messages if "fever-means-osteomyelitis" in m]
    assert recount and "fever=present" in recount[0] and "let the profile carry it" in recount[0]


RESTATE = """family: restate
title: A hand rule that restates one profile value for a profiled cause
rules:
  - id: collapse-argues-against-haemangioma
    when: {signs: vertebral_collapse}
    then: {oppose: vertebral_hemangioma, weight: 1}
    rationale: Restates the collapse frequency that the haemangioma profile already gives.
    refs: [Carroll1997]
  - id: collapse-with-fluid-sign-argues-against-haemangioma
    when:
      all:
        - {signs: vertebral_collapse}
        - {signs: fluid_sign}
    then: {oppose: vertebral_hemangioma, weight: 1}
    rationale: Reads a sign the profiles do not, so it adds something of its own.
    refs: [Carroll1997]
"""


def test_lint_flags_a_hand_rule_that_restates_one_profile_value(rules_copy: Path) -> None:
    import shutil

    from engine.knowledge import RULES_DIR

    shutil.copytree(RULES_DIR / "profiles", rules_copy / "profiles")
    shutil.copy(RULES_DIR / "marrow_signal.yaml", rules_copy)
    (rules_copy / "restate.yaml").write_text(RESTATE)
    messages = [str(p) for p in lint(load_knowledge(rules_copy))]
    restated = [m for m in messages if "collapse-argues-against-haemangioma" in m]
    assert restated and "restates collapse=present for vertebral_hemangioma" in restated[0]
    assert not [m for m in messages if "collapse-with-fluid-sign" in m], \
        "a rule that also reads a finding outside the profiles is not a restatement"


BAD_PROFILE = """profiles:
  osteomyelitis:
    refs: [Carroll1997]
    basis: A profile with a mistyped band and an unknown finding, for the loader test.
    frequencies:
      fever: usually
      colour: common
"""


def test_a_malformed_profile_names_file_cause_and_finding(rules_copy: Path) -> None:
    import shutil

    import pytest

    from engine.documents import InputError
    from engine.knowledge import RULES_DIR

    shutil.copytree(RULES_DIR / "profiles", rules_copy / "profiles")
    shutil.copy(RULES_DIR / "marrow_signal.yaml", rules_copy)
    (rules_copy / "profiles" / "zz_bad.yaml").write_text(BAD_PROFILE)
    (rules_copy / "tiny.yaml").write_text(RECOUNT)
    with pytest.raises(InputError) as caught:
        load_knowledge(rules_copy)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "profiles.osteomyelitis.frequencies.fever" in text and "'usually' is not one of" in text
    assert "profiles.osteomyelitis.frequencies.colour" in text and "unknown key finding" in text
