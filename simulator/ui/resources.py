"""Heavy, shared objects for the app, built once per server process."""

from __future__ import annotations

import streamlit as st

from simulator.bank import QuestionBank
from simulator.errors import MocksimError
from simulator.runtime import Runtime, get_runtime


@st.cache_resource(show_spinner=False)
def runtime() -> Runtime:
    return get_runtime()


@st.cache_resource(show_spinner=False)
def bank() -> QuestionBank:
    rt = runtime()
    if rt.index.is_current(rt.questions):
        return rt.bank()
    bar = st.progress(0.0, text="Building the question index (first run only)…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(1, total), text=f"Embedding questions: {done}/{total}")

    built = rt.bank(progress=progress)
    bar.empty()
    return built


def show_error(err: MocksimError) -> None:
    st.error(f"{err.message}" + (f"\n\n**What to do:** {err.hint}" if err.hint else ""))
