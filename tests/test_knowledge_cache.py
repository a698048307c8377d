"""The knowledge cache: the pickled knowledge base is the one the YAML gives, any edit to a
rules file makes a new key, and a cache that cannot be written costs only speed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.diagnosis import Diagnoser
from engine.knowledge import RULES_DIR
from engine.knowledge_cache import cache_key, cached_knowledge
from engine.loading import load_knowledge


def test_the_cached_knowledge_ranks_like_the_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.case import load_case
    from tests.conftest import EXAMPLES

    monkeypatch.setenv("MARROWDX_CACHE", str(tmp_path))
    first = cached_knowledge(RULES_DIR)  # written
    assert list(tmp_path.glob("knowledge-*.pickle"))
    second = cached_knowledge(RULES_DIR)  # read back
    fresh = load_knowledge(RULES_DIR)
    ids = [p.rule.id for p in fresh.rules]
    assert [p.rule.id for p in second.rules] == ids == [p.rule.id for p in first.rules]
    case = load_case(EXAMPLES / "example-myeloma.yaml")
    ranked = [(e.cause, e.score) for e in Diagnoser(second).diagnose(case).differential]
    assert ranked == [(e.cause, e.score) for e in Diagnoser(fresh).diagnose(case).differential]


def test_an_edited_rule_file_gets_a_new_key(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(RULES_DIR, copy)
    before = cache_key(copy)
    target = copy / "causes.yaml"
    target.write_text(target.read_text() + "\n# an edit\n")
    assert cache_key(copy) != before


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("MARROWDX_CACHE", str(blocked / "cache"))
    assert len(cached_knowledge(RULES_DIR).rules) == len(load_knowledge(RULES_DIR).rules)
