"""A stored session as the events the chat shows: the same on Practice (live, after a reload, in a second tab)
and on Review. Built from the stored turns only, so nothing depends on what one browser tab remembers."""

from __future__ import annotations

from simulator.contracts import Session, Turn
from simulator.interviewer import events as ev
from simulator.interviewer.engine import Interviewer
from simulator.interviewer.intents import classify
from simulator.store.export import action_of
from simulator.store.figures import is_follow_up, wrap_up
from simulator.ui.resources import runtime


def _asked_event(
    session: Session, asked: str, pos: int, follow_up: bool, qid: str | None
) -> ev.FollowUp | ev.QuestionAsked:
    if follow_up:
        return ev.FollowUp(text=asked, target=None, question_id=qid)
    qs = {q.id: q for q in runtime().questions}
    q = qs.get(qid or "")
    return ev.QuestionAsked(
        id=qid or "",
        round=q.round if q else (session.rounds[0] if session.rounds else ""),
        text=asked,
        index=pos,
        of=max(1, len(session.question_ids)),
    )


def _card_event(t: Turn) -> ev.Scored:
    assert t.scorecard is not None
    fallback = t.meta.get("fallback")
    return ev.Scored.of(t.scorecard, t.question_id, t.index, fallback=fallback if isinstance(fallback, str) else None)


def session_events(
    session: Session, iv: Interviewer | None = None, usage: ev.UsageReport | None = None
) -> list[ev.ChatEvent]:
    """Every question, answer, scorecard, follow-up, hint and clarification of a stored session, in order;
    then what the interviewer is waiting on (live) or the wrap-up (finished)."""
    events: list[ev.ChatEvent] = []
    shown: str | None = None
    for t in session.turns:
        q_pos = t.meta.get("q_pos")
        pos = q_pos if isinstance(q_pos, int) else 0
        if t.asked != shown:
            events.append(_asked_event(session, t.asked, pos, is_follow_up(t), t.question_id))
            shown = t.asked
        if t.kind == "answer":
            follow = is_follow_up(t)
            events.append(
                ev.CandidateSaid(
                    text=t.answer, turn_id=t.id, follow_up=follow, question_id=t.question_id, asked=t.asked
                )
            )
            if t.scorecard is not None:
                events.append(_card_event(t))
        elif t.kind == "clarification":
            events.append(ev.CandidateSaid(text=t.answer, turn_id=t.id, kind="clarification"))
            if t.reply:
                events.append(ev.Clarified(text=t.reply, question_id=t.question_id))
        elif (action := action_of(t)) is not None:  # /hint, /skip, /end: what the candidate did, not said
            events.append(ev.ActionEvent(command=classify(t.answer).command or t.kind, text=action))
            if t.kind == "hint" and t.reply:
                events.append(ev.HintGiven(text=t.reply, question_id=t.question_id))
    live = iv is not None and not iv.finished and iv.current is not None
    if live and iv is not None and iv.current is not None and iv.current.asked != shown:
        cur = iv.current
        events.append(_asked_event(session, cur.asked, iv.pos, bool(cur.follow_ups), cur.question.id))
    if session.status == "finished" or (iv is not None and iv.finished):
        rt = runtime()
        summary = wrap_up(session, {q.id: q for q in rt.questions}, rt.rubrics)
        events.append(summary.model_copy(update={"usage": usage}))
    return events
