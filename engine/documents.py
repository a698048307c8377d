"""Reading YAML/JSON documents safely and turning validation errors into plain messages.

Shared by the case loader and the knowledge loader, so hostile input (Python tags,
alias bombs, huge or non-UTF-8 files, NaN) is refused the same way everywhere.
"""

from __future__ import annotations

import difflib
import json
import math
import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

MAX_BYTES = 1_000_000
MAX_ALIASES = 10  # enough for a hand-written file; an alias bomb needs many more


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, at a dotted field path ('' for the whole file)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass
class InputError(Exception):
    """A document that cannot be used; carries every problem found in it."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(f"{self.source}: {problem}" for problem in self.problems)


class _BoundedSafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with more aliases than any case needs."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} YAML aliases")
        return super().compose_node(parent, index)


def _no_duplicate_keys(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_BoundedSafeLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys
)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number")


def parse_text(text: str, source: str, *, as_json: bool = False) -> Any:
    """Parse one YAML (or JSON) document from text, safely."""
    if not text.strip():
        raise InputError(source, [Problem("", "the file is empty")])
    try:
        if as_json:
            return json.loads(text, parse_constant=_reject_constant)
        return yaml.load(text, Loader=_BoundedSafeLoader)
    except json.JSONDecodeError as exc:
        raise InputError(source, [Problem("", f"invalid JSON: {exc}")]) from None
    except ValueError as exc:
        raise InputError(source, [Problem("", f"invalid JSON: {exc}")]) from None
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise InputError(source, [Problem("", f"invalid YAML: {detail}")]) from None
    except RecursionError:
        raise InputError(source, [Problem("", "the document is nested too deeply")]) from None


def decode(data: bytes, source: str) -> str:
    """Bytes to text, refusing oversized and non-UTF-8 input."""
    if len(data) > MAX_BYTES:
        raise InputError(
            source, [Problem("", f"the file is larger than {MAX_BYTES // 1_000_000} MB")]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            source, [Problem("", f"not UTF-8 text (byte {exc.start} cannot be decoded)")]
        ) from None


def read_document(path: Path) -> Any:
    """Read and parse one YAML or JSON file."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(source, [Problem("", f"cannot read the file: {exc.strerror}")]) from None
    return parse_text(decode(data, source), source, as_json=path.suffix.lower() == ".json")


def validate(model: type[BaseModel], data: Any, source: str) -> Any:
    """Validate parsed data against a model, with messages that name the field path."""
    if not isinstance(data, dict):
        kind = "nothing" if data is None else type(data).__name__
        raise InputError(source, [Problem("", f"expected a mapping of fields, got {kind}")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, explain_validation_error(exc, model)) from None
    except RecursionError:
        raise InputError(source, [Problem("", "the document is nested too deeply")]) from None


def explain_validation_error(exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Plain messages for pydantic errors: allowed values for codes, hints for unknown keys."""
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        path = ".".join(str(part) for part in loc)
        problems.append(Problem(path, _message(error, model, loc)))
    return problems


def _message(error: Any, model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    given = error.get("input")
    annotation = _annotation_at(model, loc)
    enum = _enum_in(annotation)
    if kind == "extra_forbidden":
        allowed = _field_names_at(model, loc[:-1])
        hint = _did_you_mean(str(loc[-1]), allowed)
        return f"unknown field{hint}; allowed fields: {', '.join(allowed)}"
    if kind == "enum" and enum is not None:
        values = [member.value for member in enum]
        return f"{given!r} is not one of {', '.join(values)}{_did_you_mean(str(given), values)}"
    if kind == "missing":
        if enum is not None:
            return f"required field is missing (one of {', '.join(m.value for m in enum)})"
        return "required field is missing"
    if kind in {"int_type", "float_type", "int_from_float"} and isinstance(given, bool):
        return f"{given!r} is a boolean, not a number"
    if kind == "finite_number" or (isinstance(given, float) and math.isnan(given)):
        return "must be a finite number (NaN and infinity are not numbers)"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    if kind in {"int_type", "float_type", "int_from_float", "string_type", "list_type",
                "less_than_equal", "greater_than_equal", "less_than", "greater_than"}:
        return f"{message} (got {given!r})"
    return message


def _did_you_mean(word: str, choices: list[str]) -> str:
    """A close spelling, or the one code an abbreviation starts ('hypo' -> 'hypointense')."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close and len(word) >= 3:
        close = [c for c in choices if c.startswith(word.lower())][:2]
        close = close if len(close) == 1 else []
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated/list annotations."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, tuple, set, frozenset):
        found: list[Any] = []
        for arg in typing.get_args(annotation):
            found.extend(_unwrap(arg))
        return found
    return [annotation]


def _annotation_at(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    current: Any = model
    annotation: Any = None
    for part in loc:
        if isinstance(part, int):
            continue
        models = [t for t in _unwrap(current) if isinstance(t, type) and issubclass(t, BaseModel)]
        if not models or part not in models[0].model_fields:
            return None
        annotation = models[0].model_fields[part].annotation
        current = annotation
    return annotation


def _enum_in(annotation: Any) -> type[Enum] | None:
    for candidate in _unwrap(annotation):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return candidate
    return None


def _field_names_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    target: Any = model if not loc else _annotation_at(model, loc)
    for candidate in _unwrap(target):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return list(candidate.model_fields)
    return []
