"""How the profile weight (scale.weight in rules/profiles/findings.yaml) ranks the library.

The weight was chosen on the curated cases (the top-level files of cases/) and checked on
the batches in cases/batch-*/, which it was not chosen on. This prints, for each weight,
top-1 / top-3 / benign specificity / must-not-miss recall per group, so that choice can be
re-made and re-checked by anyone:

    uv run python bench/profile_weight.py [--weights 0.3 0.5 1.0]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.diagnosis import Diagnoser  # noqa: E402
from engine.evaluation import Evaluation, evaluate_folder  # noqa: E402
from engine.knowledge import RULES_DIR  # noqa: E402
from engine.loading import load_knowledge  # noqa: E402
from engine.profiles import ProfileBook  # noqa: E402

CASES = ROOT / "cases"
MEASURES = ("top1", "top3", "benign_specificity", "must_not_miss_recall")


def with_weight(book: ProfileBook, weight: float) -> ProfileBook:
    """The same profiles with another weight (a fresh book: its points are cached)."""
    return ProfileBook(book.scale.model_copy(update={"weight": weight}), book.findings,
                       book.profiles)


def groups(evaluation: Evaluation) -> dict[str, Evaluation]:
    """curated (top-level files), each batch folder, and everything."""
    found: dict[str, list] = {}
    for result in evaluation.results:
        folder = Path(result.file).parent
        found.setdefault("curated" if folder == CASES else folder.name, []).append(result)
    return {**{name: Evaluation(rows) for name, rows in sorted(found.items())},
            "all": evaluation}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=float, nargs="+",
                        default=[0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0])
    args = parser.parse_args(argv)
    kb = load_knowledge(RULES_DIR)
    assert kb.profiles is not None
    shipped = kb.profiles
    diagnoser = Diagnoser(kb)
    print("| weight | group | cases | top-1 | top-3 | benign specificity | must-not-miss recall |")
    print("|---|---|---|---|---|---|---|")
    for weight in args.weights:
        kb.profiles = with_weight(shipped, weight)
        for name, part in groups(evaluate_folder(diagnoser, CASES)).items():
            summary = part.summary()
            cells = " | ".join(f"{summary[m]:.2f}" for m in MEASURES)
            mark = " (shipped)" if weight == shipped.scale.weight else ""
            print(f"| {weight:g}{mark} | {name} | {summary['n']} | {cells} |")
    kb.profiles = shipped
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
