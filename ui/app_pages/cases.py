"""Cases: browse, filter and search the library; open a case; upload one of your own."""

from __future__ import annotations

import streamlit as st

from ui import marrowdx_ui as ui

state = st.session_state
state.setdefault("uploaded_cases", {})
st.title("Case library")
library = {**ui.library(), **state["uploaded_cases"]}
kb = ui.kb()

c1, c2, c3 = st.columns(3)
query = c1.text_input("Search titles, ids and sources", key="cases_query")
categories = ["any", *sorted({c.category for c in kb.causes.values()})]
category = c2.selectbox("Category of the answer", categories, key="cases_category")
difficulty = c3.selectbox("Difficulty", ["any", "easy", "moderate", "hard"], key="cases_difficulty")

rows = []
for case_id, case in sorted(library.items()):
    expected = case.expected.diagnosis.value if case.expected else None
    text = " ".join(filter(None, [case_id, case.title, case.source])).lower()
    if query and query.lower() not in text:
        continue
    if category != "any" and (expected is None or kb.causes[expected].category != category):
        continue
    if difficulty != "any" and (case.difficulty is None or case.difficulty.value != difficulty):
        continue
    rows.append({"id": case_id, "title": case.title or "", "difficulty":
                 case.difficulty.value if case.difficulty else "",
                 "category": kb.causes[expected].category if expected else ""})
st.caption(f"{len(rows)} of {len(library)} cases")
st.dataframe(rows, hide_index=True, width="stretch")

ids = [r["id"] for r in rows]
if ids:
    selected = st.selectbox("Open a case", ids, key="cases_selected",
                            format_func=lambda c: library[c].title or c)
    case = library[selected]
    with st.expander("Case file", expanded=False):
        st.code(ui.yaml_of(case.without_expected()), language="yaml")
    c1, c2 = st.columns(2)
    if c1.button("Open in Explore", key="cases_open_explore"):
        state["draft"] = ui.case_document(case)
        state["form_version"] = state.get("form_version", 0) + 1
        st.switch_page("app_pages/explore.py")
    if c2.button("Practise this case", key="cases_open_practice", disabled=case.expected is None):
        state["practice_current"] = selected
        state["practice_committed"] = False
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
