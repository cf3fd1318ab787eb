"""Voice answers: record in the browser, transcribe through the endpoint's /audio/transcriptions, edit, send."""

from __future__ import annotations

import streamlit as st

from simulator.errors import MocksimError
from simulator.ui.backend_choice import talks_to_endpoint
from simulator.ui.resources import llm_settings
from simulator.ui.state import AppState


def can_transcribe(s: AppState) -> tuple[bool, str]:
    if not talks_to_endpoint(s.backend):
        return False, "Voice answers need an OpenAI-compatible endpoint with speech-to-text; choose one in Settings."
    if not s.stt_model.strip():
        return False, "Voice answers are off: no speech-to-text model is set in Settings."
    return True, ""


def transcribe(s: AppState, audio: bytes) -> str:
    import openai

    settings = llm_settings(s.llm_base_url, s.llm_model, s.llm_api_key)
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    client = openai.OpenAI(base_url=settings.llm_base_url, api_key=key, timeout=settings.llm_timeout, max_retries=1)
    try:
        result = client.audio.transcriptions.create(model=s.stt_model, file=("answer.wav", audio, "audio/wav"))
    except openai.OpenAIError as exc:
        raise MocksimError(
            f"the recording could not be transcribed: {exc}",
            "type your answer instead, or check the speech-to-text model in Settings",
        ) from exc
    return str(getattr(result, "text", "") or "")


def voice_input(s: AppState) -> str | None:
    """The edited transcript when the candidate sends it; None otherwise."""
    ok, reason = can_transcribe(s)
    if not ok:
        st.caption(f"Voice: {reason}")
        return None
    audio = st.audio_input("Answer by voice", key="voice_rec")
    if audio is None:
        return None
    digest = hash(audio.getvalue())
    if st.session_state.get("voice_digest") != digest:
        try:
            with st.spinner("Transcribing…"):
                st.session_state["voice_text"] = transcribe(s, audio.getvalue())
            st.session_state["voice_digest"] = digest
        except MocksimError as err:
            st.error(f"{err.message}. {err.hint or ''}")
            return None
    text = st.text_area("Transcript (edit before sending)", key="voice_text")
    if st.button("Send transcript", key="voice_send") and text.strip():
        st.session_state.pop("voice_digest", None)
        return text
    return None
