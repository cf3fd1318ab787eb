"""Heavy, shared objects for the app, built once per server process, and the per-browser backend."""

from __future__ import annotations

import contextlib
import threading

import streamlit as st

from simulator.bank import QuestionBank
from simulator.errors import MocksimError
from simulator.interviewer.backends import Backend, get_backend
from simulator.llm import ChatModel, get_chat_model, get_provider
from simulator.runtime import Runtime, get_runtime
from simulator.settings import Settings
from simulator.store import SessionStore


@st.cache_resource(show_spinner=False)
def runtime() -> Runtime:
    rt = get_runtime()
    threading.Thread(target=_warm, args=(rt,), name="mocksim-warm-up", daemon=True).start()
    return rt


def _warm(rt: Runtime) -> None:
    """Load the scoring model in the background while the candidate sets up a round."""
    # a failed warm-up only means the first answer loads the model, and reports any error then
    with contextlib.suppress(Exception):
        rt.scorer.warm_up()


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


def store() -> SessionStore:
    return runtime().store


def llm_settings(base_url: str, model: str, api_key: str) -> Settings:
    rt = runtime()
    update: dict[str, object] = {}
    if base_url.strip():
        update["llm_base_url"] = base_url.strip()
    if model.strip():
        update["llm_model"] = model.strip()
    key = api_key.strip() or _secrets_key()
    if key:
        from pydantic import SecretStr

        update["llm_api_key"] = SecretStr(key)
    return rt.settings.model_copy(update=update)


def _secrets_key() -> str:
    """A key the user chose to keep in .streamlit/secrets.toml (OPENAI_API_KEY), if any."""
    from streamlit.errors import StreamlitSecretNotFoundError

    try:
        return str(st.secrets.get("OPENAI_API_KEY", "") or "")
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return ""


def chat_model(name: str, base_url: str, model: str, api_key: str) -> ChatModel:
    """The named provider's model, with the endpoint, model and key from the Settings page."""
    return get_chat_model(name, llm_settings(base_url, model, api_key))


def make_backend(name: str, base_url: str = "", model: str = "", api_key: str = "") -> Backend:
    rt = runtime()
    if not get_provider(name).capabilities.structured_output:
        return get_backend(name, rt)
    return get_backend(name, rt, model=chat_model(name, base_url, model, api_key))


__all__ = ["MocksimError", "bank", "make_backend", "runtime", "store"]
