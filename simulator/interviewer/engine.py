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
from simulator.interviewer.events import ActionEvent, InterviewerEvent, PhaseEvent, wire
from simulator.interviewer.intents import classify
from simulator.interviewer.phases import PhaseState
from simulator.interviewer.plan_data import load_interviewer_data
from simulator.interviewer.voice import Voice, load_voice
from simulator.interviewer.wrapup import phases_summary, summarise
from simulator.llm.base import OnText
from simulator.runtime import Runtime
from simulator.store import SessionStore
from simulator.tokens import encoding_for

Event = dict[str, Any]
ACTIONS = {
    "hint": "asked for a hint",
    "skip": "skipped the question",
    "repeat": "asked to hear it again",
    "end": "ended the session",
}
DUPLICATE = "That submission was already received, so it was not stored or scored twice."
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
    kind: str = "probe"  # of the open follow-up: probe | deepening | phase
    mentioned: set[int] = field(default_factory=set)  # key points said in any words (evidence check)
    deepened: bool = False
    phases: PhaseState | None = None


class Duplicate(Exception):
    def __init__(self, turn: Turn) -> None:
        super().__init__(f"turn {turn.index} already stored")
        self.turn = turn


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
        self.data = load_interviewer_data(rt.settings.rubrics_dir)
        self.voice = Voice(load_voice(rt.settings.prompts_dir))
        self.turn_keys: set[str] = set()
        self.phase_log: dict[str, PhaseState] = {}
        self.model_words: str | None = None  # LLM mode: the model's transition or closing line for this turn

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
        self.current = self._new_current(0)
        self._count_startup()
        return [self._session_event(False), self._question_event()]

    def _count_startup(self) -> None:
        """The start-up check's requests (a probe per mode tried) are real requests: the wrap-up counts them."""
        requests, prompt, completion = getattr(self.backend, "startup", (0, 0, 0))
        self.usage.requests += requests
        self.usage.prompt_tokens += prompt
        self.usage.completion_tokens += completion

    def _new_current(self, pos: int) -> Current:
        q = self.questions[pos]
        cur = Current(q, q.prompt)
        phases = self.data.round_phases(q.round)
        if phases:
            now = self.clock()
            per_question = self._minutes() / max(1, len(self.questions))
            cur.phases = PhaseState(phases, per_question, started=now, entered_at=now)
            self.phase_log[q.id] = cur.phases
        return cur

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
            events.append(
                self._follow_up_event() if self.current.follow_ups and self.current.target else self._question_event()
            )
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
            return [{"type": "notice", "text": DUPLICATE, "duplicate": True}]
        self.turn_key = turn_key
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
            name = intent.command or ""
            action = wire(ActionEvent(command=name, text=ACTIONS.get(name, name)))
            if name == "repeat" and turn_key is not None:
                self.turn_keys.add(turn_key)
            try:
                return [action, *self._command(name, text)]
            except Duplicate:
                return [{"type": "notice", "text": DUPLICATE, "duplicate": True}]
        try:
            if intent.kind == "clarification":
                return self._clarify(text)
            return self._answer(text, on_text)
        except Duplicate:
            return [{"type": "notice", "text": DUPLICATE, "duplicate": True}]

    def _require(self) -> Current:
        if self.current is None or self.session is None:
            raise InputError("the session has not started")
        return self.current

    def _store(self, kind: str, text: str, reply: str | None = None, meta: dict[str, Any] | None = None) -> Turn:
        """Store the turn once: a key the store already holds raises Duplicate (nothing else happens)."""
        cur = self._require()
        assert self.session is not None
        full = {"q_pos": self.pos, "follow_up_no": cur.follow_ups, **(meta or {})}
        key = getattr(self, "turn_key", None)
        self.turn_key = None
        turn, created = self.store.add_turn_once(
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
                turn_key=key,
            ),
        )
        if key is not None:
            self.turn_keys.add(key)
        if not created:
            raise Duplicate(turn)
        return turn

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
        said = cur.covered | cur.mentioned
        missing = [i for i in range(len(cur.question.key_points)) if i not in said]
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
            cur.deepened,
            cur.phases if self.max_follow_ups > 0 else None,  # no follow-ups at all: no phase walk either
            self.clock(),
        )
        result = self.backend.turn(ctx, on_text)
        card = result.scorecard
        if result.evidence is not None:
            cur.mentioned |= result.evidence.mentioned
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
        evidence = [q for r in card.rubrics.values() for c in r.criteria.values() for q in c.evidence]
        evidence = [q for q in evidence if q in turn.answer]  # quote this turn's words, not an earlier one's
        ack = result.acknowledgement or self.voice.acknowledge(turn.answer, evidence, self.session_id, turn.index)
        modelled = result.requests > 0 and result.fallback is None and bool(result.says)
        self.model_words = result.says if modelled and move != "follow_up" else None
        self.store.update_turn_meta(
            self.owner,
            turn.id,
            {
                "move": move,
                "follow_up": follow.text if follow else None,
                "follow_up_target": follow.target if follow else None,
                "follow_up_kind": follow.kind if follow else None,
                "follow_up_phase": follow.phase if follow else None,
                "phases_reached": list(cur.phases.reached) if cur.phases else None,
                "acknowledgement": ack,
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
        if cur.phases is not None:
            event["phases_reached"] = cur.phases.names()
        said = wire(InterviewerEvent(kind="acknowledgement", text=ack, question_id=cur.question.id))
        moved = self._apply_move(
            move,
            follow.text if follow else None,
            follow.target if follow else None,
            kind=follow.kind if follow else "probe",
            phase=follow.phase if follow else None,
        )
        return [event, said, *moved]

    def _absorb(self, card: Scorecard, asked: str, answer: str) -> None:
        cur = self._require()
        cur.covered |= set(card.covered_points)
        if cur.phases is not None:
            cur.phases.absorb(card, self.data.evidence.criterion_level)
        self.final_cards[cur.question.id] = card
        weakest = min(
            ((c.level, f"{r}.{k}") for r, rs in card.rubrics.items() for k, c in rs.criteria.items()), default=(0, "-")
        )[1]
        self.summary_lines.append(f"- {cur.question.id}: overall {card.overall}, weakest {weakest}")
        self.recent.append((asked, answer))

    def _apply_move(
        self,
        move: str,
        follow_text: Any,
        target: Any,
        emit: bool = True,
        kind: str = "probe",
        phase: Any = None,
    ) -> list[Event]:
        cur = self._require()
        if move == "wrap_up":
            return self.wrap_up() if emit else self._finish_quietly()
        if move == "follow_up" and isinstance(follow_text, str) and follow_text:
            out: list[Event] = []
            if kind != "phase":
                cur.follow_ups += 1
            if kind == "deepening":
                cur.deepened = True
            if isinstance(phase, str) and cur.phases is not None and phase in cur.phases.ids():
                entering = phase not in cur.phases.steered and cur.phases.ids()[cur.phases.current] != phase
                if kind != "probe" and entering:
                    cur.phases.enter(phase, self.clock())
                    out.append(self._phase_event())
            cur.asked = follow_text
            cur.target = str(target) if target else None
            cur.kind = kind
            self.asked_probes.append(follow_text)
            return [*out, self._follow_up_event()] if emit else []
        return self._advance(emit)

    def _advance(self, emit: bool = True) -> list[Event]:
        self.pos += 1
        if self.pos >= len(self.questions):
            return self.wrap_up() if emit else self._finish_quietly()
        self.current = self._new_current(self.pos)
        if not emit:
            return []
        words, self.model_words = self.model_words, None
        text = words or self.voice.transition(self.session_id, self.pos)
        return [wire(InterviewerEvent(kind="transition", text=text)), self._question_event()]

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
        summary["phases"] = phases_summary(self.phase_log, {q.id: q.round for q in self.questions})
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
        words, self.model_words = self.model_words, None
        closing = words or self.voice.closing(self.session.id)
        return [
            wire(InterviewerEvent(kind="closing", text=closing)),
            {"type": "summary", "session_id": self.session.id, **summary},
        ]

    @property
    def session_id(self) -> str:
        return self.session.id if self.session else ""

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
        phase = cur.phases.phases[cur.phases.current].id if cur.phases else None
        return {
            "type": "follow_up",
            "text": cur.asked,
            "target": cur.target,
            "question_id": cur.question.id,
            "kind": cur.kind,
            "phase": phase,
        }

    def _phase_event(self) -> Event:
        cur = self._require()
        st = cur.phases
        assert st is not None
        p = st.phases[st.current]
        return wire(
            PhaseEvent(
                question_id=cur.question.id,
                phase=p.id,
                name=p.name,
                index=st.current,
                of=len(st.phases),
                reached=st.names(),
                text=self.voice.phase(p.name, self.session_id, cur.question.id, p.id),
            )
        )


EventSink = Callable[[Event], None]
