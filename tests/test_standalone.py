"""A newcomer's clone works on its own: no path outside the repository, an installable wheel."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from engine.case_format import case_format_markdown
from tests.conftest import EXAMPLES, ROOT

# Built from pieces so that this file does not match its own search.
OUTSIDE = re.compile("|".join([
    r"\.\./" + "shared",
    r"parents?\[?\d?\]?\s*/\s*['\"]" + "shared" + "['\"]",
    r"parent\.parent\s*/\s*['\"]" + "shared",
    r"ROOT\.parent\b",
]))
CHECKED = ("engine", "ui", "tests", "bench", ".ci", "examples", "docs")


def _checked_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "pyproject.toml"]
    for folder in CHECKED:
        files += [p for p in (ROOT / folder).rglob("*")
                  if p.is_file() and p.suffix in ("", ".py", ".md", ".yaml", ".toml", ".sh", ".txt")]
    return files


def test_nothing_reads_or_names_a_path_outside_the_repository() -> None:
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for path in _checked_files()
                 for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
                 if OUTSIDE.search(line)]
    assert not offenders, "paths outside the repository:\n" + "\n".join(offenders)


def test_the_outside_path_search_catches_what_it_should() -> None:
    sibling = '"' + "shared" + '"'
    for line in ("EXAMPLES = ROOT" + ".parent / " + sibling + ' / "examples"', "see " + "../" + "shared/x.md",
                 "Path(__file__).parents[2] / " + sibling):
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search('EXAMPLES = ROOT / "examples"')


def test_the_examples_live_in_the_repository() -> None:
    names = sorted(p.name for p in EXAMPLES.glob("*.yaml"))
    assert names == ["example-myeloma.yaml", "example-reconversion.yaml", "invalid-t1.yaml"]


def test_the_case_format_page_is_generated_from_the_vocabulary(kb) -> None:
    page = (ROOT / "docs" / "case-format.md").read_text()
    assert page == case_format_markdown(kb), (
        "docs/case-format.md is stale: run `uv run marrowdx schema --markdown > docs/case-format.md`")


def test_the_override_list_matches_the_project_overrides() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shipped = [line.strip() for line in (ROOT / "overrides.txt").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    assert shipped == project["tool"]["uv"]["override-dependencies"]


@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed")
def test_the_wheel_diagnoses_an_example_outside_the_checkout(tmp_path: Path) -> None:
    """Build the wheel, install it in a fresh environment, run it from an unrelated folder."""
    dist = tmp_path / "dist"
    subprocess.run(["uv", "build", "--wheel", "--out-dir", str(dist), str(ROOT)],
                   check=True, capture_output=True, cwd=tmp_path)
    wheel = next(dist.glob("marrowdx-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run(["uv", "venv", "--quiet", str(venv)], check=True, capture_output=True, cwd=tmp_path)
    subprocess.run(["uv", "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
                    "--overrides", str(ROOT / "overrides.txt"), str(wheel)],
                   check=True, capture_output=True, cwd=tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(EXAMPLES / "example-myeloma.yaml", work / "case.yaml")
    shutil.copy(EXAMPLES / "invalid-t1.yaml", work / "bad.yaml")
    env = {"PATH": str(venv / "bin"), "HOME": str(tmp_path)}
    done = subprocess.run([str(venv / "bin" / "marrowdx"), "diagnose", "case.yaml", "--json"],
                          cwd=work, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["case_id"] == "example-myeloma"
    assert len(result["differential"]) > 1
    bad = subprocess.run([str(venv / "bin" / "marrowdx"), "diagnose", "bad.yaml"],
                         cwd=work, capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "findings.t1" in bad.stderr and not bad.stdout
