"""mocksim in the browser. A thin shell: every page lives in simulator/ui/."""

import streamlit as st

from simulator.ui.navigation import PAGES

st.set_page_config(page_title="mocksim", page_icon=":material/record_voice_over:", layout="wide")
st.navigation([st.Page(path, title=title, icon=icon, url_path=slug) for path, title, icon, slug in PAGES]).run()
