"""The flat view of a case that rule conditions talk about.

A rule condition names a case field by a short name (``t1``, ``adc``, ``signs``...).
This table says where each name lives in the case, what vocabulary it takes, and
whether it holds one value or a set of codes. It knows the case layout, not medicine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from engine.case import Case
from engine.vocabulary import (
    ChemicalShift,
    Comparison,
    Distribution,
    Dwi,
    Enhancement,
    History,
    KnownCancer,
    Sex,
    Sign,
    Site,
    T1Level,
    T2Level,
)


class Kind(StrEnum):
    code = "code"  # one value from an enum
    number = "number"  # one numeric value
    codes = "codes"  # a set of codes from an enum


@dataclass(frozen=True)
class FieldSpec:
    name: str
    case_path: tuple[str, ...]
    kind: Kind
    vocabulary: type[Enum] | None = None

    @property
    def dotted(self) -> str:
        return ".".join(self.case_path)

    def allowed(self) -> list[str]:
        return [member.value for member in self.vocabulary] if self.vocabulary else []


FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("age", ("patient", "age"), Kind.number),
        FieldSpec("sex", ("patient", "sex"), Kind.code, Sex),
        FieldSpec("known_cancer", ("known_cancer",), Kind.code, KnownCancer),
        FieldSpec("history", ("history",), Kind.codes, History),
        FieldSpec("absent_history", ("absent_history",), Kind.codes, History),
        FieldSpec("sites", ("findings", "sites"), Kind.codes, Site),
        FieldSpec("distribution", ("findings", "distribution"), Kind.code, Distribution),
        FieldSpec("t1", ("findings", "t1"), Kind.code, T1Level),
        FieldSpec("t1_vs_disc", ("findings", "t1_vs_disc"), Kind.code, Comparison),
        FieldSpec("t1_vs_muscle", ("findings", "t1_vs_muscle"), Kind.code, Comparison),
        FieldSpec("t1_vs_marrow", ("findings", "t1_vs_marrow"), Kind.code, Comparison),
        FieldSpec("t2", ("findings", "t2"), Kind.code, T2Level),
        FieldSpec("t2_plain", ("findings", "t2_plain"), Kind.code, T2Level),
        FieldSpec("field_strength", ("findings", "field_strength"), Kind.number),
        FieldSpec("opposed_phase_drop_pct", ("findings", "opposed_phase_drop_pct"), Kind.number),
        FieldSpec("chemical_shift", ("findings", "chemical_shift"), Kind.code, ChemicalShift),
        FieldSpec("fat_fraction_pct", ("findings", "fat_fraction_pct"), Kind.number),
        FieldSpec("adc", ("findings", "adc"), Kind.number),
        FieldSpec("dwi", ("findings", "dwi"), Kind.code, Dwi),
        FieldSpec("enhancement", ("findings", "enhancement"), Kind.code, Enhancement),
        FieldSpec("signs", ("findings", "signs"), Kind.codes, Sign),
        FieldSpec("absent_signs", ("findings", "absent_signs"), Kind.codes, Sign),
    )
}

# Pairs of set fields where the second lists codes known to be absent.
ABSENT_OF: dict[str, str] = {"history": "absent_history", "signs": "absent_signs"}


def _get(case: Case, path: tuple[str, ...]) -> Any:
    value: Any = case
    for part in path:
        value = getattr(value, part)
    return value


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def observations(case: Case) -> Iterator[tuple[str, Any]]:
    """Every known (field, value) of the case; set fields give one pair per code.

    Values are plain strings and numbers (hashable, as experta facts must be).
    Unknown optional fields give nothing, so 'unknown' never looks like 'absent'.
    """
    for spec in FIELDS.values():
        value = _get(case, spec.case_path)
        if value is None:
            continue
        if spec.kind is Kind.codes:
            for code in dict.fromkeys(value):
                yield spec.name, _plain(code)
        elif spec.kind is Kind.number:
            yield spec.name, float(value)
        else:
            yield spec.name, _plain(value)
