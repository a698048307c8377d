"""Where the stated distribution puts abnormal marrow in a view, and how a lesion looks
(margins, halo, bull's-eye, coarse trabeculae) when those signs are stated."""

from __future__ import annotations

import random

from engine.sketch_parts import Sketch, Tone, palette
from engine.sketch_views import Region

Tones = tuple[Tone, Tone, bool]  # T1, fluid-sensitive, mixed


def _toward(t1: Tone, step: float) -> Tone:
    """A tone pushed further from normal marrow (the focal part of a combined pattern)."""
    if t1 is None:
        return None
    marrow = palette().tissues["marrow"][0]
    return max(0.0, min(1.0, t1 + (step if t1 > marrow else -step)))


def _between(a: Tone, b: float) -> Tone:
    return None if a is None else (a + b) / 2


def _fill(plan: Sketch, region: Region, tones: Tones) -> None:
    t1, fluid, _ = tones
    if region.polygon:
        plan.add("polygon", region.polygon, (t1, fluid), role="marrow")
    else:
        x0, y0, x1, y1 = region.box
        plan.add("rect", [(x0, y0), (x1, y1)], (t1, fluid), role="marrow")


def _lesion(plan: Sketch, x: float, y: float, r: float, tones: Tones,
            signs: set[str], shape: tuple[float, float] = (1.0, 1.0)) -> None:
    t1, fluid, mixed = tones
    marrow = palette().tissues["marrow"]
    w, h = 2 * r * shape[0], 2 * r * shape[1]
    if "ill_defined_margins" in signs:
        plan.add("ellipse", [(x, y), (w * 1.5, h * 1.5)],
                 (_between(t1, marrow[0]), _between(fluid, marrow[1])), role="marrow")
    if "halo_sign" in signs:
        plan.add("ellipse", [(x, y), (w * 1.35, h * 1.35)], (t1, palette().fluid["hyperintense"]),
                 role="sign")
    plan.add("ellipse", [(x, y), (w, h)], (t1, fluid), role="marrow",
             edge="well_defined_margins" in signs)
    if mixed:
        fat = palette().t1["hyperintense"]
        plan.add("ellipse", [(x + r * 0.25, y - r * 0.2), (w * 0.4, h * 0.35)], (fat, fluid), role="marrow")
    if "bulls_eye_sign" in signs:
        plan.add("ellipse", [(x, y), (w * 0.28, h * 0.28)], "fat", role="sign")
    if "corduroy_sign" in signs or "coarse_trabeculae" in signs:
        for dx in (-0.5, 0.0, 0.5):
            plan.add("line", [(x + dx * r, y - r * 0.8), (x + dx * r, y + r * 0.8)], "cortex", width=1.2,
                     role="sign")


def pattern(plan: Sketch, regions: list[Region], distribution: str, signs: set[str],
            tones: Tones, rng: random.Random) -> None:
    """Put the abnormal marrow where the stated distribution puts it."""
    primary = [r for r in regions if r.primary]
    slots = [s for r in primary for s in r.slots()]
    middle = len(slots) // 2
    lesion_signs = signs | ({"well_defined_margins"} if "round_lesion" in signs else set())
    if distribution in {"diffuse", "combined"}:
        for region in regions:
            _fill(plan, region, tones)
    if distribution == "focal":
        x, y, r = slots[middle]
        _lesion(plan, x, y, r * 1.25, tones, lesion_signs)
    elif distribution in {"multifocal", "combined"}:
        step = 2 if "skip_lesions" in signs or len(slots) > 4 else 1
        picks = slots[::step] if len(slots) > 1 else slots
        focal = tones if distribution == "multifocal" else (_toward(tones[0], 0.15), tones[1], tones[2])
        for x, y, r in picks[:5]:
            _lesion(plan, x, y, r, focal, lesion_signs)
        if "skip_lesions" in signs:
            plan.drawn_signs.append("skip_lesions")
    elif distribution == "patchy":
        for x, y, r in slots:
            for _ in range(2):
                plan_r = r * rng.uniform(0.5, 0.9)
                _lesion(plan, x + rng.uniform(-r, r), y + rng.uniform(-r, r) * 0.6, plan_r, tones,
                        lesion_signs - {"well_defined_margins"}, shape=(rng.uniform(1.0, 1.6), 0.7))
    elif distribution == "variegated":
        for region in primary:
            x0, y0, x1, y1 = region.box
            for _ in range(int((x1 - x0) * (y1 - y0) * 2.2)):
                plan.add("ellipse", [(rng.uniform(x0 + 0.15, x1 - 0.15), rng.uniform(y0 + 0.15, y1 - 0.15)),
                                     (0.22, 0.22)], (tones[0], tones[1]), role="marrow")
    elif distribution == "regional":
        for region in primary[1:4] if len(primary) > 3 else primary[: max(1, len(primary) - 1)]:
            _fill(plan, region, tones)
        if "sharp_geometric_boundary" in signs:
            plan.drawn_signs.append("sharp_geometric_boundary")
    plan.drawn_signs += sorted(signs & {"ill_defined_margins", "halo_sign", "well_defined_margins",
                                        "bulls_eye_sign", "corduroy_sign", "coarse_trabeculae",
                                        "round_lesion"})

