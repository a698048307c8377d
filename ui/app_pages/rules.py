"""Rules: the knowledge base as a searchable table, and the finding profiles as a heat map."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from engine.facts import FIELDS
from engine.profiles import Observation
from engine.rulebook import rule_rows
from ui import marrowdx_ui as ui

st.title("Rules")
kb = ui.kb()
rows = rule_rows(kb)
fired = ui.library_rule_counts()
c1, c2, c3 = st.columns(3)
query = c1.text_input("Search rules, rationales and conditions", key="rules_query")
cause = c2.selectbox("Cause", ["any", *kb.causes], key="rules_cause",
                     format_func=lambda c: c if c == "any" else ui.cause_label(c))
finding = c3.selectbox("Reads finding (directly or through derived facts)", ["any", *FIELDS],
                       key="rules_finding", format_func=lambda f: f if f == "any" else kb.glossary.label(f))

chosen = [r for r in rows
          if (cause == "any" or cause in r.causes)
          and (finding == "any" or finding in r.reads)
          and (not query or query.lower() in f"{r.rule_id} {r.rationale} {r.statement}".lower())]
st.caption(f"{len(chosen)} of {len(rows)} rules shown")
if chosen:
    st.dataframe(pd.DataFrame([{
        "rule": r.rule_id,
        "IF ... THEN ...": r.statement,
        "cause": ", ".join(ui.cause_label(c) if c in kb.causes else c for c in r.causes),
        "weight": r.weight,
        "references": ", ".join(r.refs),
        "curated cases firing it": fired.get(r.rule_id, 0),
    } for r in chosen]), hide_index=True, width="stretch",
        column_config={"IF ... THEN ...": st.column_config.TextColumn(width="large")})
    picked = st.selectbox("Rule details", [r.rule_id for r in chosen], key="rules_pick")
    row = next(r for r in chosen if r.rule_id == picked)
    st.markdown(f"**{row.rule_id}** ({row.family}): {row.rationale}")
    for key in row.refs:
        st.markdown(f"- {ui.short_reference(key)}")
else:
    reasons = []
    if cause != "any" and finding != "any":
        reasons.append(f"no rule about {ui.cause_label(cause)} reads {kb.glossary.label(finding)}, "
                       "even through derived facts")
    if query:
        reasons.append(f"no rule id, rationale or condition contains '{query}'")
    st.info("No rule matches: " + "; ".join(reasons or ["change the filters"]) + ".")

st.subheader("Finding profiles")
st.caption("How often each key finding is seen in each cause (rules/profiles/): the evidence every "
           "cause receives when the finding is recorded. Darker is commoner.")
book = kb.profiles
if book is not None:
    cells = []
    for finding_id, spec in book.findings.items():
        outcomes = [v.id for v in spec.values] if spec.is_choice else ["present"]
        for outcome in outcomes:
            label = (next(v.label for v in spec.values if v.id == outcome) if spec.is_choice
                     else spec.label)
            for cause_id in kb.causes:
                cells.append({"finding": label, "cause": ui.cause_label(cause_id),
                              "frequency": book.likelihood(cause_id, Observation(finding_id, outcome))})
    heat = alt.Chart(pd.DataFrame(cells)).mark_rect().encode(
        x=alt.X("cause:N", title=None, sort=None,
                axis=alt.Axis(labelAngle=-50, labelLimit=220, labelOverlap=False)),
        y=alt.Y("finding:N", title=None, sort=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
        color=alt.Color("frequency:Q", scale=alt.Scale(scheme="blues", domain=[0, 1])),
        tooltip=["cause", "finding", alt.Tooltip("frequency:Q", format=".0%")],
    ).properties(height=alt.Step(16), width=alt.Step(20))  # every label shown, none overlapping
    st.altair_chart(heat, width="content")
