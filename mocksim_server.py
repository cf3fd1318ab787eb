"""The mocksim server: `streamlit run mocksim_server.py` (what `make run` does) serves streamlit_app.py through
`st.App`, with the middleware that brings a visitor back to the link they opened, or to the reason their sign-in
failed, after Streamlit's sign-in (simulator/ui/signin_middleware.py, docs/DEPLOY.md)."""

import streamlit as st
from starlette.middleware import Middleware

from simulator.ui.signin_middleware import SignInReturn

app = st.App("streamlit_app.py", middleware=[Middleware(SignInReturn)])
