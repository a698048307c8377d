"""The case model accepts exactly the contract and names the field path of every error."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from engine.case import Case, case_from_data, load_case, parse_case
from engine.documents import InputError
from engine.facts import FIELDS, Kind
from tests.conftest import EXAMPLES, minimal_case


def _with(path: str, value: Any) -> dict[str, Any]:
    doc = minimal_case()
    if path.startswith("findings."):
        doc["findings"][path.split(".", 1)[1]] = value  # type: ignore[index]
    elif path.startswith("patient."):
        doc["patient"][path.split(".", 1)[1]] = value  # type: ignore[index]
    else:
        doc[path] = value
    return doc


def _error(doc: Any) -> str:
    with pytest.raises(InputError) as caught:
        case_from_data(doc, "case.yaml")
    return str(caught.value)


CODE_FIELDS = [(name, spec) for name, spec in FIELDS.items() if spec.vocabulary is not None]


@pytest.mark.parametrize(("name", "spec"), CODE_FIELDS, ids=[n for n, _ in CODE_FIELDS])
def test_every_contract_code_is_accepted(name: str, spec: Any) -> None:
    for code in spec.allowed():
        value = [code] if spec.kind is Kind.codes else code
        case = case_from_data(_with(spec.dotted, value), "case.yaml")
        assert isinstance(case, Case)


@pytest.mark.parametrize(("name", "spec"), CODE_FIELDS, ids=[n for n, _ in CODE_FIELDS])
def test_unknown_code_is_rejected_with_its_path_and_the_allowed_values(name: str, spec: Any) -> None:
    value = ["not_a_code"] if spec.kind is Kind.codes else "not_a_code"
    message = _error(_with(spec.dotted, value))
    assert spec.dotted in message
    assert "'not_a_code' is not one of" in message
    assert spec.allowed()[0] in message


def test_contract_example_message_for_a_bad_t1() -> None:
    message = _error(_with("findings.t1", "dark"))
    assert "findings.t1: 'dark' is not one of hyperintense, intermediate, hypointense, mixed" in message


def test_defaults_follow_the_contract() -> None:
    case = case_from_data(minimal_case(), "case.yaml")
    assert case.known_cancer == "none"
    assert case.history == [] and case.absent_history == []
    assert case.findings.signs == [] and case.findings.absent_signs == []
    bare = {"id": "x", "patient": {"age": 3}, "findings": {"distribution": "focal", "t1": "mixed"}}
    assert case_from_data(bare, "x").patient.sex == "unknown"


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("patient.age", 121, "patient.age"),
        ("patient.age", -1, "patient.age"),
        ("patient.age", True, "boolean, not a number"),
        ("patient.age", 64.5, "patient.age"),
        ("patient.age", "64", "patient.age"),
        ("findings.adc", 4.5, "findings.adc"),
        ("findings.adc", math.nan, "finite number"),
        ("findings.adc", False, "boolean, not a number"),
        ("findings.opposed_phase_drop_pct", 101, "findings.opposed_phase_drop_pct"),
        ("findings.fat_fraction_pct", math.inf, "finite number"),
        ("findings.field_strength", 2, "not one of 1.5, 3"),
        ("id", "Has Spaces", "id"),
    ],
)
def test_out_of_range_and_wrong_types_are_rejected(path: str, value: Any, expected: str) -> None:
    assert expected in _error(_with(path, value))


def test_field_strength_accepts_both_contract_values() -> None:
    for value in (1.5, 3, 3.0):
        assert case_from_data(_with("findings.field_strength", value), "x").findings.field_strength


def test_unknown_key_gets_a_did_you_mean_hint() -> None:
    message = _error({**minimal_case(), "histroy": ["fever"]})
    assert "histroy: unknown field (did you mean 'history'?)" in message


@pytest.mark.parametrize(("value", "hint"), [("hypointens", "hypointense"), ("hypo", "hypointense"),
                                             ("hyper", "hyperintense"), ("hyp", None)])
def test_unknown_code_gets_a_did_you_mean_hint(value: str, hint: str | None) -> None:
    message = _error(_with("findings.t1", value))
    assert f"findings.t1: {value!r} is not one of" in message
    if hint:
        assert f"(did you mean {hint!r}?)" in message
    else:
        assert "did you mean" not in message, "an ambiguous abbreviation gets no guess"


@pytest.mark.parametrize("missing", ["t1", "distribution"])
def test_missing_required_fields_are_named(missing: str) -> None:
    doc = minimal_case()
    del doc["findings"][missing]  # type: ignore[attr-defined]
    message = _error(doc)
    assert f"findings.{missing}: required field is missing" in message


def test_missing_patient_age_is_named() -> None:
    doc = minimal_case()
    doc["patient"] = {"sex": "male"}
    assert "patient.age: required field is missing" in _error(doc)


def test_a_code_cannot_be_both_present_and_absent() -> None:
    doc = minimal_case(signs=["halo_sign"], absent_signs=["halo_sign"])
    assert "halo_sign cannot be in both signs and absent_signs" in _error(doc)
    doc = {**minimal_case(), "history": ["fever"], "absent_history": ["fever"]}
    assert "fever cannot be in both history and absent_history" in _error(doc)


def test_shared_examples_load_and_the_invalid_one_names_its_fields() -> None:
    assert load_case(EXAMPLES / "example-myeloma.yaml").id == "example-myeloma"
    assert load_case(EXAMPLES / "example-reconversion.yaml").id == "example-reconversion"
    with pytest.raises(InputError) as caught:
        load_case(EXAMPLES / "invalid-t1.yaml")
    message = str(caught.value)
    for path in ("findings.t1", "patient.age", "findings.colour"):
        assert path in message


def test_json_and_yaml_give_the_same_case(tmp_path: Path) -> None:
    yaml_case = load_case(EXAMPLES / "example-myeloma.yaml")
    json_file = tmp_path / "case.json"
    json_file.write_text(yaml_case.model_dump_json())
    assert load_case(json_file) == yaml_case
    assert parse_case(yaml_case.model_dump_json()) == yaml_case


def test_json_schema_lists_the_contract_vocabulary() -> None:
    schema = Case.model_json_schema()
    text = str(schema)
    assert "hypointense" in text and "bulls_eye_sign" in text and "sickle_cell_disease" in text


def test_every_sign_belongs_to_exactly_one_group() -> None:
    """The app's sign tabs come from SIGN_GROUPS; a sign in no group could never be ticked."""
    from engine.vocabulary import SIGN_GROUPS, Sign

    grouped = [sign for signs in SIGN_GROUPS.values() for sign in signs]
    assert sorted(grouped) == sorted(Sign)
