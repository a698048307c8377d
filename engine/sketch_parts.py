"""The pieces a schematic is made of: tones from rules/drawing.yaml, shapes, labels, and
the Sketch that collects them. engine/sketch.py decides what to draw; the views, pattern
and signs modules place shapes; engine/drawing.py paints them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.documents import read_document, validate
from engine.paths import RULES_DIR

Tone = float | None  # None: the case does not say (drawn hatched)


class _Palette(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    basis: str
    references: list[str]
    tissues: dict[str, tuple[float, float]]
    t1: dict[str, Any]
    fluid: dict[str, float]
    views: dict[Literal["spine", "joint", "long_bone"], list[str]]


@cache
def palette() -> _Palette:
    """The drawing tones (rules/drawing.yaml), read once."""
    path = RULES_DIR / "drawing.yaml"
    return validate(_Palette, read_document(path), str(path))


@dataclass(frozen=True)
class Shape:
    """One filled shape; ``points`` are a rectangle's corners, an ellipse's centre and size,
    or a polygon's / line's vertices, in panel units (10 wide, 15 high)."""

    kind: Literal["rect", "ellipse", "polygon", "line"]
    points: tuple[tuple[float, float], ...]
    t1: Tone
    fluid: Tone
    width: float = 0.0  # line width (lines only)
    # anatomy: the fixed drawing; marrow: the abnormal marrow at its stated signal;
    # sign: a stated sign, at the signal its definition gives (a collection is fluid)
    role: Literal["anatomy", "marrow", "sign"] = "anatomy"
    edge: bool = False  # a thin dark outline (well-defined margins, collections)


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float


@dataclass
class Sketch:
    """Everything the painter needs: shapes in drawing order, labels and the captions."""

    anatomy: str
    shapes: list[Shape] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    t1_caption: str = ""
    fluid_caption: str = ""
    drawn_signs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, kind: str, points: Any, tissue_or_tones: str | tuple[Tone, Tone],
            width: float = 0.0, role: str = "anatomy", edge: bool = False) -> None:
        if isinstance(tissue_or_tones, str):
            t1, fluid = palette().tissues[tissue_or_tones]
        else:
            t1, fluid = tissue_or_tones
        self.shapes.append(Shape(kind, tuple(tuple(p) for p in points), t1, fluid,  # type: ignore[arg-type]
                                 width, role, edge))  # type: ignore[arg-type]
