"""Practice: an unseen curated case without its answer; commit a ranked top 3, then learn."""

from __future__ import annotations

import random

import streamlit as st

from engine.practice import score_answer
from ui import marrowdx_ui as ui

state = st.session_state
state.setdefault("practice_seen", [])
state.setdefault("practice_scores", [])
state.setdefault("practice_current", None)
state.setdefault("practice_committed", False)

st.title("Practice")
library = ui.library()
kb = ui.kb()

c1, c2 = st.columns(2)
difficulties = ["any", "easy", "moderate", "hard"]
difficulty = c1.selectbox("Difficulty", difficulties, key="practice_difficulty")
categories = ["any", *sorted({c.category for c in kb.causes.values()})]
category = c2.selectbox("Category of the answer", categories, key="practice_category",
                        format_func=lambda c: c.replace("_", " "))


def _eligible() -> list[str]:
    ids = []
    for case_id, case in library.items():
        if case.expected is None or case_id in state["practice_seen"]:
            continue
        if difficulty != "any" and (case.difficulty is None or case.difficulty.value != difficulty):
            continue
        if category != "any" and kb.causes[case.expected.diagnosis.value].category != category:
            continue
        ids.append(case_id)
    return sorted(ids)


eligible = _eligible()
seen = len(state["practice_seen"])
total = sum(1 for c in library.values() if c.expected is not None)
st.progress(min(seen / total, 1.0) if total else 0.0, text=f"{seen} of {total} cases attempted")

if st.button("New case", key="practice_new", disabled=not eligible):
    state["practice_current"] = random.Random(len(state["practice_seen"])).choice(eligible)
    state["practice_committed"] = False
    st.rerun()
if not eligible and state["practice_current"] is None:
    st.info("No unseen case matches these filters.")

current = state["practice_current"]
if current is not None:
    case = library[current]
    st.subheader(case.title or "Untitled case")
    patient = case.patient
    st.markdown(f"**Patient:** {patient.age} years, {patient.sex.value}; "
                f"known cancer: {case.known_cancer.value.replace('_', ' ')}")
    if case.history:
        st.markdown("**History:** " + ", ".join(ui.label("history", h.value) for h in case.history))
    if case.absent_history:
        st.markdown("**Absent:** " + ", ".join(ui.label("history", h.value) for h in case.absent_history))
    findings = case.findings.model_dump(mode="json", exclude_none=True)
    signs = findings.pop("signs", [])
    absent = findings.pop("absent_signs", [])
    st.markdown("**Findings:** " + "; ".join(
        f"{ui.kb().glossary.label(k)}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in findings.items() if v not in ([], None)))
    if signs:
        st.markdown("**Signs:** " + ", ".join(ui.label("signs", s) for s in signs))
    if absent:
        st.markdown("**Looked for and not seen:** " + ", ".join(ui.label("signs", s) for s in absent))

    options = ["", *kb.causes]
    cols = st.columns(3)
    answer = [cols[i].selectbox(f"Choice {i + 1}", options, key=f"practice_choice_{current}_{i}",
                                format_func=lambda c: c and ui.cause_label(c),
                                disabled=state["practice_committed"]) for i in range(3)]
    if not state["practice_committed"]:
        if st.button("Commit my answer", key="practice_commit", type="primary",
                     disabled=not any(answer)):
            diagnosis = ui.run_diagnose(case.without_expected())
            result = score_answer(kb, case, diagnosis, answer)
            state["practice_scores"].append(result)
            state["practice_seen"].append(current)
            state["practice_committed"] = True
            st.rerun()
    else:
        result = state["practice_scores"][-1]
        assert case.expected is not None
        st.success(f"{result.verdict} Expected: **{ui.cause_label(result.expected)}**. "
                   f"Points: {result.points}/3.")
        if result.missed_must_not_miss:
            st.error("Must-not-miss cause(s) left out of your list: "
                     + ", ".join(ui.cause_label(c) for c in result.missed_must_not_miss))
        st.metric("Agreement with the engine's top 3", f"{result.agreement:.0%}")
        diagnosis = ui.run_diagnose(case.without_expected())
        st.subheader("The engine's reasoning")
        ui.differential_chart(diagnosis, limit=6)
        explanation = ui.explanation_json(case.without_expected().model_dump_json())
        ui.evidence_view(explanation, leaders=3)
        if case.expected.notes:
            st.markdown(f"**Teaching note:** {case.expected.notes}")
        for point in case.teaching_points:
            st.markdown(f"- {point}")
        if case.source:
            st.caption(f"Source: {case.source}")

if state["practice_scores"]:
    st.subheader("Scoreboard")
    scores = state["practice_scores"]
    st.dataframe([{"case": s.case_id, "expected": ui.cause_label(s.expected),
                   "your position": s.position or "-", "points": s.points,
                   "missed must-not-miss": ", ".join(s.missed_must_not_miss),
                   "agreement": f"{s.agreement:.0%}"} for s in scores],
                 hide_index=True, width="stretch")
    st.metric("Total", f"{sum(s.points for s in scores)} / {3 * len(scores)}")
