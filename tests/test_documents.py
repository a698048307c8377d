"""Hostile documents get one clean message, never a traceback and never executed code."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.case import load_case
from engine.documents import MAX_BYTES, InputError

VALID = "id: x\npatient: {age: 40}\nfindings: {distribution: diffuse, t1: intermediate}\n"


def _fails(tmp_path: Path, content: bytes | str, name: str = "case.yaml") -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(InputError) as caught:
        load_case(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    return message


def test_empty_file(tmp_path: Path) -> None:
    assert "empty" in _fails(tmp_path, "")


def test_document_that_is_not_a_mapping(tmp_path: Path) -> None:
    assert "expected a mapping of fields, got list" in _fails(tmp_path, "- a\n- b\n")
    assert "got str" in _fails(tmp_path, "just text\n")


def test_yaml_syntax_error(tmp_path: Path) -> None:
    assert "invalid YAML" in _fails(tmp_path, "id: [unclosed\n")


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    doc = f"!!python/object/apply:os.system ['touch {marker}']\n"
    assert "invalid YAML" in _fails(tmp_path, doc)
    assert not marker.exists()


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 12):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    assert "aliases" in _fails(tmp_path, "\n".join(lines) + "\n")


def test_oversized_file(tmp_path: Path) -> None:
    assert "larger than" in _fails(tmp_path, "#" * (MAX_BYTES + 10) + "\n")


def test_non_utf8_bytes(tmp_path: Path) -> None:
    assert "not UTF-8" in _fails(tmp_path, b"id: caf\xe9\n")


def test_invalid_json_and_json_nan(tmp_path: Path) -> None:
    assert "invalid JSON" in _fails(tmp_path, "{not json", "case.json")
    doc = '{"id": "x", "patient": {"age": NaN}, "findings": {}}'
    assert "NaN is not a number" in _fails(tmp_path, doc, "case.json")


def test_yaml_nan_is_not_a_number(tmp_path: Path) -> None:
    doc = VALID.replace("t1: intermediate}", "t1: intermediate, adc: .nan}")
    assert "findings.adc: must be a finite number" in _fails(tmp_path, doc)


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    assert "duplicate key 'id'" in _fails(tmp_path, "id: a\nid: b\n" + VALID.split("\n", 1)[1])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_case(tmp_path / "nope.yaml")
    assert "cannot read the file" in str(caught.value)


def test_a_valid_file_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(VALID)
    assert load_case(path).id == "x"
