"""The round engine: ask → answer → score → follow up, next question or wrap up. Every turn is stored
before it is scored, so a crash loses nothing and the session resumes where it stopped."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from simulator.bank import QuestionBank
from simulator.contracts import Question, Scorecard, Session, Turn
from simulator.errors import InputError
from simulator.interviewer.backends import Backend, TurnContext
from simulator.interviewer.budget import Usage, history_text
from simulator.interviewer.clarify import answer_clarification
from simulator.interviewer.intents import classify
from simulator.interviewer.wrapup import summarise
from simulator.llm.base import OnText
from simulator.runtime import Runtime
from simulator.store import SessionStore
from simulator.tokens import encoding_for

Event = dict[str, Any]
MAX_ANSWER_CHARS = 40_000
WORDS_PER_MINUTE = 130


class SimulatedClock:
    """Minutes as a candidate would spend them: speaking time per answer plus a little per exchange."""

    def __init__(self) -> None:
        self.minutes = 0.0

    def __call__(self) -> float:
        return self.minutes

    def spoke(self, text: str) -> None:
        self.minutes += len(text.split()) / WORDS_PER_MINUTE + 0.5

    def already_spent(self, minutes: float) -> None:
        """Resuming: replaying the answers through `spoke` has already counted the time."""


class WallClock:
    def __init__(self) -> None:
        self.start = time.monotonic()

    def __call__(self) -> float:
        return (time.monotonic() - self.start) / 60

    def spoke(self, text: str) -> None:
        pass

    def already_spent(self, minutes: float) -> None:
        """Resuming: count the minutes spent before the session stopped (not the time it was away)."""
        self.start = time.monotonic() - max(0.0, minutes) * 60


@dataclass
class Plan:
    rounds: list[str]
    questions: int = 4
    minutes: int = 45
    seniority: str = "mid"
    job_description: str | None = None
    focus: str | None = None
    question_ids: list[str] = field(default_factory=list)


@dataclass
class Current:
    question: Question
    asked: str
    follow_ups: int = 0
    answers: list[str] = field(default_factory=list)
    covered: set[int] = field(default_factory=set)
    hint_used: bool = False
    target: str | None = None


class Interviewer:
    def __init__(
        self,
        rt: Runtime,
        backend: Backend,
        store: SessionStore,
        owner: str,
        max_follow_ups: int | None = None,
        clock: SimulatedClock | WallClock | None = None,
    ) -> None:
        self.rt, self.backend, self.store, self.owner = rt, backend, store, owner
        self.max_follow_ups = rt.settings.max_follow_ups if max_follow_ups is None else max_follow_ups
        self.clock = clock or WallClock()
        self.session: Session | None = None
        self.questions: list[Question] = []
        self.pos = 0
        self.current: Current | None = None
        self.asked_probes: list[str] = []
        self.summary_lines: list[str] = []
        self.recent: list[tuple[str, str]] = []
        self.final_cards: dict[str, Scorecard] = {}
        self.usage = Usage()
        self.turn_backends: dict[str, int] = {}  # what actually scored each answer
        self.finished = False

    # ----------------------------------------------------------------- start
    def _pick(self, bank: QuestionBank, plan: Plan) -> list[Question]:
        if plan.question_ids:
            return [bank.get(q) for q in plan.question_ids]
        seen = self.store.seen_question_ids(self.owner)
        per_round = {
            r: plan.questions // len(plan.rounds) + (i < plan.questions % len(plan.rounds))
            for i, r in enumerate(plan.rounds)
        }
        chosen: dict[str, list[Question]] = {}
        for r, n in per_round.items():
            if n == 0:
                continue
            kw: dict[str, Any] = {
                "seniority": plan.seniority,
                "job_description": plan.job_description,
                "focus": plan.focus,
                "n": n,
            }
            picks = bank.pick(r, exclude_ids=seen, **kw)  # type: ignore[arg-type]
            if len(picks) < n:  # the bank ran dry for this candidate: allow repeats
                picks += [p for p in bank.pick(r, exclude_ids={p.question.id for p in picks}, **kw)][: n - len(picks)]  # type: ignore[arg-type]
            chosen[r] = [p.question for p in picks]
        out: list[Question] = []
        for i in range(max(per_round.values())):  # interleave rounds
            out += [chosen[r][i] for r in plan.rounds if r in chosen and i < len(chosen[r])]
        if not out:
            raise InputError("no questions match this plan", "choose other rounds or fewer questions")
        return out

    def start(self, plan: Plan) -> list[Event]:
        if not plan.rounds:
            raise InputError("no rounds chosen", "pick at least one of behavioral, coding, system_design, technical")
        if not 1 <= plan.questions <= 30:
            raise InputError(f"{plan.questions} questions is out of range", "choose between 1 and 30")
        bank = self.rt.bank()
        self.questions = self._pick(bank, plan)
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
        self.current = Current(self.questions[0], self.questions[0].prompt)
        self._count_startup()
        return [self._session_event(False), self._question_event()]

    def _count_startup(self) -> None:
        """The start-up check's requests (a probe per mode tried) are real requests: the wrap-up counts them."""
        requests, prompt, completion = getattr(self.backend, "startup", (0, 0, 0))
        self.usage.requests += requests
        self.usage.prompt_tokens += prompt
        self.usage.completion_tokens += completion

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
        self.current = Current(self.questions[0], self.questions[0].prompt)
        events: list[Event] = [self._session_event(True)]
        for t in session.turns:
            events += self._replay(t)
            if self.finished:
                break
        if session.turns:
            spent = session.turns[-1].submitted_at - session.created_at
            self.clock.already_spent(spent.total_seconds() / 60)
        if not self.finished and self.current is not None:
            events.append(
                self._follow_up_event() if self.current.follow_ups and self.current.target else self._question_event()
            )
        return self, events

    def _replay(self, t: Turn) -> list[Event]:
        cur = self._require()
        pos = t.meta.get("q_pos")
        if isinstance(pos, int) and pos != self.pos and 0 <= pos < len(self.questions):
            self.pos = pos
            self.current = cur = Current(self.questions[pos], self.questions[pos].prompt)
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
        )

    # --------------------------------------------------------------- respond
    def respond(self, text: str, on_text: OnText | None = None) -> list[Event]:
        if self.finished:
            return [{"type": "notice", "text": "This session is over. Start a new one to keep practising."}]
        if not text.strip():
            return [
                {
                    "type": "notice",
                    "text": "That answer was empty. Type your answer, or use /hint, /skip, /repeat or /end.",
                }
            ]
        intent = classify(text)
        if intent.kind == "command":
            return self._command(intent.command or "", text)
        if intent.kind == "clarification":
            return self._clarify(text)
        return self._answer(text, on_text)

    def _require(self) -> Current:
        if self.current is None or self.session is None:
            raise InputError("the session has not started")
        return self.current

    def _store(self, kind: str, text: str, reply: str | None = None, meta: dict[str, Any] | None = None) -> Turn:
        cur = self._require()
        assert self.session is not None
        full = {"q_pos": self.pos, "follow_up_no": cur.follow_ups, **(meta or {})}
        return self.store.add_turn(
            self.owner,
            self.session.id,
            Turn(
                index=0,
                question_id=cur.question.id,
                asked=cur.asked,
                kind=cast(Any, kind),
                answer=text,
                reply=reply,
                meta=full,
            ),
        )

    def _command(self, name: str, text: str) -> list[Event]:
        cur = self._require()
        if name == "end":
            self._store("command", text)
            return self.wrap_up()
        if name == "repeat":
            return [self._follow_up_event() if cur.follow_ups and cur.target else self._question_event()]
        if name == "skip":
            self._store("skip", text)
            return self._advance()
        # hint: the next key point the answer has not covered yet
        missing = [i for i in range(len(cur.question.key_points)) if i not in cur.covered]
        point = cur.question.key_points[missing[0]] if missing else cur.question.key_points[0]
        hint = f"Think about this: {point}"
        cur.hint_used = True
        self._store("hint", text, reply=hint)
        return [{"type": "hint", "text": hint, "question_id": cur.question.id}]

    def _clarify(self, text: str) -> list[Event]:
        cur = self._require()
        reply, topic = answer_clarification(cur.question, text)
        self._store("clarification", text, reply=reply, meta={"topic": topic})
        return [{"type": "clarification", "text": reply, "topic": topic, "question_id": cur.question.id}]

    def _answer(self, text: str, on_text: OnText | None) -> list[Event]:
        cur = self._require()
        notices = []
        if len(text) > MAX_ANSWER_CHARS:
            notices.append(
                {
                    "type": "notice",
                    "text": f"Your answer is {len(text):,} characters; all of it is saved, "
                    "and the scorer reads the first 3,000 tokens.",
                }
            )
        turn = self._store("answer", text, meta={"follow_up_target": cur.target})  # write-ahead
        cur.answers.append(text)
        self.clock.spoke(text)
        return notices + self._score_and_move(turn, on_text)

    def _score_and_move(self, turn: Turn, on_text: OnText | None) -> list[Event]:
        cur = self._require()
        model = self.backend.model
        ctx = TurnContext(
            cur.question,
            cur.question.prompt,
            "\n\n".join(cur.answers),
            history_text(self.summary_lines, self.recent, model),
            self.max_follow_ups - cur.follow_ups,
            list(self.asked_probes),
            set(cur.covered),
        )
        result = self.backend.turn(ctx, on_text)
        card = result.scorecard
        if cur.hint_used and "hint_used" not in card.flags:
            card = card.model_copy(update={"flags": [*card.flags, "hint_used"]})
        assert turn.id is not None
        self.store.attach_scorecard(
            self.owner,
            turn.id,
            card,
            result.prompt_version,
            result.prompt_tokens,
            result.completion_tokens,
            result.latency_ms,
        )
        if result.requests:
            self.usage.add(result.prompt_tokens, result.completion_tokens, result.requests)
        self._absorb(card, turn.asked, turn.answer)
        move = "wrap_up" if self.clock() >= self._minutes() else result.move
        follow = result.follow_up
        self.store.update_turn_meta(
            self.owner,
            turn.id,
            {
                "move": move,
                "follow_up": follow.text if follow else None,
                "follow_up_target": follow.target if follow else None,
                "fallback": result.fallback,
                "latency_ms": round(result.latency_ms, 1),
                "backend": card.backend,
                "model_requests": result.requests,
                **({"fallback_notice": result.notice} if result.notice else {}),
                **result.meta,
            },
        )
        self.turn_backends[card.backend] = self.turn_backends.get(card.backend, 0) + 1
        event = {
            "type": "scorecard",
            "question_id": cur.question.id,
            "turn": turn.index,
            **card.public(),
            "missing_points": card.missing_points,
            "notices": card.notices,
            "backend": card.backend,
            "fallback": result.fallback,
            "fallback_reason": result.meta.get("fallback_reason") if result.fallback else None,
            "fallback_notice": result.notice,
        }
        return [event, *self._apply_move(move, follow.text if follow else None, follow.target if follow else None)]

    def _absorb(self, card: Scorecard, asked: str, answer: str) -> None:
        cur = self._require()
        cur.covered |= set(card.covered_points)
        self.final_cards[cur.question.id] = card
        weakest = min(
            ((c.level, f"{r}.{k}") for r, rs in card.rubrics.items() for k, c in rs.criteria.items()), default=(0, "-")
        )[1]
        self.summary_lines.append(f"- {cur.question.id}: overall {card.overall}, weakest {weakest}")
        self.recent.append((asked, answer))

    def _apply_move(self, move: str, follow_text: Any, target: Any, emit: bool = True) -> list[Event]:
        cur = self._require()
        if move == "wrap_up":
            return self.wrap_up() if emit else self._finish_quietly()
        if move == "follow_up" and isinstance(follow_text, str) and follow_text:
            cur.follow_ups += 1
            cur.asked = follow_text
            cur.target = str(target) if target else None
            self.asked_probes.append(follow_text)
            return [self._follow_up_event()] if emit else []
        return self._advance(emit)

    def _advance(self, emit: bool = True) -> list[Event]:
        self.pos += 1
        if self.pos >= len(self.questions):
            return self.wrap_up() if emit else self._finish_quietly()
        q = self.questions[self.pos]
        self.current = Current(q, q.prompt)
        return [self._question_event()] if emit else []

    def _finish_quietly(self) -> list[Event]:
        self.finished = True
        return []

    def _minutes(self) -> float:
        return float(self.session.minutes if self.session else 45)

    # --------------------------------------------------------------- wrap up
    def wrap_up(self) -> list[Event]:
        assert self.session is not None
        self.finished = True
        self.store.set_status(self.owner, self.session.id, "finished")
        summary = summarise(self.final_cards, {q.id: q for q in self.questions}, self.rt.rubrics)
        cost = self.usage.cost(self.rt.settings.llm_prices, self.backend.model)
        per_turn = sorted(p for p, _ in self.usage.per_turn)
        summary["usage"] = {
            "model_requests": self.usage.requests,
            "prompt_tokens": self.usage.prompt_tokens,
            "completion_tokens": self.usage.completion_tokens,
            "median_prompt_tokens_per_turn": per_turn[len(per_turn) // 2] if per_turn else 0,
            "estimated_cost_usd": cost,
            "encoding": encoding_for(self.backend.model).name,
            **self._wire_usage(),
        }
        summary["scored_by"] = dict(self.turn_backends)
        return [{"type": "summary", "session_id": self.session.id, **summary}]

    def _wire_usage(self) -> dict[str, Any]:
        """Retries and whether token counts were estimated, from the model's ledger of HTTP requests."""
        ledger = getattr(getattr(self.backend, "chat", None), "ledger", None)
        if ledger is None:
            return {}
        return {"model_retries": ledger.retries, "tokens_estimated": ledger.estimated}

    # ----------------------------------------------------------------- events
    def _session_event(self, resumed: bool) -> Event:
        assert self.session is not None
        return {
            "type": "session",
            "id": self.session.id,
            "resumed": resumed,
            "backend": self.backend.name,
            "model": self.backend.model,
            "structured_output": getattr(getattr(self.backend, "caller", None), "working_mode", None),
            "rounds": list(self.session.rounds),
            "minutes": self.session.minutes,
            "questions": [q.id for q in self.questions],
        }

    def _question_event(self) -> Event:
        cur = self._require()
        self.rt.scorer.prepare(cur.question)  # while the candidate reads and thinks
        return {
            "type": "question",
            "id": cur.question.id,
            "round": cur.question.round,
            "text": cur.question.prompt,
            "index": self.pos,
            "of": len(self.questions),
        }

    def _follow_up_event(self) -> Event:
        cur = self._require()
        return {"type": "follow_up", "text": cur.asked, "target": cur.target, "question_id": cur.question.id}


EventSink = Callable[[Event], None]
