"""Where the knowledge base lives (no other engine module is imported here)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def default_rules_dir() -> Path:
    """MARROWDX_RULES, else the copy shipped in the package, else the checkout's rules/.

    An installed wheel carries ``rules/`` as package data (``engine/rules``, found through
    importlib.resources); a source checkout keeps it at the top level beside ``engine/``.
    MARROWDX_RULES lets an educator point the tools at their own knowledge folder.
    """
    override = os.environ.get("MARROWDX_RULES")
    if override:
        return Path(override)
    shipped = Path(str(resources.files("engine").joinpath("rules")))
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parent.parent / "rules"


RULES_DIR = default_rules_dir()
