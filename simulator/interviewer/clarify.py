"""Answer a clarifying question from the question's clarifications (what a candidate may ask -> the answer)."""

from __future__ import annotations

from simulator.contracts import Question
from simulator.scoring.text import content_stems

NO_DATA = "Good question. There is no fixed answer here: state a reasonable assumption out loud and carry on with it."


def answer_clarification(question: Question | None, asked: str) -> tuple[str, str | None]:
    """(reply, the clarification topic that matched or None)."""
    if question is None or not question.clarifications:
        return NO_DATA, None
    asked_stems = content_stems(asked)
    best, best_score = None, 0.0
    for topic, reply in question.clarifications.items():
        topic_stems = content_stems(topic)
        reply_stems = content_stems(reply)
        if not topic_stems:
            continue
        overlap = len(asked_stems & topic_stems) / len(topic_stems) + 0.3 * len(asked_stems & reply_stems) / max(
            1, len(reply_stems)
        )
        if overlap > best_score:
            best, best_score = topic, overlap
    if best is None or best_score < 0.34:
        known = ", ".join(list(question.clarifications)[:6])
        return f"{NO_DATA} (I can tell you about: {known}.)", None
    return question.clarifications[best], best
