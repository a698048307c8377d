"""Progress: a trainee's history, accuracy per cause and category, and weak spots."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from engine.practice import cause_stats
from ui import marrowdx_ui as ui

st.title("My progress")
kb = ui.kb()
store = ui.progress_store()
handle = ui.trainee_handle("progress_handle")
if store is None:
    st.stop()
if handle is None:
    st.info("Enter the name or handle you practise under to see your history.")
    st.stop()

attempts = store.attempts(handle)
if not attempts:
    st.info(f"No attempts under '{handle}' yet. Practise a few cases first.")
    st.stop()

points = sum(a.points for a in attempts)
maximum = sum(a.max_points for a in attempts)
misses = [a for a in attempts if kb.causes[a.expected].must_not_miss and a.missed_must_not_miss]
c1, c2, c3 = st.columns(3)
c1.metric("Cases attempted", len(attempts))
c2.metric("Points", f"{points} / {maximum} ({points / maximum:.0%})" if maximum else "0")
c3.metric("Must-not-miss answers left out", len(misses))

stats = cause_stats((a.expected, a.points, a.max_points) for a in attempts)
st.subheader("Weakest causes first")
table = pd.DataFrame([{"cause": ui.cause_label(s.cause), "attempts": s.attempts,
                       "score": round(s.score * 100), "must not miss": kb.causes[s.cause].must_not_miss}
                      for s in stats])
table["label"] = table["score"].astype(str) + "% of " + table["attempts"].astype(str)
base = alt.Chart(table).encode(
    x=alt.X("score:Q", title="points scored (% of possible)", scale=alt.Scale(domain=[0, 100])),
    y=alt.Y("cause:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
    tooltip=["cause", "attempts", "score"],
)
bars = base.mark_bar().encode(color=alt.Color(
    "must not miss:N", scale=alt.Scale(domain=[True, False], range=["#c0392b", "#7f8c8d"]),
    legend=alt.Legend(title="must not miss", orient="top")))
labels = base.mark_text(align="left", dx=4).encode(text="label:N")
st.altair_chart((bars + labels).properties(height=alt.Step(30)), width="stretch")
if st.button("Practise my weak spots", key="progress_weak", type="primary"):
    st.session_state["practice_mode"] = "My weak spots"
    st.session_state["practice_case"] = None
    st.session_state["practice_result"] = None
    st.switch_page("app_pages/practice.py")
st.caption("Weak spots draw each next case with weight (points missed + 1) / (points possible + 2) "
           "for its cause, so weak causes come up more often and untried ones now and then.")

st.subheader("Accuracy per category over time")
frame = pd.DataFrame([{"attempt": n, "category": a.category.replace("_", " "),
                       "score": a.points / a.max_points} for n, a in enumerate(attempts, start=1)])
frame["running score"] = frame.groupby("category")["score"].transform(lambda s: s.expanding().mean() * 100)
line = alt.Chart(frame).mark_line(point=True).encode(
    x=alt.X("attempt:Q", title="attempt number", axis=alt.Axis(format="d", tickMinStep=1)),
    y=alt.Y("running score:Q", title="running score (%)", scale=alt.Scale(domain=[0, 100])),
    color=alt.Color("category:N", legend=alt.Legend(orient="bottom", columns=3)),
).properties(height=260)
st.altair_chart(line, width="stretch")

if misses:
    st.subheader("Must-not-miss answers you left out")
    st.dataframe([{"when": a.created_at.strftime("%Y-%m-%d %H:%M"), "case": a.case_id,
                   "answer": ui.cause_label(a.expected),
                   "your list": ", ".join(ui.cause_label(c) for c in a.answer)} for a in misses],
                 hide_index=True, width="stretch")

st.subheader("History")
st.dataframe([{"when": a.created_at.strftime("%Y-%m-%d %H:%M"), "case": a.case_id,
               "answer": ui.cause_label(a.expected), "your position": a.position or "-",
               "points": f"{a.points}/{a.max_points}"} for a in reversed(attempts)],
             hide_index=True, width="stretch")
