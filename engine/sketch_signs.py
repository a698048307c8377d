"""The stated signs that have a place in the picture: collapse and endplate signs,
collections, extension outside the bone, infarct lines, joint signs. A sign whose signal
no finding states (a soft-tissue mass) is drawn without a tone, i.e. hatched."""

from __future__ import annotations

import math
from typing import Any

from engine.sketch_parts import Sketch, palette
from engine.sketch_pattern import Tones
from engine.sketch_views import BODY, LEVEL, Region


def _body(regions: list[Region], index: int = 2) -> Region:
    return next(r for r in regions if r.name == f"body{index}")


def _spine_signs(plan: Sketch, regions: list[Region], signs: set[str], tones: Tones) -> set[str]:
    t1, fluid, _ = tones
    marrow = (t1, fluid)  # the abnormal marrow's own signal
    x0, y0, x1, y1 = _body(regions).box
    mid = (y0 + y1) / 2
    disc_y = 0.9 + 2 * LEVEL + BODY
    drawn: set[str] = set()

    def put(code: str, kind: str, points: list[Any], look: Any, **extra: Any) -> None:
        if code in signs:
            plan.add(kind, points, look, role="marrow" if look == marrow else "sign", **extra)
            drawn.add(code)

    for code in ("posterior_element_involvement", "pedicle_involvement"):
        arch = next(r for r in regions if r.name == "arch2")
        put(code, "rect", [arch.box[:2], arch.box[2:]], (t1, fluid))
    put("band_like_edema", "rect", [(x0 + 0.1, y1 - 0.7), (x1 - 0.1, y1 - 0.15)], (t1, fluid))
    put("retained_normal_marrow_signal", "rect", [(x0 + 0.1, y0 + 0.1), (x1 - 0.1, mid - 0.1)], "marrow")
    put("fluid_sign", "line", [(x0 + 0.4, y1 - 0.25), (x1 - 0.4, y1 - 0.25)], "fluid", width=3.0)
    put("disc_involvement", "rect", [(2.5, disc_y + 0.05), (5.9, disc_y + LEVEL - BODY - 0.05)], "fluid")
    teeth = [(2.4 + 0.45 * i, disc_y + (0.22 if i % 2 else -0.12)) for i in range(9)]
    put("endplate_erosion", "line", teeth, (t1, fluid), width=3.0)
    put("convex_posterior_border", "polygon", [(x1, y0), (x1 + 0.55, mid), (x1, y1)], (t1, fluid))
    put("epidural_extension", "ellipse", [(6.55, mid), (0.8, 1.9)], (None, None), edge=True)
    put("soft_tissue_mass", "ellipse", [(1.5, mid), (1.9, 2.8)], (None, None), edge=True)
    put("phlegmon", "ellipse", [(1.4, disc_y + 0.4), (1.5, 2.6)], (None, None))
    wall = {"thin_smooth_abscess_wall"} & signs
    put("paraspinal_abscess", "ellipse", [(1.25, disc_y + 0.4), (1.6, 3.4)], "fluid", edge=True)
    put("psoas_abscess", "ellipse", [(1.1, 3.0), (1.4, 4.6)], "fluid", edge=True)
    if wall and drawn & {"paraspinal_abscess", "psoas_abscess"}:
        drawn |= wall
    put("extramedullary_hematopoiesis", "ellipse", [(1.3, 11.5), (1.4, 2.0)], (None, None), edge=True)
    put("soft_tissue_edema", "ellipse", [(1.2, mid), (1.5, 4.0)], (None, palette().fluid["intermediate"]))
    put("subligamentous_spread", "rect", [(2.1, 0.9 + LEVEL), (2.35, 0.9 + 4 * LEVEL - 0.75)], (t1, fluid))
    if "corner_lesions" in signs:
        for i in (1, 2, 3):
            bx0, by0, _, by1 = _body(regions, i).box
            for y, dy in ((by0, 0.6), (by1, -0.6)):
                plan.add("polygon", [(bx0, y), (bx0 + 0.6, y), (bx0, y + dy)], marrow, role="marrow")
        drawn.add("corner_lesions")
    if "h_shaped_vertebrae" in signs:
        for i in range(5):
            bx0, by0, bx1, by1 = _body(regions, i).box
            for y in (by0, by1 - 0.3):
                plan.add("rect", [(bx0 + 1.1, y), (bx1 - 1.1, y + 0.3)], "disc", role="sign")
        drawn.add("h_shaped_vertebrae")
    return drawn


