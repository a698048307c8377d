"""Rules: browse and search the knowledge base as IF ... THEN ... with references."""

from __future__ import annotations

import streamlit as st

from engine.facts import FIELDS
from ui import marrowdx_ui as ui

st.title("Rules")
kb = ui.kb()
c1, c2, c3 = st.columns(3)
query = c1.text_input("Search ids, rationales and conditions", key="rules_query")
cause = c2.selectbox("Cause", ["any", *kb.causes], key="rules_cause",
                     format_func=lambda c: c if c == "any" else ui.cause_label(c))
finding = c3.selectbox("Reads finding", ["any", "fact", *FIELDS], key="rules_finding")

shown = 0
for placed in kb.rules:
    rule = placed.rule
    if cause != "any" and not any(e.cause == cause for e in rule.then):
        continue
    if finding != "any" and not any(t.field == finding for t, _ in rule.when.tests()):
        continue
    text = f"{rule.id} {rule.rationale} {rule.describe()}".lower()
    if query and query.lower() not in text:
        continue
    shown += 1
    with st.expander(f"{rule.id}  ·  {placed.family}", expanded=False):
        st.markdown(f"**IF** {rule.when.describe()}  \n**THEN** "
                    + "; ".join(e.describe() for e in rule.then))
        st.markdown(rule.rationale)
        for key in rule.refs:
            ref = kb.references[key]
            st.markdown(f"- [{key}]({ref.link}): {ref.citation}")
st.caption(f"{shown} of {len(kb.rules)} rules shown")
