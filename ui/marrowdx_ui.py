"""Shared pieces of the Streamlit app: cached engine, the case form, and result views.

The app is thin: every medical judgement comes from the engine's public functions
(``diagnose``, ``explain``, the knowledge base); this module only lays them out.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from engine.case import Case, case_from_data, case_to_yaml, parse_case
from engine.diagnosis import Diagnoser, Diagnosis, get_diagnoser
from engine.documents import InputError, decode
from engine.evaluation import iter_cases
from engine.explanation import Explanation, explain
from engine.incremental import WhatIf
from engine.knowledge import KnowledgeBase
from engine.progress import HandleError, ProgressStore, check_handle, default_url
from engine.render import chain_lines, to_markdown
from engine.vocabulary import FIELD_SPECS, FieldSpec, Kind, groups

# The curated cases of a checkout; MARROWDX_CASES points the app at another folder.
CASES_DIR = Path(os.environ.get("MARROWDX_CASES") or Path(__file__).resolve().parent.parent / "cases")
DISCLAIMER = (
    "**Educational use only.** MarrowDx ranks causes by *relative plausibility* for teaching; "
    "it does not make a diagnosis and must not be used for patient care."
)
NOT_RECORDED = "not recorded"


# ---------------------------------------------------------------- cached engine and library


@st.cache_resource(show_spinner="Compiling the knowledge base...")
def diagnoser() -> Diagnoser:
    """One compiled engine per server process, shared by every session."""
    return get_diagnoser()


def kb() -> KnowledgeBase:
    return diagnoser().kb


@st.cache_resource(show_spinner="Opening the progress database...")
def _store(url: str) -> ProgressStore:
    return ProgressStore(url)


def progress_store() -> ProgressStore | None:
    """The shared progress database (MARROWDX_DB or the local SQLite file), or None with an
    inline error when it cannot be opened: practice still works, attempts are not kept."""
    try:
        return _store(default_url())
    except Exception as error:  # a wrong URL or an unreachable server must not break the page
        st.error(f"The progress database cannot be opened, so attempts are not saved: "
                 f"{str(error).splitlines()[0]}")
        return None


def trainee_handle(key: str) -> str | None:
    """Ask who is practising (a name or handle; no passwords, no patient data)."""
    state = st.session_state
    entered = st.text_input("Your name or handle", value=state.get("trainee", ""), key=key,
                            help="Used only to keep your attempts; no password, no patient data.")
    if not entered.strip():
        return None
    try:
        handle = check_handle(entered)
    except HandleError as error:
        st.error(str(error))
        return None
    state["trainee"] = handle
    return handle


@st.cache_resource(show_spinner=False)
def library() -> dict[str, Case]:
    """The curated cases, by id (invalid files are skipped here; `evaluate` reports them)."""
    return _library(CASES_DIR)


@lru_cache(maxsize=2)
def _library(folder: Path) -> dict[str, Case]:
    return {case.id: case for _, case, _ in iter_cases(folder) if case is not None}


@st.cache_resource(show_spinner="Counting which rules the curated cases fire...")
def library_rule_counts() -> dict[str, int]:
    """Rule id -> how many curated cases fire it (computed once per server process)."""
    return _rule_counts(CASES_DIR)


@lru_cache(maxsize=2)
def _rule_counts(folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for case in _library(folder).values():
        for firing in get_diagnoser().diagnose(case.without_expected()).trace:
            counts[firing.rule_id] = counts.get(firing.rule_id, 0) + 1
    return counts


def warm_up() -> None:
    """Everything the first visitor would otherwise wait for: the compiled knowledge base,
    one engine instance in the pool, the case library and the rule counts (ui/serve.py
    calls this before the server accepts connections)."""
    diagnoser_ = get_diagnoser()
    diagnoser_.give_back(diagnoser_.borrow())
    _rule_counts(CASES_DIR)


@st.cache_data(show_spinner="Reasoning...", max_entries=256)
def explanation_json(case_json: str, discriminate: bool = True) -> dict[str, Any]:
    """The explanation of a case as JSON plus its Markdown, cached per case.

    Discriminating findings re-run the engine once per unrecorded finding (about a second),
    so live pages ask for them only on request and stay fast while findings are edited.
    """
    case = Case.model_validate_json(case_json)
    result = explain(diagnoser(), case, discriminate=discriminate)
    return {**result.to_json(), "markdown": to_markdown(result), "discriminated": discriminate}


def run_explain(case: Case) -> Explanation:
    return explain(diagnoser(), case)


def run_diagnose(case: Case) -> Diagnosis:
    return diagnoser().diagnose(case)


def run_variants(case: Case, variants: list[Case]) -> list[Diagnosis]:
    """Diagnoses of several variants of one case, probed incrementally on one run engine."""
    with WhatIf(diagnoser(), case) as session:
        return [session.diagnose(variant) for variant in variants]


def label(field: str, code: str) -> str:
    return kb().glossary.label(field, code)


def cause_label(cause: str) -> str:
    return kb().causes[cause].label


def value_text(field: str, value: Any) -> str:
    """A field's value in words (labels for codes, 'not recorded' for nothing)."""
    if value in (None, []):
        return NOT_RECORDED
    if isinstance(value, list):
        return ", ".join(label(field, str(v)) for v in value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:g}"
    return label(field, str(value))


