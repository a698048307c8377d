"""Paint a case's schematic (engine/sketch.py) as SVG or PNG with matplotlib.

Two panels side by side, T1 and fluid-sensitive, each with its internal standards
labelled, then a legend that says plainly this is a schematic and not the patient's
image. matplotlib is imported here only, with the non-interactive Agg backend, so the
command line and the app load it only when a picture is asked for. Figures are built
with ``matplotlib.figure.Figure`` directly, not pyplot, so nothing is kept in a global
registry and app sessions on several threads do not share state.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from engine.sketch import sketch_case
from engine.sketch_parts import Shape, Sketch

FORMATS = ("svg", "png")
UNKNOWN = "#9db4cc"  # anything the case does not state: blue-grey and hatched, never a signal grey
DISCLAIMER = ("Schematic drawn from the stated findings, not an image of the patient. "
              "Blue hatched: not stated in the case.")


def _patch(shape: Shape, tone: float | None) -> Any:
    from matplotlib import patches

    face = UNKNOWN if tone is None else str(round(tone, 3))
    style: dict[str, Any] = {"facecolor": face, "linewidth": 0}
    if tone is None:
        style |= {"hatch": "///", "edgecolor": "#52708f", "linewidth": 0.6}
    if shape.edge:
        style |= {"edgecolor": "0.02", "linewidth": 1.0}
    if shape.kind == "rect":
        (x0, y0), (x1, y1) = shape.points
        return patches.Rectangle((x0, y0), x1 - x0, y1 - y0, **style)
    if shape.kind == "ellipse":
        (x, y), (w, h) = shape.points
        return patches.Ellipse((x, y), w, h, **style)
    return patches.Polygon(shape.points, closed=True, **style)


def _panel(ax: Any, plan: Sketch, panel: int, heading: str, caption: str) -> None:
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 15)
    ax.set_aspect("equal")
    ax.axis("off")
    for shape in plan.shapes:
        tone = shape.t1 if panel == 0 else shape.fluid
        if shape.kind == "line":
            xs, ys = zip(*shape.points, strict=True)
            colour = UNKNOWN if tone is None else str(round(tone, 3))
            ax.plot(xs, ys, color=colour, linewidth=shape.width, solid_capstyle="butt")
        else:
            ax.add_patch(_patch(shape, tone))
    for label in plan.labels:
        ax.text(label.x, label.y, label.text, ha="center", va="center", fontsize=7, color="#e8c547",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "black", "alpha": 0.55, "linewidth": 0})
    ax.set_title(heading, fontsize=10, fontweight="bold")
    ax.text(5, -0.6, caption, ha="center", va="top", fontsize=8, wrap=True)


def figure(plan: Sketch, title: str | None = None) -> Any:
    """A matplotlib Figure of the two panels and the legend."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 6.4), dpi=100)
    axes = fig.subplots(1, 2)
    _panel(axes[0], plan, 0, "T1-weighted", plan.t1_caption)
    _panel(axes[1], plan, 1, "Fluid-sensitive (STIR / T2 FS)", plan.fluid_caption)
    if title:
        fig.suptitle(_wrap(title, 80), fontsize=10)
    lines = [*plan.notes, DISCLAIMER]
    fig.text(0.04, 0.03, "\n".join(_wrap(line) for line in lines), fontsize=7.5, va="bottom", ha="left")
    fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.1 + 0.03 * sum(
        _wrap(line).count("\n") + 1 for line in lines), wspace=0.08)
    return fig


def _wrap(text: str, width: int = 110) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def render(case: Any, fmt: str = "svg", title: str | None = None) -> bytes:
    """The case's schematic as SVG or PNG bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return render_sketch(sketch_case(case), fmt, title)


def render_sketch(plan: Sketch, fmt: str = "svg", title: str | None = None) -> bytes:
    """An already built schematic as SVG or PNG bytes."""
    fig = figure(plan, title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def draw_to(case: Any, target: Path, title: str | None = None) -> Path:
    """Write the schematic to ``target``; its suffix (.svg or .png) picks the format."""
    fmt = target.suffix.lower().lstrip(".")
    target.write_bytes(render(case, fmt, title))
    return target
