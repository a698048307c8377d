"""Explore: edit any finding and watch the ranked, explained differential follow."""

from __future__ import annotations

import streamlit as st

from ui import marrowdx_ui as ui
from ui import pictures

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
choices = ["(keep my case)", *sorted(library)]
pick, load, clear = st.columns([4, 1, 1], vertical_alignment="bottom")
preset = pick.selectbox("Load a curated case", choices, key="explore_preset",
                        format_func=lambda c: c if c not in library else f"{c}: {library[c].title or ''}")
if load.button("Load", key="explore_load", disabled=preset == choices[0], width="stretch"):
    state["draft"] = ui.case_document(library[preset])
    state["form_version"] += 1
    st.rerun()
if clear.button("Clear", key="explore_clear", help="Start again from an empty form", width="stretch"):
    state["draft"] = DEFAULT_DRAFT
    state["form_version"] += 1
    st.rerun()

@st.fragment
def _workbench() -> None:
    """The form and everything computed from it: a widget change reruns only this part
    (not the navigation, the disclaimer or the preset loader)."""
    form_column, result_column = st.container(key="stack-explore").columns([1, 1], gap="large")
    with form_column:
        document = ui.case_form(state["draft"], prefix=f"explore{state['form_version']}")
        state["draft"] = document

    case, problems = ui.validate_document(document)
    with result_column:
        if problems:
            st.error("This case cannot be read yet:\n\n" + "\n".join(f"- {p}" for p in problems))
            return
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
        # Lazy tabs: only the open tab's content is built on a rerun (the others cost nothing).
        tab_evidence, tab_sketch, tab_next, tab_table = st.tabs(
            ["Evidence", "Sketch", "What would help", "Table"], key="explore_tab", on_change="rerun")
        if tab_evidence.open:
            with tab_evidence:
                ui.evidence_view(ui.explanation_json(case_json, discriminate=wanted))
        if tab_sketch.open:
            with tab_sketch:
                pictures.schematic(case)
                pictures.png_download(case, key="explore_sketch_png")
        if tab_next.open:
            with tab_next:
                explanation = ui.explanation_json(case_json, discriminate=wanted)
                st.markdown("**Discriminating findings**")
                if explanation["discriminated"]:
                    ui.discriminators_view(explanation)
                elif st.button("Find separating findings", key="explore_discriminate",
                               help="Probes every finding this case does not record yet."):
                    state["explore_discriminate_for"] = case_json
                    st.rerun()
                st.markdown("**Next steps**")
                ui.next_steps_view(explanation)
        if tab_table.open:
            with tab_table:
                ui.differential_table(diagnosis)
        c1, c2 = st.columns(2)
        c1.download_button("Case (YAML)", ui.yaml_of(case), file_name=f"{case.id}.yaml",
                           mime="application/x-yaml", key="explore_download_case")
        c2.download_button("Explanation (Markdown)",
                           lambda: ui.explanation_json(case_json, discriminate=wanted)["markdown"],
                           file_name=f"{case.id}-explanation.md", mime="text/markdown",
                           key="explore_download_md")


_workbench()