def short_reference(key: str) -> str:
    """A reference as a Markdown link with its citation."""
    ref = kb().references[key]
    return f"[{ref.citation}]({ref.link})"


def case_document(case: Case) -> dict[str, Any]:
    """A case as a plain contract document (the draft the form edits)."""
    return case.without_expected().model_dump(mode="json", exclude_none=True)


def validate_document(doc: dict[str, Any], source: str = "form") -> tuple[Case | None, list[str]]:
    try:
        return case_from_data(doc, source), []
    except InputError as error:
        return None, [str(p) for p in error.problems]


def read_upload(name: str, data: bytes) -> tuple[Case | None, list[str]]:
    """Validate an uploaded case file with the same parser as the command line."""
    try:
        return parse_case(decode(data, name), name), []
    except InputError as error:
        return None, [str(p) for p in error.problems]


def disclaimer() -> None:
    st.info(DISCLAIMER, icon=":material/school:")


# ---------------------------------------------------------------- the case form


def _options(enum: Any) -> list[str]:
    return [member.value for member in enum]


def _widget(spec: FieldSpec, current: Any, key: str) -> Any:
    """One widget for one vocabulary field; returns the value (None when not recorded)."""
    help_text = spec.help or None
    if spec.kind is Kind.codes:
        if spec.widget == "checkboxes":
            return _checkbox_tabs(spec, current or [], key)
        return st.multiselect(spec.label, spec.allowed(), default=current or [], key=key, help=help_text,
                              format_func=lambda c: label(spec.name, c))
    if spec.kind is Kind.code:
        options = spec.allowed()
        if spec.required or spec.default is not None:
            start = current if current in options else (spec.form_default or spec.default or options[0])
            return st.selectbox(spec.label, options, index=options.index(start), key=key, help=help_text,
                                format_func=lambda c: label(spec.name, c))
        options = [NOT_RECORDED, *options]
        choice = st.selectbox(spec.label, options, index=options.index(current) if current in options else 0,
                              key=key, help=help_text,
                              format_func=lambda c: c if c == NOT_RECORDED else label(spec.name, c))
        return None if choice == NOT_RECORDED else choice
    if spec.values:
        shown = [NOT_RECORDED, *(f"{v:g}" for v in spec.values)]
        now = NOT_RECORDED if current is None else f"{float(current):g}"
        choice = st.selectbox(spec.label, shown, index=shown.index(now) if now in shown else 0, key=key,
                              help=help_text)
        return None if choice == NOT_RECORDED else float(choice)
    if spec.integer:
        value = int(current if current is not None else spec.form_default or spec.minimum or 0)
        return int(st.number_input(spec.label, min_value=int(spec.minimum or 0),
                                   max_value=int(spec.maximum or 120), step=1, value=value, key=key,
                                   help=help_text))
    return st.number_input(spec.label, min_value=float(spec.minimum or 0),
                           max_value=float(spec.maximum or 100),
                           value=None if current is None else float(current),
                           step=float(spec.step or 1), key=key, help=help_text, placeholder=NOT_RECORDED)


def _checkbox_tabs(spec: FieldSpec, current: list[str], key: str) -> list[str]:
    """A grouped code list as tabs of checkboxes (the contract's sign groups)."""
    assert spec.code_list is not None
    grouped = groups(spec.code_list)
    chosen: list[str] = []
    for tab, codes in zip(st.tabs(list(grouped)), grouped.values(), strict=True):
        with tab:
            columns = st.columns(2)
            for i, code in enumerate(codes):
                if columns[i % 2].checkbox(label(spec.name, code), value=code in current,
                                           key=f"{key.rsplit('_', 1)[0]}_sign_{code}",
                                           help=kb().glossary.help(spec.name, code) or None):
                    chosen.append(code)
    return [c for c in spec.allowed() if c in chosen]


