"""MarrowDx teaching app: `uv run streamlit run ui/app.py`.

A multi-page app (Explore, Practice, Teach, Cases, Rules); every page shows the
educational disclaimer and calls the same engine functions as the command line.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import marrowdx_ui as ui
from ui.pictures import narrow_screen_css

PAGES = Path(__file__).resolve().parent / "app_pages"

# A local icon: a page icon named by Material code is fetched from an outside font server.
st.set_page_config(page_title="MarrowDx", page_icon=str(Path(__file__).resolve().parent / "icon.png"),
                   layout="wide")

navigation = st.navigation([
    st.Page(PAGES / "explore.py", title="Explore", icon=":material/biotech:", default=True),
    st.Page(PAGES / "practice.py", title="Practice", icon=":material/quiz:"),
    st.Page(PAGES / "progress.py", title="My progress", icon=":material/trending_up:"),
    st.Page(PAGES / "group.py", title="Group", icon=":material/groups:"),
    st.Page(PAGES / "teach.py", title="Teach", icon=":material/co_present:"),
    st.Page(PAGES / "cases.py", title="Cases", icon=":material/folder_open:"),
    st.Page(PAGES / "rules.py", title="Rules", icon=":material/menu_book:"),
], position="top")  # a top bar, not a sidebar that stays open on a laptop's narrow window
narrow_screen_css()
ui.disclaimer()
navigation.run()
