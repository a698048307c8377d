"""Evaluating the engine on a folder of curated cases (``marrowdx evaluate``).

A case file that fails validation is reported with its error and counts as a miss; it
never stops the run. The ``expected`` block is read here and only here: the engine is
always given the case without it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.case import Case, load_case
from engine.diagnosis import Diagnoser
from engine.documents import InputError

CASE_SUFFIXES = (".yaml", ".yml", ".json")


def case_files(directory: Path) -> list[Path]:
    """Every case file under a folder, in a stable order."""
    return sorted(
        path for path in directory.rglob("*")
        if path.is_file() and path.suffix.lower() in CASE_SUFFIXES
    )


def iter_cases(directory: Path) -> Iterator[tuple[Path, Case | None, InputError | None]]:
    for path in case_files(directory):
        try:
            yield path, load_case(path), None
        except InputError as error:
            yield path, None, error


@dataclass
class CaseResult:
    case_id: str
    file: str
    expected: str | None
    rank: int | None
    top: list[str] = field(default_factory=list)
    acceptable_found: list[str] = field(default_factory=list)
    acceptable_missing: list[str] = field(default_factory=list)
    expected_category: str | None = None
    top_category: str | None = None
    must_not_miss: bool = False
    must_not_miss_first: bool = False
    difficulty: str | None = None
    known_limitation: str | None = None
    source_kind: str = "single_patient"
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "case_id": self.case_id,
            "expected": self.expected,
            "rank": self.rank,
            "file": self.file,
            "top3": self.top[:3],
            "acceptable_found": self.acceptable_found,
            "acceptable_missing": self.acceptable_missing,
        }
        if self.difficulty:
            data["difficulty"] = self.difficulty
        if self.known_limitation:
            data["known_limitation"] = self.known_limitation
        data["source_kind"] = self.source_kind
        if self.error:
            data["error"] = self.error
        return data


@dataclass
class Evaluation:
    results: list[CaseResult]

    def _share(self, hits: int, total: int) -> float:
        return round(hits / total, 4) if total else 0.0

    def _accuracy(self, ranks: list[int | None]) -> dict[str, float]:
        return {
            "top1": self._share(sum(1 for k in ranks if k == 1), len(ranks)),
            "top3": self._share(sum(1 for k in ranks if k is not None and k <= 3), len(ranks)),
        }

    def summary(self) -> dict[str, Any]:
        n = len(self.results)
        ranks = [r.rank for r in self.results]
        urgent = [r for r in self.results if r.must_not_miss]
        benign = [r for r in self.results if r.expected and not r.must_not_miss and not r.error]
        plain = [r.rank for r in self.results if not r.known_limitation]
        prototypes = [r.rank for r in self.results if r.source_kind == "series"]
        patients = [r.rank for r in self.results if r.source_kind != "series"]
        return {
            "n": n,
            **self._accuracy(ranks),
            "known_limitations": n - len(plain),
            "without_limitations": {"n": len(plain), **self._accuracy(plain)},
            "real_patients": {"n": len(patients), **self._accuracy(patients)},
            "prototypes": {"n": len(prototypes), **self._accuracy(prototypes)},
            "must_not_miss_recall": self._share(
                sum(1 for r in urgent if r.rank is not None and r.rank <= 3), len(urgent)
            ),
            "must_not_miss_cases": len(urgent),
            "benign_specificity": self._share(
                sum(1 for r in benign if not r.must_not_miss_first), len(benign)
            ),
            "benign_cases": len(benign),
            "invalid": sum(1 for r in self.results if r.error),
        }

    def confusion(self) -> dict[str, dict[str, int]]:
        """Expected category -> category of the top-ranked cause -> count."""
        table: dict[str, Counter[str]] = {}
        for r in self.results:
            if r.expected_category is None:
                continue
            table.setdefault(r.expected_category, Counter())[r.top_category or "none"] += 1
        return {row: dict(sorted(counts.items())) for row, counts in sorted(table.items())}

    def misses(self) -> dict[str, dict[str, int]]:
        """Expected cause -> the cause ranked first instead -> count, over cases not ranked first."""
        table: dict[str, Counter[str]] = {}
        for r in self.results:
            if r.expected is None or r.rank == 1:
                continue
            table.setdefault(r.expected, Counter())[r.top[0] if r.top else "none"] += 1
        return {cause: dict(counts.most_common()) for cause, counts in sorted(table.items())}

    def to_json(self) -> dict[str, Any]:
        return {
            "cases": [r.to_json() for r in self.results],
            "summary": self.summary(),
            "confusion": self.confusion(),
            "misses": self.misses(),
        }


def evaluate_case(diagnoser: Diagnoser, case: Case, file: str) -> CaseResult:
    assert case.expected is not None
    diagnosis = diagnoser.diagnose(case.without_expected())
    causes = [e.cause for e in diagnosis.differential]
    kb = diagnoser.kb
    expected = case.expected.diagnosis.value
    acceptable = [c.value for c in case.expected.acceptable]
    top = diagnosis.differential[0] if diagnosis.differential else None
    return CaseResult(
        case_id=case.id,
        file=file,
        expected=expected,
        rank=diagnosis.rank_of(expected),
        top=causes,
        acceptable_found=[c for c in acceptable if c in causes[:5]],
        acceptable_missing=[c for c in acceptable if c not in causes[:5]],
        expected_category=kb.causes[expected].category,
        top_category=top.category if top else None,
        must_not_miss=kb.causes[expected].must_not_miss,
        must_not_miss_first=bool(top and top.must_not_miss),
        difficulty=case.difficulty.value if case.difficulty else None,
        known_limitation=case.expected.known_limitation,
        source_kind=case.source_kind.value,
    )


def evaluate_folder(diagnoser: Diagnoser, directory: Path) -> Evaluation:
    results: list[CaseResult] = []
    for path, case, error in iter_cases(directory):
        if error is not None:
            results.append(
                CaseResult(case_id=path.stem, file=str(path), expected=None, rank=None,
                           error=str(error))
            )
        elif case is not None and case.expected is not None:
            results.append(evaluate_case(diagnoser, case, str(path)))
    return Evaluation(results)


def to_markdown(evaluation: Evaluation) -> str:
    """A readable report: summary, per-case ranks, and the category confusion table."""
    s = evaluation.summary()
    plain = s["without_limitations"]
    lines = [
        "| measure | value |",
        "|---|---|",
        f"| cases | {s['n']} |",
        f"| top-1 accuracy | {s['top1']:.2f} |",
        f"| top-3 accuracy | {s['top3']:.2f} |",
        f"| must-not-miss recall (expected must-not-miss cause in top 3) "
        f"| {s['must_not_miss_recall']:.2f} (n={s['must_not_miss_cases']}) |",
        f"| benign specificity (benign case, no must-not-miss cause first) "
        f"| {s['benign_specificity']:.2f} (n={s['benign_cases']}) |",
        f"| invalid case files | {s['invalid']} |",
        f"| cases recording a known limitation | {s['known_limitations']} |",
        f"| top-1 / top-3 without those cases "
        f"| {plain['top1']:.2f} / {plain['top3']:.2f} (n={plain['n']}) |",
        f"| real patients: top-1 / top-3 | {s['real_patients']['top1']:.2f} / "
        f"{s['real_patients']['top3']:.2f} (n={s['real_patients']['n']}) |",
        f"| series prototypes: top-1 / top-3 | {s['prototypes']['top1']:.2f} / "
        f"{s['prototypes']['top3']:.2f} (n={s['prototypes']['n']}) |",
        "",
        "| case | expected | rank | top 3 | acceptable in top 5 |",
        "|---|---|---|---|---|",
    ]
    for r in evaluation.results:
        if r.error:
            lines.append(f"| {r.case_id} | invalid | - | {r.error.splitlines()[0]} | |")
            continue
        rank = "-" if r.rank is None else str(r.rank)
        if r.known_limitation:
            rank += " (known limitation)"
        accepted = f"{len(r.acceptable_found)}/{len(r.acceptable_found) + len(r.acceptable_missing)}"
        lines.append(f"| {r.case_id} | {r.expected} | {rank} | {', '.join(r.top[:3])} | {accepted} |")
    lines += ["", "When the expected cause was not ranked first, the cause that was (count):", ""]
    lines += [f"- {cause}: " + ", ".join(f"{first} {n}" for first, n in firsts.items())
              for cause, firsts in evaluation.misses().items()]
    confusion = evaluation.confusion()
    columns = sorted({c for row in confusion.values() for c in row})
    lines += ["", "Expected category (rows) against the category ranked first (columns):", ""]
    lines.append("| expected \\ first | " + " | ".join(columns) + " |")
    lines.append("|---|" + "---|" * len(columns))
    for row, counts in confusion.items():
        lines.append(f"| {row} | " + " | ".join(str(counts.get(c, "")) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def to_text(evaluation: Evaluation) -> str:
    s = evaluation.summary()
    lines = []
    for r in evaluation.results:
        if r.error:
            lines.append(f"INVALID  {r.case_id}: {r.error}")
            continue
        mark = "ok  " if r.rank == 1 else ("top3" if r.rank and r.rank <= 3 else "MISS")
        if mark == "MISS" and r.known_limitation:
            mark = "KNOWN"
        rank = "-" if r.rank is None else r.rank
        lines.append(f"{mark}  rank {rank!s:>2}  {r.case_id}  (expected {r.expected}; "
                     f"first {r.top[0] if r.top else 'none'})")
    lines.append("")
    lines.append(
        f"n={s['n']}  top-1 {s['top1']:.2f}  top-3 {s['top3']:.2f}  "
        f"must-not-miss recall {s['must_not_miss_recall']:.2f}  "
        f"benign specificity {s['benign_specificity']:.2f}  invalid {s['invalid']}"
    )
    plain = s["without_limitations"]
    lines.append(
        f"known limitations {s['known_limitations']}; without them: n={plain['n']}  "
        f"top-1 {plain['top1']:.2f}  top-3 {plain['top3']:.2f}"
    )
    return "\n".join(lines) + "\n"
