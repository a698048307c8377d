"""The schematic MR drawing: every curated case draws, tones obey the case format's
definitions, nothing unstated is given a signal, and the picture depends on findings only."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from PIL import Image

from engine.case import Case, case_from_data, load_case
from engine.cli import main
from engine.sketch import sketch_case
from engine.sketch_parts import palette
from engine.vocabulary import FIELD_SPECS
from tests.conftest import ROOT
from tests.strategies import case_documents

CASE_FILES = sorted((ROOT / "cases").rglob("*.yaml"))


def test_every_curated_case_draws_as_valid_svg_and_png(tmp_path: Path) -> None:
    """`marrowdx draw` on every curated case: the SVG parses as SVG, the PNG opens as an image."""
    assert len(CASE_FILES) >= 90
    for path in CASE_FILES:
        svg, png = tmp_path / f"{path.stem}.svg", tmp_path / f"{path.stem}.png"
        assert main(["draw", str(path), "-o", str(svg)]) == 0, path
        assert main(["draw", str(path), "-o", str(png), "--no-title"]) == 0, path
        assert ET.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg", path
        with Image.open(png) as image:
            assert image.format == "PNG" and min(image.size) >= 400, path
        assert "not an image of the patient" in svg.read_text(), path


@pytest.mark.parametrize("name", ["x.jpg", "x"])
def test_draw_refuses_an_unknown_picture_format(tmp_path: Path, name: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["draw", str(CASE_FILES[0]), "-o", str(tmp_path / name)]) == 2
    assert "--output" in capsys.readouterr().err and not (tmp_path / name).exists()


def test_draw_names_a_missing_output_folder(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["draw", str(CASE_FILES[0]), "-o", str(tmp_path / "none" / "x.svg")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_tones_keep_the_case_formats_definitions() -> None:
    """hypointense is no brighter than disc or muscle, intermediate lies between them and fat,
    hyperintense is fat-like; the fluid-sensitive greys keep fat dark and fluid bright."""
    p = palette()
    t1 = {tissue: tones[0] for tissue, tones in p.tissues.items()}
    fluid = {tissue: tones[1] for tissue, tones in p.tissues.items()}
    assert p.t1["hypointense"] <= min(t1["disc"], t1["muscle"])
    assert max(t1["disc"], t1["muscle"]) < p.t1["intermediate"] < t1["fat"]
    assert p.t1["hyperintense"] >= t1["marrow"]
    assert p.t1["against_muscle"]["darker"] < t1["muscle"] < p.t1["against_muscle"]["brighter"]
    assert p.t1["against_disc"]["darker"] < t1["disc"] < p.t1["against_disc"]["brighter"]
    assert fluid["fat"] < fluid["muscle"] < fluid["disc"] < fluid["fluid"]
    assert p.fluid["hypointense"] < p.fluid["intermediate"] < p.fluid["hyperintense"]
    sites = FIELD_SPECS["sites"].allowed()
    assert all(set(codes) <= set(sites) for codes in p.views.values()), "views name only site codes"
    references = yaml.safe_load((ROOT / "rules" / "references.yaml").read_text())["references"]
    assert p.references and set(p.references) <= set(references)


def _case(document: dict) -> Case:
    return case_from_data(document, "generated")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case_documents())
def test_nothing_unstated_gets_a_signal_and_no_sign_is_dropped(document: dict) -> None:
    """Without a stated fluid-sensitive signal no finding shape has a fluid grey; every stated
    sign is either drawn or named in the notes under the picture."""
    case = _case(document)
    plan = sketch_case(case)
    marrow = [s for s in plan.shapes if s.role == "marrow"]
    assert marrow, "the stated pattern always puts abnormal marrow somewhere"
    if case.findings.t2 is None:
        assert all(s.fluid is None for s in marrow)
    else:
        assert all(s.fluid is not None for s in marrow)
    notes = " ".join(plan.notes)
    from engine.knowledge import Glossary

    glossary = Glossary.from_vocabulary()
    for sign in case.findings.signs:
        assert sign.value in plan.drawn_signs or glossary.label("signs", sign.value) in notes, sign


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case_documents(), case_documents())
def test_the_sketch_depends_on_the_findings_alone(first: dict, second: dict) -> None:
    """Practice shows the sketch before the answer: history, cancer, title and answer must
    not change it, so it can reveal no more than the findings list."""
    mixed = {**second, "findings": first["findings"], "id": "other"}
    assert sketch_case(_case(first)) == sketch_case(_case(mixed))


def test_toggling_a_sign_changes_the_drawing() -> None:
    """Teach's toggles: adding a collapse to a spine case redraws the vertebra."""
    case = load_case(ROOT / "examples" / sorted(p.name for p in (ROOT / "examples").glob("*.yaml"))[0])
    document = case.model_dump(mode="json")
    document["findings"]["sites"] = ["lumbar_spine"]
    document["findings"]["signs"] = [s for s in document["findings"]["signs"] if s != "vertebral_collapse"]
    document["findings"]["absent_signs"] = [
        s for s in document["findings"].get("absent_signs", []) if s != "vertebral_collapse"]
    before = sketch_case(_case(document))
    document["findings"]["signs"].append("vertebral_collapse")
    after = sketch_case(_case(document))
    assert "vertebral_collapse" in after.drawn_signs and "vertebral_collapse" not in before.drawn_signs
    assert after.shapes != before.shapes
