"""Names, not ids: what a candidate reads for a criterion, a rubric or a question."""

from __future__ import annotations

from simulator.ui.resources import runtime


def rubric_name(rid: str) -> str:
    r = runtime().rubrics.get(rid)
    return r.name if r else rid.replace("_", " ")


def criterion_name(key: str) -> str:
    """'tradeoffs.alternatives' -> 'Alternatives weighed' (the rubric's own wording)."""
    rid, _, cid = key.partition(".")
    r = runtime().rubrics.get(rid)
    try:
        return r.criterion(cid).name if r else cid.replace("_", " ")
    except KeyError:
        return cid.replace("_", " ")


def question_title(qid: str | None, words: int = 12) -> str:
    """The opening words of a bank question, in place of its id."""
    if not qid:
        return "a question"
    q = next((q for q in runtime().questions if q.id == qid), None)
    if q is None:
        return qid
    parts = q.prompt.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
