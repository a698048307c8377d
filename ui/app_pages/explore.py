"""Explore: edit any finding and watch the ranked, explained differential follow."""

from __future__ import annotations

import streamlit as st

from ui import marrowdx_ui as ui

DEFAULT_DRAFT = {
    "id": "my-case",
    "patient": {"age": 55, "sex": "female"},
    "findings": {"distribution": "patchy", "t1": "intermediate"},
}

state = st.session_state
state.setdefault("draft", DEFAULT_DRAFT)
state.setdefault("form_version", 0)

st.title("Explore a case")

library = ui.library()
with st.sidebar:
    choices = ["(keep my case)", *sorted(library)]
    preset = st.selectbox("Load a curated case", choices, key="explore_preset",
                          format_func=lambda c: c if c not in library else (library[c].title or c))
    if st.button("Load", key="explore_load", disabled=preset == choices[0]):
        state["draft"] = ui.case_document(library[preset])
        state["form_version"] += 1
        st.rerun()
    if st.button("Clear the form", key="explore_clear"):
        state["draft"] = DEFAULT_DRAFT
        state["form_version"] += 1
        st.rerun()

form_column, result_column = st.columns([1, 1], gap="large")
with form_column:
    document = ui.case_form(state["draft"], prefix=f"explore{state['form_version']}")
    state["draft"] = document

case, problems = ui.validate_document(document)
with result_column:
    if problems:
        st.error("This case cannot be read yet:\n\n" + "\n".join(f"- {p}" for p in problems))
        st.stop()
    assert case is not None
    diagnosis = ui.run_diagnose(case)
    st.subheader("Ranked differential")
    if diagnosis.differential:
        leader = diagnosis.differential[0]
        st.markdown(f"Leading cause: **{leader.label}** (relative plausibility {leader.score:.2f})")
    ui.differential_chart(diagnosis)
    for warning in diagnosis.warnings[1:]:
        st.warning(warning)
    case_json = case.model_dump_json()
    wanted = state.get("explore_discriminate_for") == case_json
    explanation = ui.explanation_json(case_json, discriminate=wanted)
    tab_evidence, tab_next, tab_table = st.tabs(["Evidence", "What would help", "Table"])
    with tab_evidence:
        ui.evidence_view(explanation)
    with tab_next:
        st.markdown("**Discriminating findings**")
        if explanation["discriminated"]:
            ui.discriminators_view(explanation)
        elif st.button("Which findings would separate the leaders?", key="explore_discriminate",
                       help="Re-runs the engine once for every finding this case does not record yet."):
            state["explore_discriminate_for"] = case_json
            st.rerun()
        st.markdown("**Next steps**")
        ui.next_steps_view(explanation)
    with tab_table:
        ui.differential_table(diagnosis)
    c1, c2 = st.columns(2)
    c1.download_button("Download case (YAML)", ui.yaml_of(case), file_name=f"{case.id}.yaml",
                       mime="application/x-yaml", key="explore_download_case")
    c2.download_button("Download explanation (Markdown)", explanation["markdown"],
                       file_name=f"{case.id}-explanation.md", mime="text/markdown",
                       key="explore_download_md")
