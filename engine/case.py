"""The case file of CONTRACT section 1 as pydantic models.

Every field, code, range and default of the contract is declared here and nowhere
else; extra optional fields (difficulty, teaching points, a known limitation) are
additions the contract allows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.documents import parse_text, read_document, validate
from engine.vocabulary import (
    CauseId,
    ChemicalShift,
    Comparison,
    Difficulty,
    Distribution,
    Dwi,
    Enhancement,
    History,
    KnownCancer,
    Sex,
    Sign,
    Site,
    SourceKind,
    T1Level,
    T2Level,
)

FIELD_STRENGTHS = (1.5, 3.0)

Percent = Annotated[float, Field(strict=True, ge=0, le=100, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Patient(_Strict):
    age: Annotated[int, Field(strict=True, ge=0, le=120, description="years")]
    sex: Sex = Sex.unknown


class Findings(_Strict):
    sites: list[Site] = []
    distribution: Distribution
    t1: T1Level
    t1_vs_disc: Comparison | None = None
    t1_vs_muscle: Comparison | None = None
    t1_vs_marrow: Comparison | None = None
    t2: T2Level | None = Field(None, description="fluid-sensitive: T2 fat-sat or STIR")
    t2_plain: T2Level | None = Field(None, description="T2 without fat suppression")
    field_strength: Annotated[float, Field(strict=True, allow_inf_nan=False)] | None = Field(
        None, description="tesla: 1.5 or 3"
    )
    opposed_phase_drop_pct: Percent | None = None
    chemical_shift: ChemicalShift | None = None
    fat_fraction_pct: Percent | None = None
    adc: Annotated[float, Field(strict=True, ge=0, le=4, allow_inf_nan=False)] | None = Field(
        None, description="x10^-3 mm^2/s"
    )
    dwi: Dwi | None = None
    enhancement: Enhancement | None = None
    signs: list[Sign] = []
    absent_signs: list[Sign] = []

    @field_validator("field_strength")
    @classmethod
    def _known_field_strength(cls, value: float | None) -> float | None:
        if value is not None and value not in FIELD_STRENGTHS:
            raise ValueError(f"{value!r} is not one of 1.5, 3")
        return value

    @model_validator(mode="after")
    def _sign_not_both_ways(self) -> Findings:
        _reject_overlap(self.signs, self.absent_signs, "signs", "absent_signs")
        return self


class Expected(_Strict):
    diagnosis: CauseId
    acceptable: list[CauseId] = []
    notes: str | None = None
    known_limitation: str | None = Field(
        None, description="why the engine is known to miss this case (skips the top-3 test)"
    )


class Case(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9-]+$", min_length=1, max_length=120)]
    title: str | None = None
    source: str | None = None
    source_kind: SourceKind = Field(
        SourceKind.single_patient,
        description="single_patient (a case report, teaching file or figure legend) or series "
        "(a prototype built from a case series' or review's stated typical findings)",
    )
    shared_source_reason: str | None = Field(
        None,
        description="why this case cites a source another case also cites (e.g. a different "
        "patient of the same series or teaching page)",
    )
    patient: Patient
    known_cancer: KnownCancer = KnownCancer.none
    history: list[History] = []
    absent_history: list[History] = []
    findings: Findings
    expected: Expected | None = None
    difficulty: Difficulty | None = None
    teaching_points: list[str] = []

    @model_validator(mode="after")
    def _history_not_both_ways(self) -> Case:
        _reject_overlap(self.history, self.absent_history, "history", "absent_history")
        return self

    def without_expected(self) -> Case:
        """The case as the engine may see it: the answer block removed."""
        return self.model_copy(update={"expected": None})


def _reject_overlap(present: list[Any], absent: list[Any], name: str, absent_name: str) -> None:
    both = sorted(set(present) & set(absent))
    if both:
        codes = ", ".join(str(code) for code in both)
        raise ValueError(f"{codes} cannot be in both {name} and {absent_name}")


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
