"""Cases: browse, filter and search the library; open a case; upload one of your own."""

from __future__ import annotations

import streamlit as st

from engine.practice import practice_view
from ui import marrowdx_ui as ui

state = st.session_state
state.setdefault("uploaded_cases", {})
st.title("Case library")
library = {**ui.library(), **state["uploaded_cases"]}
kb = ui.kb()

educator = st.toggle("Educator view: show ids, sources and answers", key="cases_educator",
                     help="Off by default so that trainees browsing the library see no answers.")
c1, c2, c3 = st.columns(3)
query = c1.text_input("Search titles" + (", ids and sources" if educator else ""), key="cases_query")
categories = ["any", *sorted({c.category for c in kb.causes.values()})]
category = c2.selectbox("Category of the answer", categories, key="cases_category")
difficulty = c3.selectbox("Difficulty", ["any", "easy", "moderate", "hard"], key="cases_difficulty")

rows = []
titles = {case_id: practice_view(kb, case).title for case_id, case in library.items()}
for case_id, case in sorted(library.items()):
    expected = case.expected.diagnosis.value if case.expected else None
    shown = [case_id, case.title, case.source] if educator else [titles[case_id]]
    text = " ".join(filter(None, shown)).lower()
    if query and query.lower() not in text:
        continue
    if category != "any" and (expected is None or kb.causes[expected].category != category):
        continue
    if difficulty != "any" and (case.difficulty is None or case.difficulty.value != difficulty):
        continue
    row = {"title": titles[case_id], "difficulty": case.difficulty.value if case.difficulty else ""}
    if educator:
        row = {"id": case_id, **row, "answer": ui.cause_label(expected) if expected else "",
               "source": case.source or ""}
    rows.append({"key": case_id, **row})
st.caption(f"{len(rows)} of {len(library)} cases")
st.dataframe([{k: v for k, v in r.items() if k != "key"} for r in rows], hide_index=True,
             width="stretch")

ids = [r["key"] for r in rows]
if ids:
    selected = st.selectbox("Open a case", ids, key="cases_selected", format_func=lambda c: titles[c])
    case = library[selected]
    if educator:
        with st.expander("Case file", expanded=False):
            st.code(ui.yaml_of(case), language="yaml")
    c1, c2 = st.columns(2)
    if c1.button("Open in Explore", key="cases_open_explore"):
        state["draft"] = ui.case_document(case)
        state["form_version"] = state.get("form_version", 0) + 1
        st.switch_page("app_pages/explore.py")
    if c2.button("Practise this case", key="cases_open_practice", disabled=case.expected is None):
        state["practice_case"] = case
        state["practice_origin"] = "chosen"
        state["practice_result"] = None
        state["practice_mode"] = "The case chosen on the Cases page"
        st.switch_page("app_pages/practice.py")

st.subheader("Upload a case")
upload = st.file_uploader("Case file (YAML or JSON, contract format)", type=["yaml", "yml", "json"],
                          key="cases_upload")
if upload is not None:
    uploaded, problems = ui.read_upload(upload.name, upload.getvalue())
    if uploaded is None:
        st.error("This file is not a valid case; nothing else was changed.\n\n"
                 + "\n".join(f"- {p}" for p in problems))
    else:
        state["uploaded_cases"][uploaded.id] = uploaded
        st.success(f"Loaded case {uploaded.id}. It is now in the list above.")
