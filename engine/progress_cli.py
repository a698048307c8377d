"""`marrowdx progress ...`: export a group's attempts as CSV, import cases as an assignment.

Kept apart from engine/cli.py so the plain diagnosis commands never import SQLAlchemy.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.case import Case


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    progress = commands.add_parser("progress", help="trainee progress: export attempts, import assignments")
    sub = progress.add_subparsers(dest="progress_command", required=True)
    export = sub.add_parser("export", help="write every attempt as CSV")
    export.add_argument("--db", help="database URL (default: MARROWDX_DB or the local SQLite file)")
    export.add_argument("--trainee", help="only this trainee's attempts")
    export.add_argument("-o", "--output", help="CSV file to write (default: standard output)")
    assign = sub.add_parser("assign", help="store case files (or folders of them) as a named assignment")
    assign.add_argument("name")
    assign.add_argument("paths", nargs="+")
    assign.add_argument("--db", help="database URL (default: MARROWDX_DB or the local SQLite file)")


def read_assignment(paths: list[Path]) -> list[Case]:
    """Every case file named or under a named folder; all problems at once, as the CLI words them."""
    from engine.case import load_case
    from engine.documents import InputError, Problem
    from engine.evaluation import case_files

    files: list[Path] = []
    for path in paths:
        files += case_files(path) if path.is_dir() else [path]
    if not files:
        raise InputError(", ".join(map(str, paths)), [Problem("", "no case files (.yaml, .yml, .json)")])
    cases: list[Case] = []
    problems: list[Problem] = []
    for file in files:
        try:
            cases.append(load_case(file))
        except InputError as error:
            problems += [Problem(f"{file}:{p.path}" if p.path else str(file), p.message)
                         for p in error.problems]
    if problems:
        raise InputError("assignment", problems)
    ids = [c.id for c in cases]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise InputError("assignment", [Problem("id", f"case ids used twice: {', '.join(twice)}")])
    return cases


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import ArgumentError, OperationalError

    from engine.documents import InputError, Problem
    from engine.progress import HandleError, ProgressStore, check_handle

    try:
        store = ProgressStore(args.db)
    except (ArgumentError, OperationalError) as error:
        reason = str(error).splitlines()[0]
        raise InputError("--db", [Problem("", f"cannot open the progress database: {reason}")]) from None
    try:
        if args.trainee if args.progress_command == "export" else False:
            try:
                check_handle(args.trainee)
            except HandleError as error:
                raise InputError("--trainee", [Problem("", str(error))]) from None
        if args.progress_command == "export":
            trainee = check_handle(args.trainee) if args.trainee else None
            if args.output:
                with open(args.output, "w", newline="") as out:
                    count = store.export_csv(out, trainee)
            else:
                count = store.export_csv(sys.stdout, trainee)
            print(f"{count} attempt(s) exported", file=sys.stderr)
            return 0
        cases = read_assignment([Path(p) for p in args.paths])
        store.add_assignment(args.name, [c.model_dump(mode="json", exclude_none=True) for c in cases])
        print(f"assignment {args.name!r}: {len(cases)} case(s) stored", file=sys.stderr)
        return 0
    finally:
        store.close()