def case_form(draft: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Every field of the vocabulary table as a widget, in its form section; returns the document.

    Widget keys carry ``prefix`` (bumped when a preset is loaded) so loading a case
    re-creates the widgets from the draft; the draft itself lives in session state.
    """
    doc: dict[str, Any] = {"id": draft.get("id", "my-case")}
    if draft.get("title"):
        doc["title"] = draft["title"]
    sections: dict[str, list[FieldSpec]] = {}
    for spec in FIELD_SPECS.values():
        sections.setdefault(spec.group, []).append(spec)
    for section, specs in sections.items():
        with st.expander(section, expanded=True):
            singles = [s for s in specs if s.kind is not Kind.codes]
            lists = [s for s in specs if s.kind is Kind.codes]
            columns = st.columns(3 if len(singles) > 4 else max(1, len(singles)))
            for i, spec in enumerate(singles):
                with columns[i % len(columns)]:
                    _put(doc, spec, _widget(spec, _get_path(draft, spec.case_path), f"{prefix}_{spec.name}"))
            for spec in lists:
                _put(doc, spec, _widget(spec, _get_path(draft, spec.case_path), f"{prefix}_{spec.name}"))
    return doc


def _get_path(doc: dict[str, Any], path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(part)  # type: ignore[assignment]
    return doc


def _put(doc: dict[str, Any], spec: FieldSpec, value: Any) -> None:
    if value is None:
        return
    holder = doc
    for part in spec.case_path[:-1]:
        holder = holder.setdefault(part, {})
    holder[spec.case_path[-1]] = value


# ---------------------------------------------------------------- result views


def differential_chart(diagnosis: Diagnosis, limit: int = 10) -> None:
    rows = [{"cause": e.label, "score": e.score,
             "kind": "must not miss" if e.must_not_miss else "other", "rank": i}
            for i, e in enumerate(diagnosis.differential[:limit], start=1)]
    if not rows:
        return
    frame = pd.DataFrame(rows)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("score:Q", title="relative plausibility"),
            y=alt.Y("cause:N", sort=alt.SortField("rank"), title=None,
                    axis=alt.Axis(labelLimit=260, labelOverlap=False)),
            color=alt.Color("kind:N", scale=alt.Scale(domain=["must not miss", "other"],
                                                      range=["#c0392b", "#5b7db1"]),
                            legend=alt.Legend(title=None, orient="bottom")),
            tooltip=["rank", "cause", "score", "kind"],
        )
        .properties(height=alt.Step(30))  # 30 px per cause: the chart grows, labels never overlap
    )
    st.altair_chart(chart, width="stretch")


def differential_table(diagnosis: Diagnosis, limit: int = 10) -> None:
    st.dataframe(
        pd.DataFrame([{"#": i, "cause": e.label, "relative plausibility": round(e.score, 3),
                       "must not miss": "yes" if e.must_not_miss else "",
                       "for": len(e.supporting), "against": len(e.opposing)}
                      for i, e in enumerate(diagnosis.differential[:limit], start=1)]),
        hide_index=True, width="stretch")


def evidence_view(explanation: dict[str, Any], leaders: int = 5) -> None:
    for cause in explanation["evidence"][:leaders]:
        title = f"{cause['label']}: {cause['score']:.3f} (points {cause['points']:g})"
        with st.expander(title, expanded=False):
            for item in cause["items"]:
                sign = "for" if item["direction"] == "for" else "against"
                refs = "; ".join(f"[{r['key']}]({r['link']})" for r in item["refs"])
                lines = [f"- **{sign} +{item['weight']}** `{item['rule']}`: {item['rationale']} {refs}"]
                for chain in item["derived"]:
                    lines.extend(chain_lines(chain, "    "))
                st.markdown("\n".join(lines))


def discriminators_view(explanation: dict[str, Any]) -> None:
    items = explanation["discriminators"]
    if not items:
        st.write("No unrecorded key finding separates the three leading causes.")
    for item in items:
        st.markdown(f"- {item['sentence']}")


def next_steps_view(explanation: dict[str, Any]) -> None:
    for i, step in enumerate(explanation["next_steps_detail"], start=1):
        st.markdown(f"{i}. **{step['label']}**: {step['purpose']}")


def yaml_of(case: Case) -> str:
    return case_to_yaml(case)
