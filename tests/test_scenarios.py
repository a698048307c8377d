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


def _hip(diagnoser: Diagnoser, age: int, **findings: Any):  # type: ignore[no-untyped-def]
    document = {"id": "scenario", "patient": {"age": age, "sex": "female"},
                "findings": {"sites": ["hip", "femur"], "distribution": "focal", "t1": "hypointense",
                             "signs": ["epiphyseal_involvement"], **findings}}
    return diagnoser.diagnose(case_from_data(document, "test"))


def test_a_subchondral_crescent_supports_osteonecrosis_and_insufficiency_fracture_alike(
        diagnoser: Diagnoser) -> None:
    evidence = _hip(diagnoser, 50, signs=["epiphyseal_involvement", "subchondral_crescent"]).evidence
    crescent = {(e.cause, e.weight) for e in evidence if e.rule_id == "trv-necrosis-crescent"}
    assert crescent == {("osteonecrosis", 2), ("osteoporotic_fracture", 2)}


def test_a_femoral_head_coded_hip_and_femur_counts_as_one_long_bone_site(diagnoser: Diagnoser) -> None:
    profile = {e.rule_id for e in _hip(diagnoser, 50).evidence if e.source == "profile"}
    assert "profile-long-bone-present" in profile
    assert "profile-pelvis-present" not in profile


def test_a_hip_alone_still_counts_as_a_pelvic_site(diagnoser: Diagnoser) -> None:
    profile = {e.rule_id for e in _hip(diagnoser, 50, sites=["hip"]).evidence if e.source == "profile"}
    assert "profile-pelvis-present" in profile
    assert "profile-long-bone-present" not in profile


def test_after_sixty_a_dark_subchondral_femoral_head_also_supports_insufficiency_fracture(
        diagnoser: Diagnoser) -> None:
    older = {f.rule_id for f in _hip(diagnoser, 72).trace}
    younger = {f.rule_id for f in _hip(diagnoser, 45).trace}
    assert {"trv-fracture-femoral-head-subchondral-older",
            "trv-necrosis-femoral-head-subchondral"} <= older
    assert "trv-fracture-femoral-head-subchondral-older" not in younger
    assert "trv-necrosis-femoral-head-subchondral" in younger


SPINE_DEFINED = {"phy-hem-only-outside-the-site-profile", "deg-only-outside-the-site-profile",
                 "inf-tb-only-outside-the-site-profile"}
FOOT_ONLY = SPINE_DEFINED | {"neo-met-foot-only"}


def test_a_lesion_only_in_the_foot_is_neither_spinal_nor_likely_metastatic(diagnoser: Diagnoser) -> None:
    assert _fired(diagnoser, sites=["foot"]) >= FOOT_ONLY
    assert not _fired(diagnoser, sites=["foot", "lumbar_spine"]) & FOOT_ONLY
    assert not _fired(diagnoser, sites=[]) & FOOT_ONLY


def test_a_skull_lesion_is_not_spinal_but_may_still_be_a_metastasis(diagnoser: Diagnoser) -> None:
    fired = _fired(diagnoser, sites=["skull"])
    assert fired >= SPINE_DEFINED
    assert "neo-met-foot-only" not in fired
