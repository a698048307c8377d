"""The ``marrowdx`` command line (CONTRACT section 3 plus tools for the knowledge base).

Heavy modules (pydantic models, experta) are imported inside the commands, so that
``marrowdx --help`` stays fast; Streamlit is never imported here.
Exit status: 0 ok, 1 problems found (lint) or internal error, 2 invalid input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_PROBLEMS, EXIT_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marrowdx",
        description="Ranked, explained differential for abnormal bone-marrow signal on MRI. "
        "Educational use only: relative plausibility, not a diagnosis.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    diagnose = commands.add_parser("diagnose", help="rank the causes for one case file")
    diagnose.add_argument("path", help="case file (YAML or JSON), or - for standard input")
    diagnose.add_argument("--json", action="store_true", help="print the contract JSON")

    explain = commands.add_parser("explain", help="explain the reasoning for one case file")
    explain.add_argument("path", help="case file (YAML or JSON), or - for standard input")
    explain.add_argument("--format", choices=["md", "json"], default="md")

    draw = commands.add_parser(
        "draw", help="draw a case as a schematic MR sketch (T1 and fluid-sensitive panels)")
    draw.add_argument("path", help="case file (YAML or JSON), or - for standard input")
    draw.add_argument("-o", "--output", required=True, help="FILE.svg or FILE.png")
    draw.add_argument("--title", help="a heading over the sketch (default: the case's title)")
    draw.add_argument("--no-title", action="store_true", help="no heading (e.g. for a quiz slide)")

    evaluate = commands.add_parser("evaluate", help="score every curated case under a folder")
    evaluate.add_argument("directory")
    output = evaluate.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--markdown", action="store_true")
    evaluate.add_argument(
        "--first-look", action="store_true",
        help="append this result to FIRST_LOOK.md beside DIR (do it before tuning any rule on DIR)")
    evaluate.add_argument("--record", help="the first-look file (default: FIRST_LOOK.md beside DIR)")

    schema = commands.add_parser("schema", help="print the JSON Schema of a case file")
    schema.add_argument("--markdown", action="store_true",
                        help="print the case format as a Markdown page instead (docs/case-format.md)")

    rules = commands.add_parser("rules", help="inspect the knowledge base")
    rule_commands = rules.add_subparsers(dest="rules_command", required=True)
    lint = rule_commands.add_parser("lint", help="check the knowledge base; exit 1 on problems")
    lint.add_argument("--json", action="store_true")
    show = rule_commands.add_parser("show", help="list the rules as IF ... THEN ...")
    show.add_argument("--cause", help="only rules for or against this cause id")
    cover = rule_commands.add_parser("coverage", help="how many cases under DIR fire each rule")
    cover.add_argument("directory")
    cover.add_argument("--json", action="store_true")
    from engine.progress_cli import add_parser

    add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from engine.documents import InputError

    try:
        return _dispatch(args)
    except InputError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug must still not show the user a traceback
        print(f"marrowdx: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_PROBLEMS


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "progress":
        from engine.progress_cli import run

        return run(args)
    if args.command == "diagnose":
        return _diagnose(args.path, args.json)
    if args.command == "explain":
        return _explain(args.path, args.format)
    if args.command == "draw":
        return _draw(args.path, Path(args.output), args.title, args.no_title)
    if args.command == "evaluate":
        return _evaluate(Path(args.directory), args.json, args.markdown,
                         Path(args.record) if args.record else None, args.first_look)
    if args.command == "schema":
        if args.markdown:
            from engine.case_format import case_format_markdown
            from engine.diagnosis import get_diagnoser

            sys.stdout.write(case_format_markdown(get_diagnoser().kb))
            return EXIT_OK
        from engine.case import Case

        _print_json(Case.model_json_schema())
        return EXIT_OK
    if args.rules_command == "lint":
        return _lint(args.json)
    if args.rules_command == "show":
        return _show(args.cause)
    return _coverage(Path(args.directory), args.json)


def _read_case(path: str) -> Any:
    from engine.case import case_from_data, load_case
    from engine.documents import decode, parse_text

    if path == "-":
        text = decode(sys.stdin.buffer.read(1_000_001), "<stdin>")
        return case_from_data(parse_text(text, "<stdin>"), "<stdin>")
    return load_case(Path(path))


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _diagnose(path: str, as_json: bool) -> int:
    from engine.diagnosis import diagnose
    from engine.report import diagnosis_text

    case = _read_case(path)
    result = diagnose(case)
    if as_json:
        _print_json(result.to_contract())
    else:
        sys.stdout.write(diagnosis_text(result))
    return EXIT_OK


def _explain(path: str, fmt: str) -> int:
    from engine.diagnosis import get_diagnoser
    from engine.explanation import explain
    from engine.render import to_markdown

    case = _read_case(path)
    explanation = explain(get_diagnoser(), case)
    if fmt == "json":
        _print_json(explanation.to_json())
    else:
        sys.stdout.write(to_markdown(explanation))
    return EXIT_OK


def _draw(path: str, output: Path, title: str | None, no_title: bool) -> int:
    from engine.documents import InputError, Problem
    from engine.drawing import FORMATS

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError("--output", [Problem("", f"{output.name!r} must end in .svg or .png")])
    if not output.parent.is_dir():
        raise InputError("--output", [Problem("", f"folder {str(output.parent)!r} does not exist")])
    case = _read_case(path)
    from engine.drawing import draw_to

    heading = None if no_title else (title or case.title)
    draw_to(case, output, heading)
    print(f"schematic written to {output}", file=sys.stderr)
    return EXIT_OK


def _evaluate(directory: Path, as_json: bool, as_markdown: bool, record: Path | None,
              first_look: bool) -> int:
    from engine.diagnosis import get_diagnoser
    from engine.documents import InputError, Problem
    from engine.evaluation import evaluate_folder, to_markdown, to_text

    if not directory.is_dir():
        raise InputError(str(directory), [Problem("", "not a folder")])
    evaluation = evaluate_folder(get_diagnoser(), directory)
    if first_look:
        import datetime as dt

        from engine import first_look as fl

        target = record or directory.resolve().parent / "FIRST_LOOK.md"
        fl.append(target, fl.entry(evaluation, directory.name, fl.revision(directory),
                                   dt.date.today()))
        print(f"first look appended to {target}", file=sys.stderr)
    if as_json:
        _print_json(evaluation.to_json())
    elif as_markdown:
        sys.stdout.write(to_markdown(evaluation))
    else:
        sys.stdout.write(to_text(evaluation))
    return EXIT_OK


def _lint(as_json: bool) -> int:
    from engine.documents import InputError
    from engine.loading import load_knowledge
    from engine.rulebook import lint, load_problems, malignant_share, per_cause_counts, profile_counts

    try:
        kb = load_knowledge()
    except InputError as error:
        problems = load_problems(error)
        stats: dict[str, Any] = {"rules": 0, "references": 0, "per_cause": {}}
    else:
        problems = lint(kb)
        stats = {"rules": len(kb.rules), "references": len(kb.references),
                 "per_cause": per_cause_counts(kb), "profiles": profile_counts(kb),
                 "malignant_share": malignant_share(kb)}
    if as_json:
        _print_json({"problems": [str(p) for p in problems], **stats})
    else:
        for problem in problems:
            print(problem)
        shares = ", ".join(f"{band} {share:.1%}" for band, share in stats.get("malignant_share", {}).items())
        print(f"{len(problems)} problem(s); {stats['rules']} rules, "
              f"{stats['references']} references; malignant share of the priors: {shares}")
    return EXIT_PROBLEMS if problems else EXIT_OK


def _show(cause: str | None) -> int:
    from engine.documents import InputError, Problem
    from engine.loading import load_knowledge
    from engine.rulebook import show

    kb = load_knowledge()
    if cause and cause not in kb.causes:
        raise InputError("--cause", [Problem("", f"{cause!r} is not one of {', '.join(kb.causes)}")])
    sys.stdout.write(show(kb, cause))
    return EXIT_OK


def _coverage(directory: Path, as_json: bool) -> int:
    from engine.diagnosis import get_diagnoser
    from engine.documents import InputError, Problem
    from engine.evaluation import iter_cases
    from engine.rulebook import coverage

    if not directory.is_dir():
        raise InputError(str(directory), [Problem("", "not a folder")])
    diagnoser = get_diagnoser()
    fired: dict[str, set[str]] = {}
    for path, case, error in iter_cases(directory):
        if case is None:
            print(f"skipped: {error}", file=sys.stderr)
            continue
        _, _, trace = diagnoser.run(case)
        fired[str(path)] = {f.rule_id for f in trace}
    report = coverage(diagnoser.kb, fired)
    if as_json:
        _print_json(report)
        return EXIT_OK
    for rule_id, n in report["per_rule"].items():
        print(f"{n:4d}  {rule_id}")
    print(f"\n{report['exercised']}/{report['rules']} rules fired by {report['cases']} cases")
    if report["unexercised"]:
        print("not exercised by any case: " + ", ".join(report["unexercised"]))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
