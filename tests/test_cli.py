"""The command line, run as a user would: a subprocess on real files, broken ones included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT


def marrowdx(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine.cli", *args], cwd=ROOT, input=stdin,
        capture_output=True, text=True, timeout=120,
    )


def test_help_lists_the_commands() -> None:
    result = marrowdx("--help")
    assert result.returncode == 0
    for command in ("diagnose", "evaluate", "explain", "schema", "rules"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("example", "expected"),
    [("example-myeloma.yaml", "multiple_myeloma"),
     ("example-reconversion.yaml", "red_marrow_reconversion")],
)
def test_diagnose_json_follows_the_contract(example: str, expected: str) -> None:
    result = marrowdx("diagnose", str(EXAMPLES / example), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"case_id", "differential", "next_steps", "warnings"}
    first = data["differential"][0]
    assert first["cause"] == expected
    assert set(first) == {"cause", "label", "score", "category", "must_not_miss", "supporting",
                          "opposing"}
    scores = [entry["score"] for entry in data["differential"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores) and sum(scores) <= 1 + 1e-9
    assert data["next_steps"] and all(isinstance(s, str) for s in data["next_steps"])


def test_diagnose_reads_standard_input() -> None:
    text = (EXAMPLES / "example-myeloma.yaml").read_text()
    result = marrowdx("diagnose", "-", "--json", stdin=text)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["case_id"] == "example-myeloma"


def test_diagnose_table_is_readable() -> None:
    result = marrowdx("diagnose", str(EXAMPLES / "example-myeloma.yaml"))
    assert result.returncode == 0
    assert "Multiple myeloma / plasmacytoma" in result.stdout
    assert "Educational use only" in result.stdout


def test_invalid_case_exits_2_naming_file_and_field() -> None:
    path = EXAMPLES / "invalid-t1.yaml"
    result = marrowdx("diagnose", str(path), "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert str(path) in result.stderr
    assert "findings.t1: 'dark' is not one of hyperintense, intermediate, hypointense, mixed" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "empty"), ("- a\n", "mapping"), ("id: [\n", "invalid YAML"),
     ("!!python/object/apply:os.system ['true']\n", "invalid YAML")],
)
def test_broken_files_exit_2_without_traceback(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(content)
    result = marrowdx("diagnose", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr


def test_missing_file_exits_2() -> None:
    result = marrowdx("diagnose", "no/such/case.yaml")
    assert result.returncode == 2 and "no/such/case.yaml" in result.stderr


def test_expected_block_never_influences_the_differential(tmp_path: Path) -> None:
    text = (EXAMPLES / "example-myeloma.yaml").read_text()
    other = text.replace("diagnosis: multiple_myeloma", "diagnosis: bone_contusion")
    stripped = text[: text.index("expected:")]
    outputs = []
    for name, body in (("a.yaml", text), ("b.yaml", other), ("c.yaml", stripped)):
        (tmp_path / name).write_text(body)
        outputs.append(json.loads(marrowdx("diagnose", str(tmp_path / name), "--json").stdout))
    assert outputs[0] == outputs[1] == outputs[2]


def test_evaluate_reports_ranks_and_counts_an_invalid_file_as_a_miss(tmp_path: Path) -> None:
    for name in ("example-myeloma.yaml", "example-reconversion.yaml", "invalid-t1.yaml"):
        (tmp_path / name).write_text((EXAMPLES / name).read_text())
    result = marrowdx("evaluate", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["summary"]["n"] == 3
    by_id = {c["case_id"]: c for c in data["cases"]}
    assert by_id["example-myeloma"]["rank"] == 1
    assert by_id["invalid-t1"]["rank"] is None and "findings.t1" in by_id["invalid-t1"]["error"]
    assert data["summary"]["top1"] == pytest.approx(2 / 3, abs=1e-3)


def test_evaluate_markdown_and_text() -> None:
    assert "top-1 accuracy" in marrowdx("evaluate", str(EXAMPLES), "--markdown").stdout
    assert "top-1" in marrowdx("evaluate", str(EXAMPLES)).stdout


def test_evaluate_on_a_missing_folder_exits_2() -> None:
    assert marrowdx("evaluate", "no-such-folder").returncode == 2


def test_schema_is_json_schema() -> None:
    data = json.loads(marrowdx("schema").stdout)
    assert data["title"] == "Case" and "findings" in data["properties"]


def test_rules_lint_json_shape() -> None:
    result = marrowdx("rules", "lint", "--json")
    data = json.loads(result.stdout)
    assert set(data) >= {"problems", "rules", "references", "per_cause", "profiles", "malignant_share"}
    assert data["problems"] == [] and result.returncode == 0
    assert data["rules"] > 300 and len(data["per_cause"]) == 27


def test_rules_show_filters_by_cause() -> None:
    result = marrowdx("rules", "show", "--cause", "multiple_myeloma")
    assert result.returncode == 0 and "IF " in result.stdout and "multiple_myeloma" in result.stdout
    assert marrowdx("rules", "show", "--cause", "nonsense").returncode == 2


def test_explain_json_has_all_five_parts() -> None:
    result = marrowdx("explain", str(EXAMPLES / "example-myeloma.yaml"), "--format", "json")
    data = json.loads(result.stdout)
    for key in ("evidence", "trace", "discriminators", "next_steps", "plain_summary",
                "differential", "case_id", "warnings"):
        assert key in data
    markdown = marrowdx("explain", str(EXAMPLES / "example-myeloma.yaml")).stdout
    for heading in ("## Evidence", "## Trace", "## Discriminating findings", "## Next steps",
                    "## For the patient"):
        assert heading in markdown


def test_cli_does_not_import_streamlit_or_experta_for_help() -> None:
    code = ("import sys, engine.cli as c\n"
            "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('streamlit' in sys.modules, 'experta' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip().endswith("False False")