def _bone_signs(plan: Sketch, regions: list[Region], signs: set[str], tones: Tones) -> set[str]:
    """Signs of a long bone, a joint or any other bone (drawn on the first primary region)."""
    t1, fluid, _ = tones
    marrow = (t1, fluid)
    drawn: set[str] = set()
    top = regions[0].box
    shaft = regions[-1].box if plan.anatomy == "long_bone" else regions[0].box
    sx0, _, sx1, sy1 = shaft

    def put(code: str, kind: str, points: list[Any], look: Any, **extra: Any) -> None:
        if code in signs:
            plan.add(kind, points, look, role="marrow" if look == marrow else "sign", **extra)
            drawn.add(code)

    put("subchondral_crescent", "line", [(top[0] + 0.3, top[3] - 0.2), (top[2] - 0.3, top[3] - 0.2)],
        (palette().t1["hypointense"], palette().fluid["hyperintense"]), width=2.5)
    if "serpiginous_infarct" in signs or "double_line_sign" in signs:
        cx, cy = (sx0 + sx1) / 2, sy1 - 2.2
        wave = [(cx + 1.0 * (1 if i % 2 else 0.8) * _cos(i), cy + 1.5 * _sin(i)) for i in range(13)]
        plan.add("line", wave, "cortex", width=2.0, role="sign")
        if "double_line_sign" in signs:
            inner = [(cx + 0.8 * (1 if i % 2 else 0.8) * _cos(i), cy + 1.3 * _sin(i)) for i in range(13)]
            plan.add("line", inner, (palette().tissues["marrow"][0], palette().fluid["hyperintense"]),
                     width=2.0, role="sign")
        drawn |= {"serpiginous_infarct", "double_line_sign"} & signs
    put("cortical_destruction", "rect", [(sx1 - 0.1, sy1 - 4.0), (sx1 + 0.7, sy1 - 2.8)], (t1, fluid))
    put("soft_tissue_mass", "ellipse", [(sx1 + 1.6, sy1 - 3.4), (2.2, 3.2)], (None, None), edge=True)
    oedema = (None, palette().fluid["intermediate"])  # fluid-bright by definition; T1 unstated
    put("soft_tissue_edema", "ellipse", [(sx0 - 1.6, sy1 - 3.0), (1.6, 5.0)], oedema)
    if "periosteal_reaction" in signs:
        for dx in (0.45, 0.7):
            plan.add("line", [(sx0 - dx, sy1 - 6.0), (sx0 - dx, sy1 - 1.5)], "cortex", width=1.2,
                     role="sign")
        drawn.add("periosteal_reaction")
    if plan.anatomy == "long_bone":
        put("joint_effusion", "ellipse", [(5.0, 14.3), (6.4, 0.9)], "fluid")
    if plan.anatomy == "joint":
        put("sacroiliitis", "rect", [(4.0, 4.0), (4.6, 11.0)], (t1, fluid))
        if "sacroiliitis" in signs:
            plan.add("rect", [(5.4, 4.0), (6.0, 11.0)], marrow, role="marrow")
        if "erosions" in signs:
            for y in (5.0, 7.5, 10.0):
                plan.add("ellipse", [(4.6, y), (0.45, 0.6)], "fluid", role="sign")
            drawn.add("erosions")
    return drawn


def _cos(i: int) -> float:
    return math.cos(i * math.pi / 6)


def _sin(i: int) -> float:
    return math.sin(i * math.pi / 6)


def draw_signs(plan: Sketch, regions: list[Region], stated: set[str], tones: Tones) -> None:
    """Draw the stated signs that have a place in this view; the rest stay in the notes."""
    draw = _spine_signs if plan.anatomy == "spine" else _bone_signs
    plan.drawn_signs += sorted(draw(plan, regions, stated, tones))
