"""Group (for educators): a group's results, the hardest cases, CSV export, assignments."""

from __future__ import annotations

import io

import altair as alt
import pandas as pd
import streamlit as st

from engine.practice import cause_stats
from ui import marrowdx_ui as ui

st.title("Group results")
st.caption("For educators: everyone's attempts in this app's progress database.")
kb = ui.kb()
store = ui.progress_store()
if store is None:
    st.stop()

attempts = store.attempts()
if not attempts:
    st.info("No attempts stored yet.")
else:
    trainees = pd.DataFrame([{"trainee": a.handle, "points": a.points, "max": a.max_points,
                              "mnm": bool(a.missed_must_not_miss and kb.causes[a.expected].must_not_miss)}
                             for a in attempts])
    summary = trainees.groupby("trainee").agg(attempts=("points", "size"), points=("points", "sum"),
                                              possible=("max", "sum"), must_not_miss_missed=("mnm", "sum"))
    summary["score %"] = (100 * summary["points"] / summary["possible"]).round()
    st.subheader(f"{len(summary)} trainee(s), {len(attempts)} attempt(s)")
    st.dataframe(summary.reset_index(), hide_index=True, width="stretch")

    st.subheader("Accuracy per cause, weakest first")
    stats = cause_stats((a.expected, a.points, a.max_points) for a in attempts)
    table = pd.DataFrame([{"cause": ui.cause_label(s.cause), "attempts": s.attempts,
                           "score": round(s.score * 100)} for s in stats])
    st.altair_chart(alt.Chart(table).mark_bar().encode(
        x=alt.X("score:Q", title="points scored (% of possible)", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("cause:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=["cause", "attempts", "score"]).properties(height=alt.Step(28)),
        width="stretch")

    st.subheader("Hardest cases")
    by_case = pd.DataFrame([{"case": a.case_id, "answer": ui.cause_label(a.expected),
                             "score": a.points / a.max_points} for a in attempts])
    hardest = (by_case.groupby(["case", "answer"]).agg(attempts=("score", "size"), mean=("score", "mean"))
               .sort_values(["mean", "attempts"], ascending=[True, False]).head(10).reset_index())
    hardest["mean score %"] = (hardest.pop("mean") * 100).round()
    st.dataframe(hardest, hide_index=True, width="stretch")

    out = io.StringIO()
    store.export_csv(out)
    st.download_button("Export CSV", out.getvalue(), file_name="marrowdx-attempts.csv",
                       mime="text/csv", key="group_export")
    st.caption("The same export from a terminal: `marrowdx progress export --db URL -o FILE`.")

st.subheader("Set an assignment")
name = st.text_input("Assignment name", key="group_assignment_name")
files = st.file_uploader("Case files (YAML or JSON)", type=["yaml", "yml", "json"],
                         accept_multiple_files=True, key="group_assignment_files")
if st.button("Store assignment", key="group_assignment_store", disabled=not (name.strip() and files)):
    cases, problems = [], []
    for upload in files:
        case, found = ui.read_upload(upload.name, upload.getvalue())
        if case is None:
            problems += found
        elif case.expected is None:
            problems.append(f"{upload.name}: expected: a practice case needs an expected block")
        else:
            cases.append(case)
    if problems:
        st.error("Nothing was stored; fix these first:\n\n" + "\n".join(f"- {p}" for p in problems))
    else:
        store.add_assignment(name.strip(), [c.model_dump(mode="json", exclude_none=True) for c in cases])
        st.success(f"Assignment '{name.strip()}' stored with {len(cases)} case(s); trainees find it "
                   "under 'What to practise'.")
if store.assignments():
    st.caption("Assignments: " + ", ".join(f"{n} ({len(c)} cases)" for n, c in store.assignments().items()))
