"""A case's findings as a schematic MR picture: plain shapes with a tone on each panel.

This module decides *what* to draw (anatomy, where the stated pattern puts abnormal
marrow, which signs appear and where); engine/drawing.py only paints the shapes. Tones
come from rules/drawing.yaml. Nothing the case does not state is invented: a sequence
the case does not describe gets no tone (drawn hatched), and signs with no place in the
picture are listed as text instead.
"""

from __future__ import annotations

import random
from functools import cache
from typing import Any

from engine.sketch_parts import Sketch, Tone, palette
from engine.sketch_pattern import pattern
from engine.sketch_signs import draw_signs
from engine.sketch_views import ANATOMY


def abnormal_tones(findings: Any) -> tuple[Tone, Tone, bool]:
    """(T1 tone, fluid tone, mixed) of the abnormal marrow, from the stated signal only."""
    p = palette()
    t1_code = findings.t1.value
    mixed = t1_code == "mixed"
    t1: Tone = p.t1["hypointense" if mixed else t1_code]
    if not mixed and t1_code != "hyperintense":
        for name, table in (("t1_vs_disc", "against_disc"), ("t1_vs_muscle", "against_muscle")):
            stated = getattr(findings, name)
            if stated is not None:
                t1 = p.t1[table][stated.value]
    fluid: Tone = p.fluid[findings.t2.value] if findings.t2 is not None else None
    return t1, fluid, mixed


def anatomy_of(sites: list[str]) -> str:
    """Which view to draw: the first view in rules/drawing.yaml that holds a stated site
    (the spine when no site is stated, or the sacrum alone); any other site is a plain bone."""
    stated = set(sites)
    if not stated or stated == {"sacrum"}:
        return "spine"
    for view, codes in palette().views.items():
        if stated & set(codes):
            return view
    return "bone"


def sketch_case(case: Any) -> Sketch:
    """The schematic of one case (anything with ``findings``), built from stated findings only."""
    findings = case.findings
    sites = [s.value for s in findings.sites]
    anatomy = anatomy_of(sites)
    plan = Sketch(anatomy=anatomy)
    tones = abnormal_tones(findings)
    signs = {s.value for s in findings.signs}
    regions = ANATOMY[anatomy](plan, signs)
    rng = random.Random(7)  # fixed: toggling one finding must not reshuffle the others
    pattern(plan, regions, findings.distribution.value, signs, tones, rng)
    draw_signs(plan, regions, signs, tones)
    plan.t1_caption = "T1: " + _code_label("t1", findings.t1.value) + _comparisons(findings)
    plan.fluid_caption = "STIR / T2 fat-sat: " + (
        _code_label("t2", findings.t2.value) if findings.t2 is not None else "not stated (blue hatched)")
    if findings.t2_plain is not None:
        plan.fluid_caption += "; T2 without fat suppression: " + _code_label("t2", findings.t2_plain.value)
    if not sites:
        plan.notes.append("Site not stated: drawn as a sagittal spine.")
    else:
        plan.notes.append("Sites: " + ", ".join(_code_label("sites", s) for s in sites))
    plan.notes.append("Pattern: " + _code_label("distribution", findings.distribution.value))
    rest = sorted(signs - set(plan.drawn_signs))
    if rest:
        plan.notes.append("Also stated: " + ", ".join(_code_label("signs", s) for s in rest))
    absent = [s.value for s in findings.absent_signs]
    if absent:
        plan.notes.append("Looked for, not seen: " + ", ".join(_code_label("signs", s) for s in absent))
    return plan


def _code_label(field_name: str, code: str) -> str:
    label = _glossary().label(field_name, code)
    return label.lower() if field_name in {"t1", "t2"} else label


@cache
def _glossary() -> Any:
    from engine.knowledge import Glossary

    return Glossary.from_vocabulary()


def _comparisons(findings: Any) -> str:
    said = []
    for name, against in (("t1_vs_disc", "disc"), ("t1_vs_muscle", "muscle")):
        stated = getattr(findings, name)
        if stated is not None:
            said.append(f"{stated.value} than {against}" if stated.value != "similar"
                        else f"similar to {against}")
    return f" ({', '.join(said)})" if said else ""
