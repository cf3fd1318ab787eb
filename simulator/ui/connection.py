"""Settings that tell the truth: what stands between the openai backend and a working endpoint, named plainly
(no key, unreachable, unauthorised, model not found, mode unsupported), at selection time and on "Test
connection". The llm package raises ModelError with a `kind`; this module only words it for the Settings page."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlparse

import streamlit as st

from simulator.llm.base import ModelError, ModeUnsupported
from simulator.ui.resources import _secrets_key, runtime

OPENAI_URL = "https://api.openai.com/v1"
# Long enough for a loopback or LAN server to accept, short enough not to stall the page when it is down.
CONNECT_TIMEOUT_S = 1.5


@dataclass(frozen=True)
class Problem:
    title: str  # what is wrong, in a few words
    what_to_do: str


def has_key(typed: str) -> bool:
    """A key typed here, set in the environment (OPENAI_API_KEY) or kept in .streamlit/secrets.toml."""
    return bool(typed.strip() or runtime().settings.llm_api_key or _secrets_key())


def endpoint(base_url: str) -> str:
    return base_url.strip() or (runtime().settings.llm_base_url or "") or OPENAI_URL


@st.cache_data(ttl=30, show_spinner=False)
def unreachable(url: str) -> str | None:
    """Why a TCP connection to the endpoint's host cannot be opened (None when it can)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return f"'{url}' is not an http(s) URL"
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname, port), timeout=CONNECT_TIMEOUT_S):
            return None
    except OSError as exc:
        return f"{parsed.hostname}:{port} does not answer ({exc.strerror or exc.__class__.__name__})"


def selection_problem(base_url: str, typed_key: str, needs_key: bool = True) -> Problem | None:
    """What would make an endpoint backend (openai) fall back to offline, checked when it is chosen."""
    url = endpoint(base_url)
    if needs_key and url.rstrip("/") == OPENAI_URL and not has_key(typed_key):
        return Problem(
            "No API key: OpenAI needs one, so every answer would be scored offline.",
            "Paste a key below (kept in this browser session only), set OPENAI_API_KEY, or continue offline.",
        )
    why = unreachable(url)
    if why:
        return Problem(
            f"The endpoint is unreachable: {why}. Every answer would be scored offline.",
            "Check the base URL and that the model server is running, or continue offline.",
        )
    return None


def diagnose(err: ModelError, base_url: str, model: str, typed_key: str) -> Problem:
    """The actual problem behind a failed test call."""
    url = endpoint(base_url)
    text = err.message.lower()
    if isinstance(err, ModeUnsupported) or err.kind == "unsupported":
        return Problem(
            f"Mode unsupported: {url} does not accept the structured-output mode mocksim asked for.",
            "Set MOCKSIM_STRUCTURED_OUTPUT=auto (mocksim then tries json_schema, tools and json_mode), or use a "
            "server that supports JSON output.",
        )
    if err.kind in ("http_401", "http_403"):
        if not has_key(typed_key):
            return Problem("No API key: the endpoint refused a request without one.", "Paste the key above.")
        return Problem(
            f"Unauthorised ({err.kind[5:]}): {url} refused the API key.",
            "Check the key (and that it belongs to this endpoint and has access to the model).",
        )
    if err.kind == "http_404" or ("model" in text and ("not found" in text or "does not exist" in text)):
        return Problem(
            f"Model not found: {url} has no model '{model or runtime().settings.llm_model}'.",
            "Check the model name (for Ollama, `ollama list`), or the base URL: it usually ends in /v1.",
        )
    if err.kind in ("connection", "timeout"):
        why = unreachable(url) or err.message
        return Problem(f"Unreachable: {why}.", "Check the base URL and that the model server is running.")
    if err.kind == "rate_limit":
        return Problem("Rate limited: the endpoint answered 429.", "Wait a minute, or check the plan's limits.")
    return Problem(f"The endpoint failed: {err.message}.", "Check the base URL, the model and the key above.")
