"""The flat view of a case that rule conditions talk about.

A rule condition names a case field by a short name (``t1``, ``adc``, ``signs``...).
This table says where each name lives in the case, what vocabulary it takes, and
whether it holds one value or a set of codes. It knows the case layout, not medicine.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Any

from engine.case import Case
from engine.vocabulary import FIELD_SPECS, FieldSpec, Kind

__all__ = ["ABSENT_OF", "FIELDS", "FieldSpec", "Kind", "observations"]

# Every case field by its short name, as rules/vocabulary.yaml defines it.
FIELDS: dict[str, FieldSpec] = FIELD_SPECS

# Pairs of set fields where the second lists codes known to be absent.
ABSENT_OF: dict[str, str] = {spec.absent_of: name for name, spec in FIELDS.items() if spec.absent_of}


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
