"""Settings: backend, endpoint, model, key (kept in this browser session only), test connection, profile."""

from __future__ import annotations

import streamlit as st

from simulator.errors import MocksimError
from simulator.llm.negotiate import EndpointMemory
from simulator.llm.structured import StructuredCaller
from simulator.ui.resources import chat_model, runtime
from simulator.ui.state import state


def render() -> None:
    st.title("Settings")
    s = state()
    rt = runtime()
    backend = st.radio(
        "Interviewer backend",
        ["offline", "openai"],
        index=["offline", "openai"].index(s.backend),
        key="set_backend",
        horizontal=True,
        help="offline needs no key or network; openai is any OpenAI-compatible endpoint",
    )
    base = st.text_input(
        "Base URL",
        value=s.llm_base_url or (rt.settings.llm_base_url or ""),
        key="set_base",
        placeholder="e.g. http://localhost:11434/v1 (Ollama) — empty for OpenAI",
    )
    model = st.text_input("Model", value=s.llm_model or rt.settings.llm_model, key="set_model")
    env_key = bool(rt.settings.llm_api_key)
    key = st.text_input(
        "API key",
        value=s.llm_api_key,
        type="password",
        key="set_key",
        help="kept in this browser session only; set OPENAI_API_KEY or .streamlit/secrets.toml "
        "to keep it" + (" (one is set in the environment)" if env_key else ""),
    )
    stt = st.text_input("Speech-to-text model (voice answers)", value=s.stt_model, key="set_stt")
    profile = st.text_input("Profile (whose sessions these are)", value=s.profile, key="set_profile", max_chars=64)
    if st.button("Save", key="set_save"):
        if not profile.strip():
            st.error("The profile name cannot be empty.")
        else:
            s.backend, s.llm_base_url, s.llm_model, s.llm_api_key = backend, base.strip(), model.strip(), key.strip()
            s.stt_model, s.profile = stt.strip(), profile.strip()
            st.success("Saved for this browser session.")
    if st.button("Test connection", key="set_test"):
        try:
            with st.spinner("Asking the endpoint for a tiny reply in each structured-output mode…"):
                cm = chat_model(base, model, key)
                caller = StructuredCaller(cm, rt.settings.structured_output, memory=EndpointMemory(rt.settings.home))
                result = caller.negotiate(force=True)
            if result.mode:
                st.success(f"The endpoint answered ({cm.model}); structured output: **{result.mode}** (remembered).")
            else:
                reason = result.error.message if result.error else "no structured-output mode worked"
                st.error(f"{reason}\n\n**What to do:** check the base URL, model and key, or practise offline.")
            st.caption(" · ".join(f"{t['mode']}: {t['outcome']}" for t in result.tried))
        except MocksimError as err:
            st.error(f"{err.message}\n\n**What to do:** {err.hint or 'check the base URL, model and key'}")
    st.caption(
        f"Data dir: {rt.settings.home} · database: {rt.settings.masked()['database']} · "
        f"index: {rt.settings.masked()['question_index']}"
    )
