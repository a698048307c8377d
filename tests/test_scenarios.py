"""Small clinical scenarios whose names say the behaviour the knowledge base must keep."""

from __future__ import annotations

from typing import Any

from engine.case import case_from_data
from engine.diagnosis import Diagnoser


def _fired(diagnoser: Diagnoser, **findings: Any) -> set[str]:
    document = {"id": "scenario", "patient": {"age": 55},
                "findings": {"sites": ["thoracic_spine"], "distribution": "focal", "t1": "hypointense",
                             **findings}}
    return {f.rule_id for f in diagnoser.diagnose(case_from_data(document, "test")).trace}


def test_thick_trabeculae_in_an_aggressive_vertebral_lesion_still_count_for_haemangioma(
        diagnoser: Diagnoser) -> None:
    fired = _fired(diagnoser, signs=["coarse_trabeculae", "epidural_extension", "soft_tissue_mass"])
    assert "phy-hem-coarse-trabeculae-in-vertebral-lesion" in fired


def test_thick_trabeculae_with_a_thick_cortex_are_read_as_paget_not_haemangioma(diagnoser: Diagnoser) -> None:
    fired = _fired(diagnoser, signs=["coarse_trabeculae", "cortical_thickening", "bone_expansion"])
    assert "phy-hem-coarse-trabeculae-in-vertebral-lesion" not in fired
