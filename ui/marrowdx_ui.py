"""Shared pieces of the Streamlit app: cached engine, the case form, and result views.

The app is thin: every medical judgement comes from the engine's public functions
(``diagnose``, ``explain``, the knowledge base); this module only lays them out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from engine.case import Case, case_from_data, case_to_yaml, parse_case
from engine.diagnosis import Diagnoser, Diagnosis, get_diagnoser
from engine.documents import InputError, decode
from engine.evaluation import iter_cases
from engine.explanation import Explanation, explain, to_markdown
from engine.knowledge import KnowledgeBase
from engine.progress import HandleError, ProgressStore, check_handle, default_url
from engine.render import chain_lines
from engine.vocabulary import (
    SIGN_GROUPS,
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
    return {case.id: case for _, case, _ in iter_cases(CASES_DIR) if case is not None}


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


def label(field: str, code: str) -> str:
    return kb().glossary.label(field, code)


def cause_label(cause: str) -> str:
    return kb().causes[cause].label


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


def _optional_select(title: str, enum: Any, current: Any, key: str, help_text: str = "") -> Any:
    options = [NOT_RECORDED, *_options(enum)]
    index = options.index(current) if current in options else 0
    choice = st.selectbox(title, options, index=index, key=key, help=help_text or None,
                          format_func=lambda v: v.replace("_", " "))
    return None if choice == NOT_RECORDED else choice


def _optional_number(title: str, current: Any, key: str, low: float, high: float,
                     step: float, help_text: str = "") -> float | None:
    value = None if current is None else float(current)
    return st.number_input(title, min_value=low, max_value=high, value=value, step=step,
                           key=key, help=help_text or None, placeholder=NOT_RECORDED)


def case_form(draft: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Every contract field as a widget, grouped; returns the edited document.

    Widget keys carry ``prefix`` (bumped when a preset is loaded) so loading a case
    re-creates the widgets from the draft; the draft itself lives in session state.
    """
    glossary = kb().glossary
    findings = dict(draft.get("findings", {}))
    patient = dict(draft.get("patient", {}))
    doc: dict[str, Any] = {"id": draft.get("id", "my-case")}
    if draft.get("title"):
        doc["title"] = draft["title"]

    with st.expander("Patient and history", expanded=True):
        c1, c2, c3 = st.columns(3)
        age = c1.number_input("Age (years)", min_value=0, max_value=120, step=1,
                              value=int(patient.get("age", 50)), key=f"{prefix}_age")
        sex = c2.selectbox("Sex", _options(Sex), index=_options(Sex).index(patient.get("sex", "unknown")),
                           key=f"{prefix}_sex")
        cancer_opts = _options(KnownCancer)
        cancer = c3.selectbox("Known cancer", cancer_opts,
                              index=cancer_opts.index(draft.get("known_cancer", "none")),
                              key=f"{prefix}_known_cancer", help=glossary.help("known_cancer"))
        history = st.multiselect("History present", _options(History), default=draft.get("history", []),
                                 key=f"{prefix}_history", format_func=lambda c: label("history", c),
                                 help=glossary.help("history"))
        absent_history = st.multiselect(
            "History asked about and absent", _options(History), default=draft.get("absent_history", []),
            key=f"{prefix}_absent_history", format_func=lambda c: label("history", c),
            help=glossary.help("absent_history"))
    doc["patient"] = {"age": int(age), "sex": sex}
    doc["known_cancer"] = cancer
    doc["history"] = history
    doc["absent_history"] = absent_history

    with st.expander("Signal", expanded=True):
        c1, c2 = st.columns(2)
        t1_opts = _options(T1Level)
        out: dict[str, Any] = {}
        out["t1"] = c1.selectbox("T1 signal", t1_opts,
                                 index=t1_opts.index(findings.get("t1", "intermediate")),
                                 key=f"{prefix}_t1", help=glossary.help("t1"))
        out["t1_vs_disc"] = _optional_select_in(c2, "T1 vs disc", Comparison, findings, prefix, "t1_vs_disc")
        c1, c2 = st.columns(2)
        out["t1_vs_muscle"] = _optional_select_in(c1, "T1 vs muscle", Comparison, findings, prefix,
                                                  "t1_vs_muscle")
        out["t1_vs_marrow"] = _optional_select_in(c2, "T1 vs own marrow", Comparison, findings, prefix,
                                                  "t1_vs_marrow")
        c1, c2 = st.columns(2)
        out["t2"] = _optional_select_in(c1, "STIR / T2 fat-sat", T2Level, findings, prefix, "t2")
        out["t2_plain"] = _optional_select_in(c2, "T2 (no fat-sat)", T2Level, findings, prefix, "t2_plain")
        c3, c4 = st.columns(2)
        out["chemical_shift"] = _optional_select_in(c3, "Chemical shift", ChemicalShift, findings, prefix,
                                                    "chemical_shift")
        strengths = [NOT_RECORDED, "1.5", "3"]
        current = findings.get("field_strength")
        shown = NOT_RECORDED if current is None else ("1.5" if float(current) == 1.5 else "3")
        strength = c4.selectbox("Field strength (T)", strengths, index=strengths.index(shown),
                                key=f"{prefix}_field_strength")
        out["field_strength"] = None if strength == NOT_RECORDED else float(strength)
        c1, c2, c3 = st.columns(3)
        with c1:
            out["opposed_phase_drop_pct"] = _optional_number(
                "Opposed-phase drop (%)", findings.get("opposed_phase_drop_pct"),
                f"{prefix}_opposed_phase_drop_pct", 0.0, 100.0, 1.0,
                glossary.help("opposed_phase_drop_pct"))
        with c2:
            out["fat_fraction_pct"] = _optional_number(
                "Fat fraction (%)", findings.get("fat_fraction_pct"), f"{prefix}_fat_fraction_pct",
                0.0, 100.0, 1.0)
        with c3:
            out["adc"] = _optional_number("ADC (x10^-3 mm^2/s)", findings.get("adc"), f"{prefix}_adc",
                                          0.0, 4.0, 0.05, glossary.help("adc"))
        c1, c2 = st.columns(2)
        out["dwi"] = _optional_select_in(c1, "Diffusion", Dwi, findings, prefix, "dwi")
        out["enhancement"] = _optional_select_in(c2, "Enhancement", Enhancement, findings, prefix,
                                                 "enhancement")

    with st.expander("Pattern and signs", expanded=True):
        c1, c2 = st.columns([1, 2])
        dist_opts = _options(Distribution)
        out["distribution"] = c1.selectbox(
            "Distribution", dist_opts, index=dist_opts.index(findings.get("distribution", "patchy")),
            key=f"{prefix}_distribution", help=glossary.help("distribution"))
        out["sites"] = c2.multiselect("Sites", _options(Site), default=findings.get("sites", []),
                                      key=f"{prefix}_sites", format_func=lambda c: c.replace("_", " "))
        present = set(findings.get("signs", []))
        chosen: list[str] = []
        tabs = st.tabs(list(SIGN_GROUPS))
        for tab, (_, codes) in zip(tabs, SIGN_GROUPS.items(), strict=True):
            with tab:
                columns = st.columns(2)
                for i, code in enumerate(codes):
                    if columns[i % 2].checkbox(label("signs", code), value=code in present,
                                               key=f"{prefix}_sign_{code}",
                                               help=glossary.help("signs", code)):
                        chosen.append(code)
        out["signs"] = [c for c in _options(Sign) if c in chosen]
        out["absent_signs"] = st.multiselect(
            "Signs looked for and not seen", _options(Sign), default=findings.get("absent_signs", []),
            key=f"{prefix}_absent_signs", format_func=lambda c: label("signs", c),
            help=glossary.help("absent_signs"))
    doc["findings"] = {k: v for k, v in out.items() if v is not None}
    return doc


def _optional_select_in(column: Any, title: str, enum: Any, findings: dict[str, Any],
                        prefix: str, field: str) -> Any:
    with column:
        return _optional_select(title, enum, findings.get(field), f"{prefix}_{field}",
                                kb().glossary.help(field))


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
        st.write("No single unrecorded finding would reorder the three leading causes.")
    for item in items:
        st.markdown(f"- {item['sentence']}")


def next_steps_view(explanation: dict[str, Any]) -> None:
    for i, step in enumerate(explanation["next_steps_detail"], start=1):
        st.markdown(f"{i}. **{step['label']}**: {step['purpose']}")


def yaml_of(case: Case) -> str:
    return case_to_yaml(case)
