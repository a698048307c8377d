"""The parsed, validated knowledge base kept as a pickle, keyed by what it was built from.

Reading and validating the YAML knowledge files is most of a cold diagnosis (about 0.4 s
of 0.9 s on the bench machine). The cache key hashes every file under the rules folder and
the engine's own source, so any edit to a rule or to the loader makes a new entry. The
cache lives in ``MARROWDX_CACHE`` or the user's cache folder; when it cannot be read or
written the knowledge is simply loaded from the YAML. ``marrowdx rules lint`` never uses it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from engine.knowledge import KnowledgeBase
from engine.loading import load_knowledge

ENGINE_DIR = Path(__file__).resolve().parent


def cache_dir() -> Path:
    chosen = os.environ.get("MARROWDX_CACHE")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "marrowdx"


def cache_key(directory: Path) -> str:
    """A hash of every knowledge file, the engine source and the Python version."""
    digest = hashlib.sha256(sys.version.encode())
    for root, pattern in ((directory, "*.yaml"), (ENGINE_DIR, "*.py")):
        for path in sorted(root.rglob(pattern)):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def cached_knowledge(directory: Path) -> KnowledgeBase:
    """The knowledge base of ``directory``, from the cache when it was built from the same files."""
    if os.environ.get("MARROWDX_NO_CACHE"):
        return load_knowledge(directory)
    target = cache_dir() / f"knowledge-{cache_key(directory)}.pickle"
    try:
        with target.open("rb") as handle:
            kb = pickle.load(handle)
        if isinstance(kb, KnowledgeBase):
            return kb
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    kb = load_knowledge(directory)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".tmp") as handle:
            pickle.dump(kb, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, target)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # an unwritable cache only costs speed
    return kb
