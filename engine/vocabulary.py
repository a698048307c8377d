"""The case vocabulary, read once from rules/vocabulary.yaml; the cause ids from causes.yaml.

Every field of a case (name, place in the file, kind, code list or range, unit, label,
help, form section) and every code is defined in that table, and nowhere in Python: the
case model, the flat facts, the app's form, the test strategies, the benchmark's generated
cases, the JSON schema and docs/case-format.md are all built from what this module loads.
The enums below are made from the table, so the code is still spelled in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

import yaml

from engine.paths import RULES_DIR

VOCABULARY_FILE = RULES_DIR / "vocabulary.yaml"


class Kind(StrEnum):
    code = "code"  # one value from a code list
    number = "number"  # one numeric value
    codes = "codes"  # a set of codes from a code list


@dataclass(frozen=True)
class Code:
    """One code of a code list, with its label, help and group (if the list has groups)."""

    code: str
    label: str
    help: str
    group: str | None


@dataclass(frozen=True)
class FieldSpec:
    """One case field, as the vocabulary table defines it."""

    name: str
    case_path: tuple[str, ...]
    kind: Kind
    label: str
    help: str
    group: str
    vocabulary: type[Enum] | None = None
    code_list: str | None = None
    required: bool = False
    default: Any = None
    form_default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    values: tuple[float, ...] = ()
    integer: bool = False
    unit: str = ""
    step: float | None = None
    absent_of: str | None = None
    widget: str | None = None
    description: str = ""

    @property
    def dotted(self) -> str:
        return ".".join(self.case_path)

    def allowed(self) -> list[str]:
        return [member.value for member in self.vocabulary] if self.vocabulary else []

    def domain(self) -> tuple[str, list[Any]] | tuple[str, float, float]:
        """What one value may be: ("choice", options), ("int", low, high) or ("float", low, high).

        Generators (the test strategies, the benchmark's random cases) read this, so the
        range of every field is stated once, in the table.
        """
        if self.kind is not Kind.number:
            return ("choice", self.allowed())
        if self.values:
            return ("choice", list(self.values))
        low, high = float(self.minimum or 0), float(self.maximum or 0)
        return ("int", low, high) if self.integer else ("float", low, high)


def _read(path: Any) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise RuntimeError(f"{path}: cannot read the case vocabulary: {error}") from None
    if not isinstance(data, dict):
        raise RuntimeError(f"{path}: the case vocabulary must be a mapping")
    return data


def _codes(raw: dict[str, Any]) -> list[Code]:
    """A code list: code -> {label, help}, or group -> (code -> {label, help})."""
    found: list[Code] = []
    for key, value in raw.items():
        entry = value or {}
        if isinstance(entry, dict) and entry and not ({"label", "help"} & set(entry)):
            for code, inner in entry.items():
                inner = inner or {}
                found.append(Code(code, inner.get("label", code.replace("_", " ")),
                                  inner.get("help", ""), key))
        else:
            found.append(Code(key, entry.get("label", key.replace("_", " ")), entry.get("help", ""), None))
    return found


_TABLE = _read(VOCABULARY_FILE)
CODE_LISTS: dict[str, list[Code]] = {name: _codes(raw) for name, raw in _TABLE["codes"].items()}


def _enum(name: str, codes: list[str]) -> type[StrEnum]:
    return StrEnum(name, [(code, code) for code in codes])  # type: ignore[return-value]


def _list_enum(name: str, list_id: str) -> type[StrEnum]:
    return _enum(name, [c.code for c in CODE_LISTS[list_id]])


Sex = _list_enum("Sex", "sex")
KnownCancer = _list_enum("KnownCancer", "known_cancer")
History = _list_enum("History", "history")
Site = _list_enum("Site", "site")
Distribution = _list_enum("Distribution", "distribution")
T1Level = _list_enum("T1Level", "t1_level")
Comparison = _list_enum("Comparison", "comparison")
T2Level = _list_enum("T2Level", "t2_level")
ChemicalShift = _list_enum("ChemicalShift", "chemical_shift")
Dwi = _list_enum("Dwi", "dwi")
Enhancement = _list_enum("Enhancement", "enhancement")
Sign = _list_enum("Sign", "sign")
ENUMS: dict[str, type[StrEnum]] = {
    "sex": Sex, "known_cancer": KnownCancer, "history": History, "site": Site,
    "distribution": Distribution, "t1_level": T1Level, "comparison": Comparison,
    "t2_level": T2Level, "chemical_shift": ChemicalShift, "dwi": Dwi, "enhancement": Enhancement,
    "sign": Sign,
}


def groups(list_id: str) -> dict[str, tuple[str, ...]]:
    """A grouped code list as group -> codes (the contract's grouping of signs and history)."""
    found: dict[str, list[str]] = {}
    for code in CODE_LISTS[list_id]:
        found.setdefault(code.group or "", []).append(code.code)
    return {group: tuple(codes) for group, codes in found.items()}


SIGN_GROUPS: dict[str, tuple[str, ...]] = groups("sign")
HISTORY_GROUPS: dict[str, tuple[str, ...]] = groups("history")


def _field(raw: dict[str, Any]) -> FieldSpec:
    list_id = raw.get("codes")
    if list_id is not None and list_id not in ENUMS:
        raise RuntimeError(f"{VOCABULARY_FILE}: field {raw['name']}: unknown code list {list_id!r}")
    return FieldSpec(
        name=raw["name"], case_path=tuple(raw["path"].split(".")), kind=Kind(raw["kind"]),
        label=raw.get("label", raw["name"]), help=raw.get("help", ""), group=raw["group"],
        vocabulary=ENUMS.get(list_id) if list_id else None, code_list=list_id,
        required=bool(raw.get("required", False)), default=raw.get("default"),
        form_default=raw.get("form_default"), minimum=raw.get("min"), maximum=raw.get("max"),
        values=tuple(float(v) for v in raw.get("values", ())), integer=bool(raw.get("integer", False)),
        unit=raw.get("unit", ""), step=raw.get("step"), absent_of=raw.get("absent_of"),
        widget=raw.get("widget"), description=raw.get("description", ""),
    )


FIELD_SPECS: dict[str, FieldSpec] = {f["name"]: _field(f) for f in _TABLE["fields"]}

# The cause catalogue comes from rules/causes.yaml (the knowledge base validates the rest).
_CAUSES = _read(RULES_DIR / "causes.yaml")["causes"]
CauseId = _enum("CauseId", [c["id"] for c in _CAUSES])
Category = _enum("Category", list(dict.fromkeys(c["category"] for c in _CAUSES)))


class SourceKind(StrEnum):
    """Where a curated case comes from: one published patient, or a series' prototype."""

    single_patient = "single_patient"
    series = "series"


class Difficulty(StrEnum):
    easy = "easy"
    moderate = "moderate"
    hard = "hard"
