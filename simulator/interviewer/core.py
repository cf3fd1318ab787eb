"""The interviewer's state and the small steps every turn uses: storing a turn once, the question being
discussed, and the events that say where the interview stands."""

from __future__ import annotations

from typing import Any, cast

from simulator.contracts import Question, Scorecard, Session, Turn
from simulator.errors import InputError
from simulator.interviewer.backends import Backend
from simulator.interviewer.budget import Usage
from simulator.interviewer.clock import Clock, WallClock
from simulator.interviewer.events import FollowUp, PhaseEvent, QuestionAsked, SessionStarted
from simulator.interviewer.phases import PhaseState
from simulator.interviewer.plan_data import load_interviewer_data
from simulator.interviewer.turn_state import Current, Duplicate
from simulator.interviewer.voice import Voice, load_voice
from simulator.runtime import Runtime
from simulator.store import SessionStore


class InterviewerCore:
    def __init__(
        self,
        rt: Runtime,
        backend: Backend,
        store: SessionStore,
        owner: str,
        max_follow_ups: int | None = None,
        clock: Clock | None = None,
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
        self.turn_key: str | None = None  # the key of the submission being handled
        self.phase_log: dict[str, PhaseState] = {}
        self.model_words: str | None = None  # LLM mode: the model's transition or closing line for this turn

    @property
    def session_id(self) -> str:
        return self.session.id if self.session else ""

    def _minutes(self) -> float:
        return float(self.session.minutes if self.session else 45)

    def _require(self) -> Current:
        if self.current is None or self.session is None:
            raise InputError("the session has not started")
        return self.current

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

    def _store(self, kind: str, text: str, reply: str | None = None, meta: dict[str, Any] | None = None) -> Turn:
        """Store the turn once: a key the store already holds raises Duplicate (nothing else happens)."""
        cur = self._require()
        assert self.session is not None
        full = {"q_pos": self.pos, "follow_up_no": cur.follow_ups, **(meta or {})}
        key, self.turn_key = self.turn_key, None
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

    # ----------------------------------------------------------------- events
    def _session_event(self, resumed: bool) -> SessionStarted:
        assert self.session is not None
        return SessionStarted(
            id=self.session.id,
            resumed=resumed,
            backend=self.backend.name,
            model=self.backend.model,
            structured_output=getattr(getattr(self.backend, "caller", None), "working_mode", None),
            rounds=list(self.session.rounds),
            minutes=self.session.minutes,
            questions=[q.id for q in self.questions],
        )

    def _question_event(self) -> QuestionAsked:
        cur = self._require()
        self.rt.scorer.prepare(cur.question)  # while the candidate reads and thinks
        return QuestionAsked(
            id=cur.question.id,
            round=cur.question.round,
            text=cur.question.prompt,
            index=self.pos,
            of=len(self.questions),
        )

    def _follow_up_event(self) -> FollowUp:
        cur = self._require()
        phase = cur.phases.phases[cur.phases.current].id if cur.phases else None
        return FollowUp(
            text=cur.asked,
            target=cur.target,
            question_id=cur.question.id,
            kind=cast(Any, cur.kind),
            phase=phase,
        )

    def _asked_event(self) -> FollowUp | QuestionAsked:
        """What the interviewer is waiting on: the open follow-up or the question."""
        cur = self._require()
        return self._follow_up_event() if cur.follow_ups and cur.target else self._question_event()

    def _phase_event(self) -> PhaseEvent:
        cur = self._require()
        st = cur.phases
        assert st is not None
        p = st.phases[st.current]
        return PhaseEvent(
            question_id=cur.question.id,
            phase=p.id,
            name=p.name,
            index=st.current,
            of=len(st.phases),
            reached=st.names(),
            text=self.voice.phase(p.name, self.session_id, cur.question.id, p.id),
        )
