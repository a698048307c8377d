"""Practice: a case without its answer; commit a ranked top three, then learn from the feedback."""

from __future__ import annotations

import random

import streamlit as st

from engine.case import Case, case_from_data
from engine.drills import separating_findings
from engine.practice import (
    MAX_POINTS,
    cause_stats,
    practice_view,
    score_answer,
    shuffled,
    weak_spot_draw,
)
from ui import marrowdx_ui as ui
from ui import pictures

state = st.session_state
state.setdefault("practice_case", None)
state.setdefault("practice_origin", "library")
state.setdefault("practice_result", None)

st.title("Practice")
st.markdown("**Your task:** read the case, then rank the three causes you find most plausible, "
            "most likely first, and commit. You will then see the answer, how your list scores, "
            "the engine's reasoning and the teaching points.")
with st.expander("How your answer is scored"):
    st.markdown(
        "- The expected cause earns **3 points** as your first choice, **2** as your second, "
        "**1** as your third.\n"
        "- If it is not in your three, an **acceptable alternative** (a cause a good differential "
        "lists for this picture) earns **1 point**.\n"
        "- **Safety:** when the answer is a must-not-miss cause (myeloma, metastasis, leukaemia, "
        "lymphoma, infection) and your three hold no must-not-miss cause of the case at all, you "
        "lose 1 point (never below 0).\n"
        "- The engine is not the answer key: its top three are shown beside yours for discussion.\n\n"
        "Details: `docs/practice.md`.")

kb = ui.kb()
library = ui.library()
store = ui.progress_store()
handle = ui.trainee_handle("practice_handle")
if handle is None:
    st.info("Enter a name or handle to start; your attempts are kept under it, so you can come "
            "back later and see your progress.")
    st.stop()

history = store.attempts(handle) if store else []
attempted = {a.case_id for a in history}
assignments = store.assignments() if store else {}
modes = ["All curated cases", "My weak spots",
         *[f"Drill: {d.title}" for d in kb.drills], *[f"Assignment: {n}" for n in assignments]]
if state["practice_origin"] == "chosen" and state["practice_case"] is not None:
    modes.insert(0, "The case chosen on the Cases page")
mode = st.selectbox("What to practise", modes, key="practice_mode")


def _pool() -> tuple[dict[str, Case], str]:
    """Cases this mode draws from, and the origin stored with each attempt."""
    curated = {i: c for i, c in library.items() if c.expected is not None}
    if mode.startswith("Drill: "):
        drill = next(d for d in kb.drills if f"Drill: {d.title}" == mode)
        causes = {c.value for c in drill.causes}
        chosen = {i: c for i, c in curated.items() if c.expected and c.expected.diagnosis.value in causes}
        return chosen, "drill"
    if mode.startswith("Assignment: "):
        docs = assignments[mode.removeprefix("Assignment: ")]
        cases = [case_from_data(doc, "assignment") for doc in docs]
        return {c.id: c for c in cases if c.expected is not None}, "assignment"
    return curated, "library"


def _draw() -> None:
    pool, origin = _pool()
    if mode == "The case chosen on the Cases page":
        state["practice_result"] = None
        return
    if mode == "My weak spots":
        stats = cause_stats((a.expected, a.points, a.max_points) for a in history)
        recent = [a.case_id for a in history[-10:]]
        chosen = weak_spot_draw({i: c.expected.diagnosis.value for i, c in pool.items() if c.expected},
                                stats, random.Random(f"{handle}-{len(history)}"), recent)
    else:
        order = shuffled(pool, seed=handle)
        chosen = next((i for i in order if i not in attempted), None)
    state["practice_case"] = pool.get(chosen) if chosen else None
    state["practice_origin"] = origin
    state["practice_result"] = None


case: Case | None = state["practice_case"]
result = state["practice_result"]
if st.button("Next case" if case else "Start", key="practice_next",
             type="secondary" if case else "primary"):
    _draw()
    st.rerun()
