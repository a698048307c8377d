"""Pictures and layout for the app: the schematic MR drawing and the narrow-screen CSS.

The drawing comes from the same engine function as ``marrowdx draw``; this module only
caches it per case and places it on the page.
"""

from __future__ import annotations

import streamlit as st

from engine.case import Case
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


@st.cache_data(show_spinner="Drawing...", max_entries=256)
def _svg(case_json: str, title: str | None) -> str:
    return render(Case.model_validate_json(case_json), "svg", title).decode()


def schematic(case: Case, title: str | None = None, caption: bool = True) -> None:
    """The case's two-panel schematic (T1 and fluid-sensitive), with the plain legend."""
    st.image(_svg(case.model_dump_json(), title), width="stretch")
    if caption:
        st.caption("Greys follow the disc and muscle internal standards (tones and sources in "
                   "`rules/drawing.yaml`). " + DISCLAIMER)


@st.cache_data(show_spinner=False, max_entries=64)
def png_bytes(case_json: str) -> bytes:
    """The schematic as PNG, for the download button (slides)."""
    case = Case.model_validate_json(case_json)
    return render(case, "png", case.title)
