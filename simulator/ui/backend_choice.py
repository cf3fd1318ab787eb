"""The interviewer backend a user can pick, read from the provider registry: the pages name no provider."""

from __future__ import annotations

import streamlit as st

from simulator.llm import get_provider, list_providers
from simulator.ui.connection import Problem, selection_problem


def choose_backend(label: str, key: str, current: str) -> str:
    """A radio of the listed providers (offline first), each explained in the help text."""
    listed = list_providers(listed_only=True)
    names = [p.name for p in listed]
    st.session_state.setdefault(key, current if current in names else names[0])
    if st.session_state[key] not in names:  # a plugin that was uninstalled since
        st.session_state[key] = names[0]
    return str(
        st.radio(
            label,
            names,
            horizontal=True,
            key=key,
            help="; ".join(f"{p.name}: {p.summary}" for p in listed),
        )
    )


def talks_to_endpoint(name: str) -> bool:
    """The backend uses the base URL, model and key from Settings (checked when chosen, used for voice)."""
    return get_provider(name).capabilities.endpoint


def endpoint_problem(name: str, base_url: str, typed_key: str) -> Problem | None:
    """What stands between the chosen backend and its endpoint (None when it has no endpoint, or none)."""
    caps = get_provider(name).capabilities
    return selection_problem(base_url, typed_key, caps.needs_key) if caps.endpoint else None


def streams(name: str) -> bool:
    return get_provider(name).capabilities.streaming


def uses_model(name: str) -> bool:
    return get_provider(name).capabilities.structured_output
