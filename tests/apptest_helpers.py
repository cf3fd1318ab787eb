"""Shared AppTest set-up: a fresh app per test, with caches cleared and the fake embedder."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from simulator.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "streamlit_app.py")


def open_page(page: str) -> AppTest:
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page(f"simulator/ui/pages/{page}.py")
    return at.run()


def button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)
