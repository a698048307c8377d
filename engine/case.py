"""The case file of CONTRACT section 1 as pydantic models, built from the vocabulary table.

Every contract field, code, range and default comes from rules/vocabulary.yaml through
engine/vocabulary.py; this module only turns that table into pydantic fields and adds the
project's own optional additions (source kind, difficulty, teaching points, a known
limitation) and the cross-field checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model, model_validator

from engine.documents import parse_text, read_document, validate
from engine.vocabulary import FIELD_SPECS, CauseId, Difficulty, FieldSpec, Kind, SourceKind

FIELD_STRENGTHS = FIELD_SPECS["field_strength"].values


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _one_of(values: tuple[float, ...]) -> AfterValidator:
    def check(value: float | None) -> float | None:
        if value is not None and value not in values:
            raise ValueError(f"{value!r} is not one of {', '.join(f'{v:g}' for v in values)}")
        return value

    return AfterValidator(check)


def _pydantic_field(spec: FieldSpec) -> tuple[Any, Any]:
    """(annotation, default) for one vocabulary field."""
    description = spec.description or spec.unit or None
    if spec.kind is Kind.codes:
        return list[spec.vocabulary], Field([], description=description)  # type: ignore[name-defined]
    if spec.kind is Kind.code:
        if spec.required:
            return spec.vocabulary, Field(..., description=description)
        if spec.default is not None:
            return spec.vocabulary, Field(spec.vocabulary(spec.default), description=description)  # type: ignore[misc]
        return spec.vocabulary | None, Field(None, description=description)  # type: ignore[operator]
    bounds: dict[str, Any] = {"strict": True}
    if spec.minimum is not None:
        bounds["ge"] = spec.minimum
    if spec.maximum is not None:
        bounds["le"] = spec.maximum
    if spec.integer:
        number: Any = Annotated[int, Field(**bounds)]
    else:
        number = Annotated[float, Field(allow_inf_nan=False, **bounds)]
    if spec.values:
        number = Annotated[number, _one_of(spec.values)]
    if spec.required:
        return number, Field(..., description=description)
    return number | None, Field(None, description=description)


def _fields(place: tuple[str, ...]) -> dict[str, tuple[Any, Any]]:
    """The pydantic fields of one part of the case (``()`` for the top level), in table order."""
    return {spec.case_path[-1]: _pydantic_field(spec) for spec in FIELD_SPECS.values()
            if spec.case_path[:-1] == place}


def _reject_overlap(present: list[Any], absent: list[Any], name: str, absent_name: str) -> None:
    both = sorted(set(present) & set(absent))
    if both:
        codes = ", ".join(str(code) for code in both)
        raise ValueError(f"{codes} cannot be in both {name} and {absent_name}")


def _check_absent_lists(model: BaseModel, place: tuple[str, ...]) -> None:
    """A code may not stand both in a list and in its ``absent_`` list (contract section 1)."""
    for spec in FIELD_SPECS.values():
        if spec.absent_of and spec.case_path[:-1] == place:
            present = FIELD_SPECS[spec.absent_of].case_path[-1]
            _reject_overlap(getattr(model, present), getattr(model, spec.case_path[-1]),
                            present, spec.case_path[-1])


class _FindingsChecks(_Strict):
    @model_validator(mode="after")
    def _not_both_ways(self) -> _FindingsChecks:
        _check_absent_lists(self, ("findings",))
        return self


Patient = create_model("Patient", __base__=_Strict, **_fields(("patient",)))  # type: ignore[call-overload]
Findings = create_model("Findings", __base__=_FindingsChecks, **_fields(("findings",)))  # type: ignore[call-overload]


class Expected(_Strict):
    diagnosis: CauseId
    acceptable: list[CauseId] = []
    notes: str | None = None
    known_limitation: str | None = Field(
        None, description="why the engine is known to miss this case (skips the top-3 test)"
    )


class _CaseChecks(_Strict):
    @model_validator(mode="after")
    def _not_both_ways(self) -> _CaseChecks:
        _check_absent_lists(self, ())
        return self

    def without_expected(self) -> Case:
        """The case as the engine may see it: the answer block removed."""
        return self.model_copy(update={"expected": None})  # type: ignore[return-value]


Case = create_model(  # type: ignore[call-overload]
    "Case",
    __base__=_CaseChecks,
    id=(Annotated[str, Field(pattern=r"^[a-z0-9-]+$", min_length=1, max_length=120)], ...),
    title=(str | None, None),
    source=(str | None, None),
    source_kind=(SourceKind, Field(
        SourceKind.single_patient,
        description="single_patient (a case report, teaching file or figure legend) or series "
        "(a prototype built from a case series' or review's stated typical findings)")),
    shared_source_reason=(str | None, Field(
        None, description="why this case cites a source another case also cites (e.g. a different "
        "patient of the same series or teaching page)")),
    patient=(Patient, ...),
    **_fields(()),
    findings=(Findings, ...),
    expected=(Expected | None, None),
    difficulty=(Difficulty | None, None),
    teaching_points=(list[str], []),
)


def case_from_data(data: Any, source: str) -> Case:
    """Validate an already-parsed document as a case."""
    return validate(Case, data, source)


def load_case(path: Path) -> Case:
    """Read a case from a YAML or JSON file."""
    return case_from_data(read_document(path), str(path))


def parse_case(text: str, source: str = "<input>") -> Case:
    """Read a case from YAML (or JSON, which YAML also reads) text."""
    return case_from_data(parse_text(text, source), source)


def case_to_yaml(case: Case) -> str:
    """The case as a YAML document in contract field order, without empty defaults."""
    data = case.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data["patient"] = case.patient.model_dump(mode="json")
    data["findings"] = case.findings.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
