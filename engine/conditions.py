"""Rule conditions: the compact YAML form (``{t1: hypointense}``, ``{all: [...]}``) as a tree.

A condition names case fields by their short names (engine/facts.py) and derived facts with
``fact``; it knows the vocabulary, not medicine.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from engine.facts import FIELDS, Kind

COMPARATORS = ("gt", "gte", "lt", "lte")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Test(_Strict):
    """One comparison against one case field or derived fact."""

    field: str
    op: Literal["in", "gt", "gte", "lt", "lte"]
    values: tuple[str | float, ...]

    def describe(self) -> str:
        if self.field == "fact":
            return " or ".join(str(v) for v in self.values)
        if self.op == "in":
            shown = " or ".join(str(v) for v in self.values)
            verb = "includes" if FIELDS[self.field].kind is Kind.codes else "is"
            return f"{self.field} {verb} {shown}"
        symbol = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[self.op]
        return f"{self.field} {symbol} {self.values[0]:g}"


class Condition(_Strict):
    """all / any / not over tests, read from the compact YAML form.

    YAML: ``{t1: hypointense}``, ``{t1: [hypointense, mixed]}``, ``{adc: {lt: 1.0}}``,
    ``{signs: halo_sign}``, ``{fact: marrow_replacement}``, ``{all: [...]}``,
    ``{any: [...]}``, ``{not: {...}}``.
    """

    kind: Literal["all", "any", "not", "test"]
    children: tuple[Condition, ...] = ()
    test: Test | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: Any) -> Any:
        if isinstance(data, dict) and "kind" in data:
            return data
        if not isinstance(data, dict) or len(data) != 1:
            raise ValueError(
                "a condition is a mapping with exactly one key: all, any, not, fact "
                f"or a case field ({', '.join(FIELDS)})"
            )
        (key, value), = data.items()
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise ValueError(f"'{key}' takes a non-empty list of conditions")
            return {"kind": key, "children": value}
        if key == "not":
            return {"kind": "not", "children": [value]}
        if key == "fact":
            names = value if isinstance(value, list) else [value]
            return {"kind": "test", "test": {"field": "fact", "op": "in", "values": names}}
        return {"kind": "test", "test": _test_from_yaml(str(key), value)}

    def tests(self) -> list[tuple[Test, bool]]:
        """Every test with whether it is asked positively (not under an odd number of 'not')."""
        if self.kind == "test":
            assert self.test is not None
            return [(self.test, True)]
        found: list[tuple[Test, bool]] = []
        for child in self.children:
            for test, positive in child.tests():
                found.append((test, positive if self.kind != "not" else not positive))
        return found

    def describe(self) -> str:
        if self.kind == "test":
            assert self.test is not None
            return self.test.describe()
        if self.kind == "not":
            return f"NOT ({self.children[0].describe()})"
        joiner = " AND " if self.kind == "all" else " OR "
        parts = [c.describe() if c.kind in ("test", "not") else f"({c.describe()})"
                 for c in self.children]
        return joiner.join(parts)


def _test_from_yaml(name: str, value: Any) -> dict[str, Any]:
    spec = FIELDS.get(name)
    if spec is None:
        raise ValueError(
            f"unknown condition key {name!r}; use all, any, not, fact or one of {', '.join(FIELDS)}"
        )
    if spec.kind is Kind.number:
        if not isinstance(value, dict) or not value:
            raise ValueError(f"{name} is a number: compare it with {{gt|gte|lt|lte: N}}")
        tests = []
        for op, bound in value.items():
            if op not in COMPARATORS:
                raise ValueError(f"{name}: {op!r} is not one of {', '.join(COMPARATORS)}")
            if isinstance(bound, bool) or not isinstance(bound, int | float):
                raise ValueError(f"{name}: {op} needs a number, got {bound!r}")
            tests.append({"field": name, "op": op, "values": [float(bound)]})
        if len(tests) > 1:
            raise ValueError(f"{name}: one comparison per test; combine two with 'all'")
        return tests[0]
    codes = value if isinstance(value, list) else [value]
    allowed = spec.allowed()
    for code in codes:
        if code not in allowed:
            raise ValueError(f"{name}: {code!r} is not one of {', '.join(allowed)}")
    return {"field": name, "op": "in", "values": [str(c) for c in codes]}
