"""mocksim in the browser. A thin shell: every page lives in simulator/ui/."""

import streamlit as st

from simulator.ui.access import require_sign_in
from simulator.ui.navigation import PAGES

st.set_page_config(page_title="mocksim", page_icon=":material/record_voice_over:", layout="wide")
require_sign_in()
st.navigation([st.Page(path, title=title, icon=icon, url_path=slug) for path, title, icon, slug in PAGES]).run()
