"""The one session object kept in st.session_state: who is practising, with which backend, and the live round."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from simulator.interviewer.engine import Interviewer
from simulator.interviewer.events import Event

KEY = "mocksim"


@dataclass
class AppState:
    profile: str = "local"
    backend: str = "offline"
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""  # kept in this browser session only, never written anywhere
    stt_model: str = "whisper-1"
    interviewer: Interviewer | None = None
    events: list[Event] = field(default_factory=list)  # what the last message brought
    draft: str = ""  # text the candidate typed that could not be processed yet: never lost
    known_turns: int = -1  # stored turns of the open session this tab has shown (another tab may add more)
    clear_pads: bool = False  # the scratchpad went with the last answer: empty it on the next run
    focus: str | None = None
    practise_question: str | None = None
    rewrite_prefill: dict[str, Any] = field(default_factory=dict)
    pending_plan: Any = None  # a round whose model server failed the start-up check, waiting for "continue offline"
    startup_problem: str | None = None


def signed_in_identity() -> str | None:
    """The owner key of the user signed in with Streamlit authentication (st.login), None when nobody is."""
    from simulator.ui.access import owner_from_claims, signed_in_claims

    claims = signed_in_claims()
    return owner_from_claims(claims) if claims else None


def state() -> AppState:
    if KEY not in st.session_state:
        from simulator.ui.resources import runtime

        st.session_state[KEY] = AppState(profile=runtime().settings.profile)
    value = st.session_state[KEY]
    assert isinstance(value, AppState)
    identity = signed_in_identity()
    if identity:
        value.profile = identity  # signed-in users only ever see their own sessions
    return value
