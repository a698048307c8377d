"""Hypothesis strategies for valid case documents, built from the vocabulary table."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from engine.vocabulary import FIELD_SPECS, FieldSpec, Kind


def _value(spec: FieldSpec) -> st.SearchStrategy[Any]:
    kind, *space = spec.domain()
    if kind == "choice":
        return st.sampled_from(space[0])
    if kind == "int":
        return st.integers(int(space[0]), int(space[1]))
    return st.floats(space[0], space[1], allow_nan=False)


@st.composite
def case_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid case: required fields always, optional ones sometimes, and for every list with
    an ``absent_`` twin a present list and an absent list that never share a code."""
    doc: dict[str, Any] = {"id": "generated"}
    absent_twins = {spec.absent_of: name for name, spec in FIELD_SPECS.items() if spec.absent_of}
    for name, spec in FIELD_SPECS.items():
        if spec.absent_of:
            continue  # drawn together with its positive list
        holder = doc
        for part in spec.case_path[:-1]:
            holder = holder.setdefault(part, {})
        leaf = spec.case_path[-1]
        if spec.kind is Kind.codes:
            codes = spec.allowed()
            present = draw(st.lists(st.sampled_from(codes), unique=True, max_size=6))
            holder[leaf] = present
            twin = absent_twins.get(name)
            if twin:
                rest = [c for c in codes if c not in present]
                holder[FIELD_SPECS[twin].case_path[-1]] = (
                    draw(st.lists(st.sampled_from(rest), unique=True, max_size=3)) if rest else [])
            continue
        if spec.required or spec.default is not None:
            holder[leaf] = draw(_value(spec))
            continue
        value = draw(st.one_of(st.none(), _value(spec)))
        if value is not None:
            holder[leaf] = value
    return doc
