"""Pictures and layout for the app: the schematic MR drawing and the narrow-screen CSS.

The drawing comes from the same engine function as ``marrowdx draw``; this module only
caches it per case and places it on the page.
"""

from __future__ import annotations

from types import SimpleNamespace

import streamlit as st

from engine.case import Case, Findings
from engine.drawing import DISCLAIMER, render

# Below about 1000 px the case form beside the results is too narrow, so columns inside a
# container keyed "stack-..." stack; Streamlit itself only stacks below 640 px.
NARROW_CSS = """
<style>
@media (max-width: 1000px) {
  div[class*="st-key-stack"] div[data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
  div[class*="st-key-stack"] div[data-testid="stHorizontalBlock"] > div[data-testid="stColumn"] {
    width: 100% !important; flex: 1 1 100% !important; min-width: 100% !important;
  }
}
div[data-testid="stImage"] img { max-width: 100%; height: auto; }
</style>
"""


def narrow_screen_css() -> None:
    st.html(NARROW_CSS)


def _drawable(findings_json: str) -> SimpleNamespace:
    """What the drawing reads: the findings alone (age, history and answer play no part)."""
    return SimpleNamespace(findings=Findings.model_validate_json(findings_json))


@st.cache_data(show_spinner="Drawing...", max_entries=256)
def _svg(findings_json: str, title: str | None) -> str:
    return render(_drawable(findings_json), "svg", title).decode()


def schematic(case: Case, title: str | None = None, caption: bool = True) -> None:
    """The case's two-panel schematic (T1 and fluid-sensitive), with the plain legend.

    Cached by the findings alone, so changing the age or the history redraws nothing."""
    st.image(_svg(case.findings.model_dump_json(), title), width="stretch")
    if caption:
        st.caption("Greys follow the disc and muscle internal standards (tones and sources in "
                   "`rules/drawing.yaml`). " + DISCLAIMER)


def png_download(case: Case, key: str) -> None:
    """A button for the schematic as PNG (for slides); drawn only when clicked."""
    findings, title = case.findings.model_dump_json(), case.title
    st.download_button("Sketch (PNG)", lambda: render(_drawable(findings), "png", title),
                       file_name=f"{case.id}-sketch.png", mime="image/png", key=key)
