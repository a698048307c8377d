"""Common fixtures: the real knowledge base, compiled once, and the repository's own example files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.diagnosis import Diagnoser, get_diagnoser
from engine.knowledge import RULES_DIR, KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True, scope="session")
def _private_progress_database(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never write to the user's own progress database."""
    import os

    os.environ["MARROWDX_HOME"] = str(tmp_path_factory.mktemp("marrowdx-home"))
    os.environ["MARROWDX_CACHE"] = str(tmp_path_factory.mktemp("marrowdx-cache"))
    os.environ.pop("MARROWDX_DB", None)


@pytest.fixture(scope="session")
def diagnoser() -> Diagnoser:
    return get_diagnoser()


@pytest.fixture(scope="session")
def kb(diagnoser: Diagnoser) -> KnowledgeBase:
    return diagnoser.kb


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """The shared knowledge files (no family files) in a scratch folder, to build test bases."""
    target = tmp_path / "rules"
    target.mkdir()
    for name in ("causes.yaml", "references.yaml", "next_steps.yaml", "vocabulary.yaml",
                 "plain_language.yaml"):
        shutil.copy(RULES_DIR / name, target / name)
    return target


def minimal_case(**findings: object) -> dict[str, object]:
    """A valid case document; keyword arguments override findings."""
    return {
        "id": "test-case",
        "patient": {"age": 50, "sex": "female"},
        "findings": {"distribution": "diffuse", "t1": "intermediate", **findings},
    }