if case is None:
    st.info("Press Start for a case. Attempted cases are skipped; when a set is finished, try "
            "another set or your weak spots.")
    st.stop()
assert case.expected is not None

view = practice_view(kb, case)
facts_column, sketch_column = st.container(key="stack-practice").columns([3, 2], gap="large")
with facts_column:
    st.subheader(view.title)
    st.markdown(f"**Patient:** {view.patient}")
    for name, items in (*view.history, *view.findings):
        st.markdown(f"**{name}:** {items}")
with sketch_column:
    # drawn from the findings alone (no title, history or answer), so it gives nothing away
    pictures.schematic(case.without_expected())

options = ["", *kb.causes]


def _choices(disabled: bool) -> list[str]:
    cols = st.columns(3)
    return [cols[i].selectbox(f"Choice {i + 1}", options, key=f"practice_choice_{case.id}_{i}",
                              format_func=lambda c: c and ui.cause_label(c), disabled=disabled)
            for i in range(3)]


@st.fragment
def _answer() -> None:
    """Picking the three choices reruns only this part; committing reruns the page."""
    answer = _choices(disabled=False)
    if st.button("Commit my answer", key="practice_commit", type="primary", disabled=not any(answer)):
        diagnosis = ui.run_diagnose(case.without_expected())
        score = score_answer(kb, case, diagnosis, answer)
        if store is not None:
            store.record(handle, case_id=case.id, origin=state["practice_origin"],
                         expected=score.expected, category=kb.causes[score.expected].category,
                         answer=list(score.answer), position=score.position, points=score.points,
                         max_points=MAX_POINTS, missed_must_not_miss=list(score.missed_must_not_miss))
        state["practice_result"] = score
        st.rerun()


if result is None:
    _answer()
    st.stop()
_choices(disabled=True)

expected_label = ui.cause_label(result.expected)
message = f"{result.points}/{MAX_POINTS} points. The answer: **{expected_label}**."
if result.verdict == "correct":
    st.success(f"Correct, your first choice. {message}")
elif result.verdict == "close":
    st.warning(f"Close: the answer is your choice number {result.position}. {message}")
elif result.verdict == "acceptable":
    found = ", ".join(ui.cause_label(c) for c in result.acceptable_found)
    st.warning(f"Not in your three, but you listed an acceptable alternative ({found}). {message}")
else:
    st.error(f"Not in your three. {message}")
if result.safety_penalty:
    st.error("Safety: the answer is a must-not-miss cause and your list held none; one point off.")
if result.acceptable:
    st.markdown("**Acceptable alternatives for this case:** "
                + ", ".join(ui.cause_label(c) for c in result.acceptable))
st.caption(f"The engine ranks the answer {result.engine_rank}; {result.engine_overlap} of your three "
           "are also in the engine's top three. The engine is a reasoning aid, not the answer key.")

diagnosis = ui.run_diagnose(case.without_expected())
st.subheader("The engine's reasoning")
ui.differential_chart(diagnosis, limit=6)
explanation = ui.explanation_json(case.without_expected().model_dump_json(), discriminate=False)
ui.evidence_view(explanation, leaders=3)
if case.expected.notes:
    st.markdown(f"**Teaching note:** {case.expected.notes}")
for point in case.teaching_points:
    st.markdown(f"- {point}")
if state["practice_origin"] == "drill":
    drill = next((d for d in kb.drills if f"Drill: {d.title}" == mode), None)
    if drill is not None:
        st.subheader("What separates these look-alikes")
        st.markdown(drill.teaching)
        for sep in separating_findings(kb, [c.value for c in drill.causes], per_pair=1):
            st.markdown(f"- **{sep.label}**: about {sep.ratio:g} times as common in "
                        f"{ui.cause_label(sep.favours)} as in {ui.cause_label(sep.over)} (profiles)")
        st.caption("Sources: " + "; ".join(ui.short_reference(k) for k in drill.refs))
if case.source:
    st.caption(f"Source: {case.source}")
