"""Teach: step through the rule firings, toggle findings live, compare two cases."""

from __future__ import annotations

import streamlit as st

from engine.case import Case
from engine.evidence import conclusion_text, finding_text
from engine.whatif import candidates, compare, differences, ranking_after_step, with_field_of
from ui import marrowdx_ui as ui
from ui import pictures

state = st.session_state
state.setdefault("teach_step", 0)
st.title("Teach")
library = ui.library()
kb = ui.kb()

sources = ["(my case from Explore)", *sorted(library)]
picked = st.selectbox("Case", sources, key="teach_case",
                      format_func=lambda c: c if c not in library else (library[c].title or c))
if picked in library:
    case = library[picked].without_expected()
else:
    case, problems = ui.validate_document(state.get("draft", {}))
    if case is None:
        st.warning("Build a valid case on the Explore page first, or pick a curated case.")
        st.stop()

diagnosis = ui.run_diagnose(case)
trace = diagnosis.trace
if state.get("teach_for") != (picked, case.model_dump_json()):
    state["teach_for"] = (picked, case.model_dump_json())
    state["teach_step"] = 0

step_tab, toggle_tab, compare_tab = st.tabs(["Step through", "Toggle a finding", "Two cases"])

with step_tab:
    with st.expander("Schematic of this case", expanded=False):
        pictures.schematic(case)
    c1, c2, c3, c4 = st.columns([1, 1, 1, 3])
    if c1.button("Previous", key="teach_prev", disabled=state["teach_step"] == 0):
        state["teach_step"] -= 1
    if c2.button("Next", key="teach_next", disabled=state["teach_step"] >= len(trace)):
        state["teach_step"] += 1
    if c3.button("Run all", key="teach_all"):
        state["teach_step"] = len(trace)
    step = state["teach_step"]
    c4.markdown(f"**Firing {step} of {len(trace)}**")
    left, right = st.columns(2)
    with left:
        st.markdown("**Rules fired so far**")
        for firing in trace[:step]:
            rule = kb.rules_by_id[firing.rule_id].rule
            matched = ", ".join(finding_text(kb, n, v) for n, v in firing.matched)
            concluded = ", ".join(conclusion_text(kb, c) for c in firing.conclusions)
            st.markdown(f"{firing.step}. `{firing.rule_id}` (level {firing.level}) on {matched} "
                        f"-> {concluded}  \n*{rule.rationale}*")
        derived = [fact for f in trace[:step] for fact in f.derived]
        st.markdown("**Intermediate findings:** " + (", ".join(
            kb.facts[d].label for d in dict.fromkeys(derived)) or "none yet"))
    with right:
        st.markdown("**Ranking at this step**")
        ranking = ranking_after_step(kb, diagnosis, step)
        if ranking:
            st.dataframe([{"#": i, "cause": e.label, "points": e.points, "score": round(e.score, 3)}
                          for i, e in enumerate(ranking[:8], start=1)],
                         hide_index=True, width="stretch")
        else:
            st.write("No cause has evidence yet.")

with toggle_tab:
    present = [("history", h.value) for h in case.history] + [
        ("signs", s.value) for s in case.findings.signs]
    options = [f"remove {field}: {ui.label(field, code)}" for field, code in present]
    adds = candidates(kb, case)
    options += [f"add: {c.describe(kb)}" for c in adds]
    choice = st.selectbox("Finding to toggle", options, key="teach_toggle")
    if choice:
        index = options.index(choice)
        document = case.model_dump(mode="json")
        if index < len(present):
            field, code = present[index]
            holder = document if field == "history" else document["findings"]
            holder[field] = [c for c in holder[field] if c != code]
            changed, _ = ui.validate_document(document)
        else:
            changed = adds[index - len(present)].apply(case)
        if changed is not None:
            before_column, after_column = st.columns(2)
            with before_column:
                st.markdown("**As recorded**")
                pictures.schematic(case, caption=False)
            with after_column:
                st.markdown(f"**With the change:** {choice}")
                pictures.schematic(changed, caption=False)
            st.caption(pictures.DISCLAIMER)
            after = ui.run_variants(case, [changed])[0]
            rows = compare(diagnosis, after)
            for row in rows:
                moved = row["moved"]
                arrow = "new" if moved is None else ("up " + str(moved) if moved > 0 else
                                                     ("down " + str(-moved) if moved < 0 else "="))
                row["change"] = arrow
            st.dataframe([{"#": r["rank"], "cause": r["label"], "score": round(r["score"], 3),
                           "before": round(r["previous_score"], 3), "change": r["change"]}
                          for r in rows], hide_index=True, width="stretch")

with compare_tab:
    ids = sorted(library)
    if len(ids) >= 2:
        c1, c2 = st.columns(2)
        first = c1.selectbox("Left case", ids, index=0, key="teach_left",
                             format_func=lambda c: library[c].title or c)
        second = c2.selectbox("Right case", ids, index=1, key="teach_right",
                              format_func=lambda c: library[c].title or c)
        left, right = library[first].without_expected(), library[second].without_expected()
        results = []
        for column, shown in ((c1, left), (c2, right)):
            with column:
                pictures.schematic(shown, caption=False)
                results.append(ui.run_diagnose(shown))
                ui.differential_chart(results[-1], limit=6)
        st.caption(pictures.DISCLAIMER)
        st.subheader("Findings that differ, and what each does to the left case")
        rows = []
        leader = results[0].differential[0].cause
        found = differences(left, right)
        variants: list[Case | None] = []
        for diff in found:
            try:
                variants.append(with_field_of(left, right, diff.field))
            except ValueError:
                variants.append(None)
        probed = iter(ui.run_variants(left, [v for v in variants if v is not None]))
        for diff, variant in zip(found, variants, strict=True):
            if variant is None:
                effect = "cannot be combined with the left case's other findings"
            else:
                now = next(probed).differential[0].cause
                effect = ("leader stays " if now == leader else "new leader: ") + ui.cause_label(now)
            rows.append({"finding": kb.glossary.label(diff.field),
                         "left": ui.value_text(diff.field, diff.left),
                         "right": ui.value_text(diff.field, diff.right),
                         "left case with the right value": effect})
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.info("The case library needs at least two cases.")
