"""The round engine: ask → answer → score → follow up, next question or wrap up. Every turn is stored
before it is scored, so a crash loses nothing and the session resumes where it stopped.

The steps live beside it: the state and the events it emits (core.py), scoring and moving on (flow.py), the
plan and its questions (picking.py), the clock (clock.py). Every event is a typed model (events.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from simulator.contracts import Session, Turn
from simulator.errors import InputError
from simulator.interviewer.backends import Backend
from simulator.interviewer.clarify import answer_clarification
from simulator.interviewer.clock import SimulatedClock, WallClock
from simulator.interviewer.events import ActionEvent, Clarified, Event, HintGiven, Notice
from simulator.interviewer.flow import TurnFlow
from simulator.interviewer.intents import classify
from simulator.interviewer.picking import Plan, check_plan, pick_questions
from simulator.interviewer.turn_state import Duplicate
from simulator.llm.base import OnText
from simulator.runtime import Runtime
from simulator.store import SessionStore

__all__ = ["Event", "EventSink", "Interviewer", "Plan", "SimulatedClock", "WallClock"]

ACTIONS = {
    "hint": "asked for a hint",
    "skip": "skipped the question",
    "repeat": "asked to hear it again",
    "end": "ended the session",
}
DUPLICATE = "That submission was already received, so it was not stored or scored twice."
MAX_ANSWER_CHARS = 40_000


class Interviewer(TurnFlow):
    # ----------------------------------------------------------------- start
    def start(self, plan: Plan) -> list[Event]:
        check_plan(plan)
        bank = self.rt.bank()
        seen = set() if plan.question_ids else self.store.seen_question_ids(self.owner)
        self.questions = pick_questions(bank, plan, seen)
        self.session = self.store.create(
            Session(
                id="",
                owner=self.owner,
                rounds=list(dict.fromkeys(q.round for q in self.questions)),
                minutes=plan.minutes,
                seniority=cast(Any, plan.seniority),
                job_description=plan.job_description,
                backend=self.backend.name,
                model=self.backend.model,
                question_ids=[q.id for q in self.questions],
                focus=plan.focus,
            )
        )
        self.current = self._new_current(0)
        self._count_startup()
        return [self._session_event(False), self._question_event()]

    # ---------------------------------------------------------------- resume
    @classmethod
    def resume(
        cls, rt: Runtime, backend: Backend, store: SessionStore, owner: str, session_id: str, **kw: Any
    ) -> tuple[Interviewer, list[Event]]:
        self = cls(rt, backend, store, owner, **kw)
        session = store.get(owner, session_id)
        if session.status == "finished":
            raise InputError(
                f"session {session_id} is already finished",
                f"review it with `mocksim sessions show {session_id}` or start a new one",
            )
        bank = rt.bank()
        self._count_startup()
        self.session = session
        self.questions = [bank.get(q) for q in session.question_ids]
        self.current = self._new_current(0)
        events: list[Event] = [self._session_event(True)]
        for t in session.turns:
            events += self._replay(t)
            if self.finished:
                break
        if session.turns:
            spent = session.turns[-1].submitted_at - session.created_at
            self.clock.already_spent(spent.total_seconds() / 60)
        if not self.finished and self.current is not None:
            events.append(self._asked_event())
        return self, events

    def _replay(self, t: Turn) -> list[Event]:
        cur = self._require()
        pos = t.meta.get("q_pos")
        if isinstance(pos, int) and pos != self.pos and 0 <= pos < len(self.questions):
            self.pos = pos
            self.current = cur = self._new_current(pos)
        if t.turn_key:
            self.turn_keys.add(t.turn_key)
        if t.kind == "hint":
            cur.hint_used = True
        if t.kind == "skip":
            return self._advance()
        if t.kind != "answer":
            return []
        cur.answers.append(t.answer)
        self.clock.spoke(t.answer)
        if t.scorecard is None:  # the process stopped after storing this answer: score it now
            return self._score_and_move(t, None)
        self._absorb(t.scorecard, t.asked, t.answer)
        return self._apply_move(
            str(t.meta.get("move", "next_question")),
            t.meta.get("follow_up"),
            t.meta.get("follow_up_target"),
            emit=False,
            kind=str(t.meta.get("follow_up_kind") or "probe"),
            phase=t.meta.get("follow_up_phase"),
        )

    # --------------------------------------------------------------- respond
    def respond(self, text: str, on_text: OnText | None = None, turn_key: str | None = None) -> list[Event]:
        """One candidate turn. `turn_key`, made by the client for one submission, makes a resubmission of the
        same turn (a double click, a retry, a reload) a no-op: the store accepts each key once."""
        if turn_key is not None and turn_key in self.turn_keys:
            return [Notice(text=DUPLICATE, duplicate=True)]
        self.turn_key = turn_key
        if self.finished:
            return [Notice(text="This session is over. Start a new one to keep practising.")]
        if not text.strip():
            return [Notice(text="That answer was empty. Type your answer, or use /hint, /skip, /repeat or /end.")]
        intent = classify(text)
        try:
            if intent.kind == "command":
                name = intent.command or ""
                action = ActionEvent(command=name, text=ACTIONS.get(name, name))
                if name == "repeat" and turn_key is not None:
                    self.turn_keys.add(turn_key)
                return [action, *self._command(name, text)]
            if intent.kind == "clarification":
                return self._clarify(text)
            return self._answer(text, on_text)
        except Duplicate:
            return [Notice(text=DUPLICATE, duplicate=True)]

    def _command(self, name: str, text: str) -> list[Event]:
        cur = self._require()
        if name == "end":
            self._store("command", text)
            return self.wrap_up()
        if name == "repeat":
            return [self._asked_event()]
        if name == "skip":
            self._store("skip", text)
            return self._advance()
        # hint: the next key point the answer has not covered yet
        said = cur.covered | cur.mentioned
        missing = [i for i in range(len(cur.question.key_points)) if i not in said]
        point = cur.question.key_points[missing[0]] if missing else cur.question.key_points[0]
        hint = f"Think about this: {point}"
        cur.hint_used = True
        self._store("hint", text, reply=hint)
        return [HintGiven(text=hint, question_id=cur.question.id)]

    def _clarify(self, text: str) -> list[Event]:
        cur = self._require()
        reply, topic = answer_clarification(cur.question, text)
        self._store("clarification", text, reply=reply, meta={"topic": topic})
        return [Clarified(text=reply, topic=topic, question_id=cur.question.id)]

    def _answer(self, text: str, on_text: OnText | None) -> list[Event]:
        cur = self._require()
        notices: list[Event] = []
        if len(text) > MAX_ANSWER_CHARS:
            notices.append(
                Notice(
                    text=f"Your answer is {len(text):,} characters; all of it is saved, "
                    "and the scorer reads the first 3,000 tokens."
                )
            )
        turn = self._store("answer", text, meta={"follow_up_target": cur.target})  # write-ahead
        # from here on the answer as stored: a pasted secret is masked before it is scored, quoted back or sent to
        # a model, and a resumed session reads the same text
        cur.answers.append(turn.answer)
        self.clock.spoke(turn.answer)
        return notices + self._score_and_move(turn, on_text)


EventSink = Callable[[Event], None]
