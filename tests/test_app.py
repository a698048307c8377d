"""The app driven as a user would with Streamlit's AppTest: every page, widgets, clicks, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import EXAMPLES, ROOT

APP = str(ROOT / "ui" / "app.py")
TIMEOUT = 120


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def _page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [t.value for t in at.title]
    parts += [e.value for e in at.error] + [s.value for s in at.success] + [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts)


def _first_cause(at: AppTest) -> str:
    leading = next(m.value for m in at.markdown if m.value.startswith("Leading cause:"))
    return leading.split("**")[1]


def test_every_page_shows_the_disclaimer() -> None:
    at = _app()
    for page in ("explore", "practice", "progress", "group", "teach", "cases", "rules"):
        _page(at, page)
        assert "Educational use only" in _text(at), page


def test_explore_ranks_live_and_keeps_the_draft_across_pages() -> None:
    at = _app()
    assert "Explore a case" in _text(at)
    at.number_input(key="explore0_age").set_value(67)
    at.selectbox(key="explore0_t1").set_value("hypointense")
    at.selectbox(key="explore0_t1_vs_disc").set_value("darker")
    at.selectbox(key="explore0_distribution").set_value("multifocal")
    at.multiselect(key="explore0_history").set_value(["monoclonal_protein", "chronic_anemia"])
    at.checkbox(key="explore0_sign_round_lesion").check()
    at.run()
    assert not at.exception
    assert _first_cause(at) == "Multiple myeloma / plasmacytoma"
    _page(at, "rules")
    _page(at, "explore")
    assert at.number_input(key="explore0_age").value == 67
    assert at.selectbox(key="explore0_t1").value == "hypointense"
    assert _first_cause(at) == "Multiple myeloma / plasmacytoma"


def test_explore_finds_discriminating_findings_on_request() -> None:
    at = _app()
    at.number_input(key="explore0_age").set_value(67)
    at.selectbox(key="explore0_t1").set_value("hypointense")
    at.selectbox(key="explore0_distribution").set_value("multifocal")
    at.session_state["explore_tab"] = "What would help"  # tabs are lazy: open this one
    at.run()
    assert "leads" not in _text(at)
    at.button(key="explore_discriminate").click().run()
    assert not at.exception
    from engine.case import case_from_data
    from engine.diagnosis import get_diagnoser
    from engine.explanation import explain

    case = case_from_data(at.session_state["draft"], "test")
    expected = explain(get_diagnoser(), case).to_json()["discriminators"]
    shown = _text(at)
    if expected:  # the page shows exactly what the engine computes for the same case
        assert all(item["sentence"] in shown for item in expected)
    else:
        assert "No unrecorded key finding separates" in shown
    assert not any(b.key == "explore_discriminate" for b in at.button)


def test_explore_shows_an_inline_error_for_a_contradictory_case() -> None:
    at = _app()
    at.checkbox(key="explore0_sign_halo_sign").check()
    at.multiselect(key="explore0_absent_signs").set_value(["halo_sign"])
    at.run()
    assert not at.exception
    assert "cannot be in both signs and absent_signs" in _text(at)
    assert at.number_input(key="explore0_age").value == 55


def test_explore_loads_a_curated_case_as_a_preset() -> None:
    at = _app()
    presets = at.selectbox(key="explore_preset")
    choice = presets.options[1]
    presets.set_value(choice).run()
    at.button(key="explore_load").click().run()
    assert not at.exception
    assert at.session_state["form_version"] == 1
    loaded = at.session_state["draft"]
    assert choice == f"{loaded['id']}: {loaded.get('title', '')}"
    assert at.selectbox(key="explore1_t1").value == loaded["findings"]["t1"]


def _practise(at: AppTest, handle: str, answer: list[str]) -> AppTest:
    at.text_input(key="practice_handle").input(handle).run()
    at.button(key="practice_next").click().run()
    case = at.session_state["practice_case"]
    assert case is not None
    for i, cause in enumerate(answer):
        at.selectbox(key=f"practice_choice_{case.id}_{i}").set_value(cause)
    at.run()
    at.button(key="practice_commit").click().run()
    assert not at.exception, at.exception
    return at


def test_a_wrong_answer_is_an_error_and_the_attempt_is_kept() -> None:
    at = _page(_app(), "practice")
    assert "Your task:" in _text(at)
    at = _practise(at, "trainee-wrong", ["paget_disease"])
    case = at.session_state["practice_case"]
    result = at.session_state["practice_result"]
    if result.points == 0:
        assert at.error and not at.success
    from engine.progress import ProgressStore

    stored = ProgressStore().attempts("trainee-wrong")
    assert [a.case_id for a in stored] == [case.id]


def test_practice_skips_a_case_the_trainee_has_attempted() -> None:
    first = _practise(_page(_app(), "practice"), "trainee-a", ["normal_marrow_variant"])
    case_a = first.session_state["practice_case"].id
    again = _page(_app(), "practice")  # a new visit under the same handle
    again.text_input(key="practice_handle").input("trainee-a").run()
    again.button(key="practice_next").click().run()
    assert again.session_state["practice_case"].id != case_a


def test_the_progress_page_shows_history_and_weak_spots() -> None:
    at = _practise(_page(_app(), "practice"), "trainee-p", ["vertebral_hemangioma"])
    _page(at, "progress")
    at.text_input(key="progress_handle").input("trainee-p").run()
    assert not at.exception
    assert "Weakest causes first" in [s.value for s in at.subheader]
    at.button(key="progress_weak").click().run()
    assert not at.exception
    assert at.session_state["practice_mode"] == "My weak spots"


def test_an_uploaded_case_can_be_practised() -> None:
    at = _page(_app(), "cases")
    at.session_state["uploaded_cases"] = {}
    from engine.case import load_case

    case = load_case(EXAMPLES / "example-reconversion.yaml")
    at.session_state["uploaded_cases"] = {case.id: case}
    at.run()
    at.selectbox(key="cases_selected").set_value(case.id).run()
    at.button(key="cases_open_practice").click().run()
    assert not at.exception, at.exception


def test_the_group_page_lists_trainees_and_offers_the_csv() -> None:
    at = _practise(_page(_app(), "practice"), "trainee-g", ["multiple_myeloma"])
    _page(at, "group")
    assert not at.exception
    assert any("trainee" in s.value for s in at.subheader)
    table = at.dataframe[0].value
    assert "trainee-g" in set(table["trainee"])


def test_teach_steps_through_the_firings() -> None:
    at = _page(_app(), "teach")
    assert at.session_state["teach_step"] == 0
    at.button(key="teach_next").click().run()
    assert at.session_state["teach_step"] == 1
    at.button(key="teach_all").click().run()
    assert not at.exception
    assert at.session_state["teach_step"] > 1
    assert "Ranking at this step" in _text(at)


def test_teach_toggle_shows_the_ranking_change() -> None:
    at = _page(_app(), "teach")
    toggle = at.selectbox(key="teach_toggle")
    toggle.set_value(toggle.options[-1]).run()
    assert not at.exception
    tables = [list(d.value.columns) for d in at.dataframe]
    assert any("change" in columns and "before" in columns for columns in tables)


def test_cases_page_filters_by_title() -> None:
    at = _page(_app(), "cases")
    at.text_input(key="cases_query").input("zzzz-no-such-case").run()
    assert "0 of" in " ".join(c.value for c in at.caption)
    at.text_input(key="cases_query").input("").run()
    assert not at.exception


@pytest.mark.parametrize(("name", "valid"), [("invalid-t1.yaml", False), ("example-myeloma.yaml", True)])
def test_uploads_are_validated_by_the_engine_parser(name: str, valid: bool) -> None:
    from ui import marrowdx_ui

    case, problems = marrowdx_ui.read_upload(name, Path(EXAMPLES / name).read_bytes())
    assert (case is not None) is valid
    if not valid:
        assert any("findings.t1" in p for p in problems)
    bad, problems = marrowdx_ui.read_upload("x.yaml", b"\xff\xfe")
    assert bad is None and "not UTF-8" in problems[0]


def _rules_shown(at: AppTest) -> str:
    return next(c.value for c in at.caption if "rules shown" in c.value)


def test_rules_page_searches() -> None:
    at = _page(_app(), "rules")
    total = _rules_shown(at)
    at.selectbox(key="rules_cause").set_value("multiple_myeloma").run()
    assert not at.exception
    filtered = _rules_shown(at)
    assert filtered != total
    assert int(filtered.split()[0]) < int(total.split()[0])


def test_the_rules_page_finds_rules_that_read_a_finding_through_derived_facts() -> None:
    """Myeloma + diffusion finds the rules that test the derived 'restricted diffusion' fact."""
    at = _page(_app(), "rules")
    at.selectbox(key="rules_cause").set_value("multiple_myeloma").run()
    at.selectbox(key="rules_finding").set_value("dwi").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) >= 1 and "neo-restricted-diffusion-in-dark-marrow" in set(table["rule"])
    assert "curated cases firing it" in table.columns
    at.text_input(key="rules_query").input("zzzz-nothing").run()
    assert any("No rule matches" in i.value for i in at.info)


def test_teach_compares_two_cases_finding_by_finding() -> None:
    at = _page(_app(), "teach")
    at.selectbox(key="teach_left").set_value("c-neo-01").run()
    at.selectbox(key="teach_right").set_value("c-ben-05").run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert {"finding", "left", "right", "left case with the right value"} <= set(table.columns)
    assert "Age (years)" in set(table["finding"])
    assert all(isinstance(v, str) and v for v in table["left case with the right value"])
