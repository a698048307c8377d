"""The views of the schematic: a sagittal spine, a coronal long bone, a joint, any bone.

Each view draws its fixed anatomy, including the internal standards (disc, muscle, fat),
and returns the marrow compartments the stated pattern may fill. Geometry only, in panel
units (10 wide, 15 high); tones come from rules/drawing.yaml through engine/sketch.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.sketch_parts import Label, Sketch


@dataclass(frozen=True)
class Region:
    """A marrow compartment: a vertebral body, a posterior arch, a part of a long bone."""

    name: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1
    primary: bool = True  # carries pattern lesions (posterior arches do not)
    polygon: tuple[tuple[float, float], ...] = ()

    def slots(self) -> list[tuple[float, float, float]]:
        """Places a lesion fits: (x, y, radius), one per roughly square cell."""
        x0, y0, x1, y1 = self.box
        w, h = x1 - x0, y1 - y0
        count = max(1, round(h / w)) if h > w else 1
        step = h / count
        radius = min(w, step) * 0.3
        return [((x0 + x1) / 2, y0 + step * (i + 0.5), radius) for i in range(count)]


def _box(plan: Sketch, box: tuple[float, float, float, float], tissue: str, cortex: float = 0.0) -> None:
    x0, y0, x1, y1 = box
    if cortex:
        plan.add("rect", [(x0 - cortex, y0 - cortex), (x1 + cortex, y1 + cortex)], "cortex")
    plan.add("rect", [(x0, y0), (x1, y1)], tissue)


def _frame(plan: Sketch) -> None:
    plan.add("rect", [(0, 0), (10, 15)], "background")


BODY = 2.0  # vertebral body height
LEVEL = 2.75  # body + disc


def spine(plan: Sketch, signs: set[str]) -> list[Region]:
    """A sagittal spine: five bodies with discs, the canal with the cord, posterior arches,
    paraspinal muscle behind and prevertebral fat in front (the internal standards)."""
    _frame(plan)
    plan.add("rect", [(0.2, 0.2), (2.1, 14.8)], "fat")
    plan.add("rect", [(8.95, 0.2), (9.9, 14.8)], "muscle")
    plan.add("rect", [(6.3, 0.2), (7.7, 14.8)], "csf")
    plan.add("rect", [(6.75, 0.2), (7.25, 14.8)], "cord")
    regions: list[Region] = []
    for i in range(5):
        y0, h, x0, x1 = 0.9 + i * LEVEL, BODY, 2.4, 6.0
        if i == 2 and "vertebral_collapse" in signs:
            y0, h = y0 + 0.45, BODY - 0.9
        if i == 2 and "bone_expansion" in signs:
            x0 -= 0.45
        _box(plan, (x0, y0, x1, y0 + h), "marrow", cortex=0.08)
        regions.append(Region(f"body{i}", (x0, y0, x1, y0 + h)))
        arch = (7.9, 0.9 + i * LEVEL + 0.35, 8.75, 0.9 + i * LEVEL + 1.65)
        _box(plan, arch, "marrow", cortex=0.08)
        regions.append(Region(f"arch{i}", arch, primary=False))
        if i < 4:
            top = 0.9 + i * LEVEL + BODY
            degenerated = i == 2 and "adjacent_to_degenerated_disc" in signs
            margin = 0.2 if degenerated else 0.0
            plan.add("rect", [(2.5, top + margin), (5.9, top + LEVEL - BODY - margin)],
                     "degenerated_disc" if degenerated else "disc", role="sign" if degenerated else "anatomy")
    plan.drawn_signs += sorted(
        {"vertebral_collapse", "bone_expansion", "adjacent_to_degenerated_disc"} & signs)
    plan.labels += [_label("fat", 1.15, 14.2), _label("disc", 4.2, 0.9 + 3 * LEVEL + 2.37),
                    _label("muscle", 9.42, 14.2), _label("canal", 7.0, 14.2)]
    return regions


def long_bone(plan: Sketch, signs: set[str]) -> list[Region]:
    """A coronal long bone: shaft, flaring metaphysis, epiphysis under a joint; muscle around."""
    _frame(plan)
    plan.add("rect", [(0.2, 0.2), (9.8, 14.8)], "fat")
    plan.add("rect", [(1.0, 0.2), (9.0, 13.6)], "muscle")
    plan.add("rect", [(2.3, 14.0), (7.7, 14.3)], "soft_tissue")
    cortex = 0.55 if "cortical_thickening" in signs else 0.28
    half = 1.9 if "bone_expansion" in signs else 1.5
    flare_y = 7.6 if "erlenmeyer_flask" in signs else 9.5
    out = [(5 - half, 0.2), (5 + half, 0.2), (5 + half, flare_y), (7.4, 11.7), (2.6, 11.7),
           (5 - half, flare_y)]
    plan.add("polygon", out, "cortex")
    inner_half = half - cortex
    shaft = Region("diaphysis", (5 - inner_half, 0.2, 5 + inner_half, flare_y))
    meta_pts = ((5 - inner_half, flare_y), (5 + inner_half, flare_y), (7.4 - cortex, 11.7 - 0.1),
                (2.6 + cortex, 11.7 - 0.1))
    meta = Region("metaphysis", (2.6 + cortex + 0.6, flare_y + 0.3, 7.4 - cortex - 0.6, 11.5),
                  polygon=meta_pts)
    plan.add("rect", [(5 - inner_half, 0.2), (5 + inner_half, flare_y)], "marrow")
    plan.add("polygon", meta_pts, "marrow")
    plan.add("rect", [(2.6, 11.7), (7.4, 12.0)], "cortex")  # physeal scar
    epi = (2.6 + cortex, 12.0, 7.4 - cortex, 13.75)
    _box(plan, epi, "marrow", cortex=cortex)
    plan.drawn_signs += sorted({"cortical_thickening", "bone_expansion", "erlenmeyer_flask",
                                "epiphyseal_involvement"} & signs)
    plan.labels += [_label("muscle", 1.9, 1.0), _label("fat", 9.4, 14.2), _label("joint", 5.0, 14.55)]
    return [Region("epiphysis", epi, primary="epiphyseal_involvement" in signs),
            meta, shaft]


def joint(plan: Sketch, signs: set[str]) -> list[Region]:
    """Two bones meeting at a joint (pelvis, sacroiliac joint), muscle outside."""
    _frame(plan)
    plan.add("rect", [(0.2, 0.2), (9.8, 14.8)], "muscle")
    plan.add("rect", [(4.7, 1.8), (5.3, 13.2)], "fluid" if "joint_effusion" in signs else "soft_tissue",
             role="sign" if "joint_effusion" in signs else "anatomy")
    regions = []
    for name, box in (("left", (1.3, 2.2, 4.6, 12.8)), ("right", (5.4, 2.2, 8.7, 12.8))):
        _box(plan, box, "marrow", cortex=0.12)
        regions.append(Region(name, box))
    plan.drawn_signs += sorted({"joint_effusion"} & signs)
    plan.labels += [_label("muscle", 0.75, 14.2), _label("joint", 5.0, 14.2)]
    return regions


def bone(plan: Sketch, signs: set[str]) -> list[Region]:
    """Any other bone, drawn as a plain block of marrow inside its cortex, muscle around."""
    _frame(plan)
    plan.add("rect", [(0.2, 0.2), (9.8, 14.8)], "muscle")
    expand = 0.5 if "bone_expansion" in signs else 0.0
    box = (2.4 - expand, 2.5, 7.6 + expand, 12.5)
    _box(plan, box, "marrow", cortex=0.55 if "cortical_thickening" in signs else 0.2)
    plan.drawn_signs += sorted({"bone_expansion", "cortical_thickening"} & signs)
    plan.labels.append(_label("muscle", 1.2, 14.2))
    half = (box[0] + box[2]) / 2
    return [Region("upper", (box[0], (box[1] + box[3]) / 2, box[2], box[3])),
            Region("lower", (box[0], box[1], box[2], (box[1] + box[3]) / 2)),
            Region("left-half", (box[0], box[1], half, box[3]), primary=False)]


ANATOMY: dict[str, Callable[[Sketch, set[str]], list[Region]]] = {
    "spine": spine, "long_bone": long_bone, "joint": joint, "bone": bone}


def _label(text: str, x: float, y: float) -> Label:
    return Label(text, x, y)
