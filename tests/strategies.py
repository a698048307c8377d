"""Hypothesis strategies for valid case documents, built from the contract vocabulary."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

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


def _values(enum: Any) -> list[str]:
    return [member.value for member in enum]


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def _split(draw: st.DrawFn, enum: Any, size: int = 6) -> tuple[list[str], list[str]]:
    """A present list and an absent list that never share a code."""
    present = draw(st.lists(st.sampled_from(_values(enum)), unique=True, max_size=size))
    rest = [v for v in _values(enum) if v not in present]
    absent = draw(st.lists(st.sampled_from(rest), unique=True, max_size=3)) if rest else []
    return present, absent


@st.composite
def case_documents(draw: st.DrawFn) -> dict[str, Any]:
    history, absent_history = draw(_split(History))
    signs, absent_signs = draw(_split(Sign))
    findings: dict[str, Any] = {
        "distribution": draw(st.sampled_from(_values(Distribution))),
        "t1": draw(st.sampled_from(_values(T1Level))),
        "sites": draw(st.lists(st.sampled_from(_values(Site)), unique=True, max_size=4)),
        "signs": signs,
        "absent_signs": absent_signs,
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "t1_vs_disc": st.sampled_from(_values(Comparison)),
        "t1_vs_muscle": st.sampled_from(_values(Comparison)),
        "t1_vs_marrow": st.sampled_from(_values(Comparison)),
        "t2": st.sampled_from(_values(T2Level)),
        "t2_plain": st.sampled_from(_values(T2Level)),
        "field_strength": st.sampled_from([1.5, 3]),
        "opposed_phase_drop_pct": st.floats(0, 100, allow_nan=False),
        "chemical_shift": st.sampled_from(_values(ChemicalShift)),
        "fat_fraction_pct": st.floats(0, 100, allow_nan=False),
        "adc": st.floats(0, 4, allow_nan=False),
        "dwi": st.sampled_from(_values(Dwi)),
        "enhancement": st.sampled_from(_values(Enhancement)),
    }
    for name, strategy in optional.items():
        value = draw(_optional(strategy))
        if value is not None:
            findings[name] = value
    return {
        "id": "generated",
        "patient": {"age": draw(st.integers(0, 120)), "sex": draw(st.sampled_from(_values(Sex)))},
        "known_cancer": draw(st.sampled_from(_values(KnownCancer))),
        "history": history,
        "absent_history": absent_history,
        "findings": findings,
    }
