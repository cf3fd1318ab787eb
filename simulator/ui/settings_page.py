"""Settings: backend, endpoint, model, key (kept in this browser session only), test connection, profile."""

from __future__ import annotations

import streamlit as st

from simulator.errors import MocksimError
from simulator.llm import list_providers
from simulator.llm.base import ModelError
from simulator.llm.negotiate import EndpointMemory
from simulator.llm.structured import StructuredCaller
from simulator.ui.backend_choice import choose_backend, endpoint_problem, talks_to_endpoint
from simulator.ui.connection import OPENAI_URL, Problem, diagnose, endpoint, has_key
from simulator.ui.resources import chat_model, runtime
from simulator.ui.state import signed_in_identity, state


def _go_offline(prefix: str) -> None:
    state().backend = "offline"
    st.session_state[f"{prefix}_backend"] = "offline"


def offer_offline(problem: Problem | None, prefix: str) -> None:
    """Warn when an endpoint backend (openai) is chosen but cannot work, and offer to continue offline in one click."""
    if problem is None:
        return
    st.warning(f"**{problem.title}**\n\n{problem.what_to_do}")
    st.button("Continue offline", key=f"{prefix}_go_offline", on_click=_go_offline, args=(prefix,))


def endpoint_backend(chosen: str) -> str:
    """The provider "Test connection" asks: the chosen one when it talks to the endpoint, else the first listed
    one that does (the fields above are its settings even while offline is chosen)."""
    if talks_to_endpoint(chosen):
        return chosen
    return next(p.name for p in list_providers(listed_only=True) if p.capabilities.endpoint)


def _test(backend: str, base: str, model: str, key: str) -> None:
    """One tiny request per structured-output mode; the first that works is remembered for this endpoint."""
    if endpoint(base).rstrip("/") == OPENAI_URL and not has_key(key):
        st.error(
            "**No API key.** OpenAI needs one.\n\n**What to do:** paste it in API key above, or set OPENAI_API_KEY."
        )
        return
    rt = runtime()
    try:
        with st.spinner("Asking the endpoint for a tiny reply in each structured-output mode…"):
            cm = chat_model(backend, base, model, key)
            caller = StructuredCaller(cm, rt.settings.structured_output, memory=EndpointMemory(rt.settings.home))
            result = caller.negotiate(force=True)
        if result.mode:
            st.success(f"The endpoint answered ({cm.model}); structured output: **{result.mode}** (remembered).")
        elif result.error is not None:
            p = diagnose(result.error, base, model, key)
            st.error(f"**{p.title}**\n\n**What to do:** {p.what_to_do}")
        else:
            st.error("No structured-output mode worked.\n\n**What to do:** check the base URL, model and key.")
        if result.tried:
            st.caption(" · ".join(f"{t['mode']}: {t['outcome']}" for t in result.tried))
    except ModelError as err:
        p = diagnose(err, base, model, key)
        st.error(f"**{p.title}**\n\n**What to do:** {p.what_to_do}")
    except MocksimError as err:
        st.error(f"{err.message}\n\n**What to do:** {err.hint or 'check the base URL, model and key'}")


def render() -> None:
    st.title("Settings")
    s = state()
    rt = runtime()
    backend = choose_backend("Interviewer backend", "set_backend", s.backend)
    base = st.text_input(
        "Base URL",
        value=s.llm_base_url or (rt.settings.llm_base_url or ""),
        key="set_base",
        placeholder="e.g. http://localhost:11434/v1 (Ollama) — empty for OpenAI",
    )
    model = st.text_input("Model", value=s.llm_model or rt.settings.llm_model, key="set_model")
    problem_slot = st.empty()
    env_key = bool(rt.settings.llm_api_key)
    key = st.text_input(
        "API key",
        value=s.llm_api_key,
        type="password",
        key="set_key",
        help="kept in this browser session only; set OPENAI_API_KEY or .streamlit/secrets.toml "
        "to keep it" + (" (one is set in the environment)" if env_key else ""),
    )
    if talks_to_endpoint(backend):
        with problem_slot.container():
            offer_offline(endpoint_problem(backend, base, key), "set")
    stt = st.text_input("Speech-to-text model (voice answers)", value=s.stt_model, key="set_stt")
    if signed_in_identity():  # the sign-in decides whose sessions these are (docs/DEPLOY.md)
        profile = s.profile
        st.caption(f"Your sessions are kept under your sign-in: `{s.profile}`")
    else:
        profile = st.text_input("Profile (whose sessions these are)", value=s.profile, key="set_profile", max_chars=64)
    if st.button("Save", key="set_save"):
        if not profile.strip():
            st.error("The profile name cannot be empty.")
        else:
            s.backend, s.llm_base_url, s.llm_model, s.llm_api_key = backend, base.strip(), model.strip(), key.strip()
            s.stt_model, s.profile = stt.strip(), profile.strip()
            st.success("Saved for this browser session.")
    if st.button("Test connection", key="set_test"):
        _test(endpoint_backend(backend), base, model, key)
    st.caption(
        f"Data dir: {rt.settings.home} · database: {rt.settings.masked()['database']} · "
        f"index: {rt.settings.masked()['question_index']}"
    )
