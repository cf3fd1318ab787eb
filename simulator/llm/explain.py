"""What went wrong with the model, in words a candidate can act on (shown once per session)."""

from __future__ import annotations

# A failure of the endpoint itself: the rest of the session is scored offline without trying again.
SESSION_WIDE = frozenset({"connection", "auth", "not_found", "unsupported"})


def describe(kind: str, detail: str, endpoint: str, model: str, session_wide: bool) -> str:
    """One or two sentences: what happened, what it means for this session, and what to do."""
    tail = (
        "this session is scored offline from here on."
        if session_wide
        else "this turn was scored offline; the next turn tries the model again."
    )
    where = f"The model server at {endpoint}"
    words = {
        "connection": f"{where} is unreachable; {tail} Check that it is running and the base URL is right.",
        "auth": f"{where} refused the API key; {tail} Check OPENAI_API_KEY or the key in Settings.",
        "not_found": f"{where} has no model '{model}'; {tail} Check the model name in Settings.",
        "unsupported": f"{where} offers none of the structured-output modes mocksim uses; {tail}",
        "disconnected": f"{where} dropped the connection before answering; {tail}",
        "timeout": f"{where} did not finish in time; {tail}",
        "length": f"The model's reply ran past its token budget and was cut off; {tail}",
        "rate_limit": f"{where} is rate limiting requests (HTTP 429); {tail}",
        "invalid_reply": f"The model's reply did not fit the scoring format, even after one repair request; {tail}",
        "refusal": f"The model refused to grade this answer; {tail}",
    }
    text = words.get(kind) or f"{where} failed; {tail}"
    detail = detail.strip()
    return f"{text} ({detail})" if detail else text
