"""Interviewer backends, one interface, one per registered provider (simulator/llm/registry.py): the
offline engine for a provider without a model (offline, the default), else an LLMBackend on its ChatModel.

Every backend gets the same TurnContext and returns a TurnResult. LLM backends make exactly one model
request per candidate turn (two only when a reply must be repaired, or a 5xx retried), run the offline scorer
beside the model, and fall back to the offline engine for that turn when the model fails. A failure of the
endpoint itself (unreachable, refused key, unknown model, no usable mode, two timeouts in a row) turns the
model off for the rest of the session. The first time each reason occurs, the turn carries it in words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal, Protocol

from simulator.contracts import Question, Scorecard
from simulator.interviewer.evidence import AnswerEvidence, EvidenceCheck
from simulator.interviewer.followups import FollowUpChoice, Situation, already_asked, covered_target, plan_next
from simulator.interviewer.phases import PhaseState
from simulator.interviewer.plan_data import InterviewerData, load_interviewer_data
from simulator.llm import ChatModel, ModelError, get_chat_model, get_provider
from simulator.llm.base import OnText
from simulator.llm.explain import SESSION_WIDE, describe
from simulator.llm.judge import judge_turn
from simulator.llm.negotiate import EndpointMemory, ProbeResult
from simulator.llm.structured import StructuredCaller
from simulator.prompts import load_prompts
from simulator.runtime import Runtime
from simulator.tokens import count_tokens

MAX_SAYS = 600  # a runaway reply is cut; the interviewer speaks in a sentence or two
Move = Literal["follow_up", "next_question", "wrap_up"]


@dataclass
class TurnContext:
    question: Question | None
    question_text: str
    answer: str  # everything said for this question so far
    history: str
    follow_ups_left: int
    asked_probes: list[str]
    covered_so_far: set[int]
    deepened: bool = False  # this question has had its deepening probe
    phases: PhaseState | None = None  # phased rounds (design, coding): where the walk stands
    now: float = 0.0  # clock minutes


@dataclass
class TurnResult:
    scorecard: Scorecard
    move: Move
    follow_up: FollowUpChoice | None
    says: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    latency_ms: float = 0.0
    prompt_version: str | None = None
    fallback: str | None = None
    meta: dict[str, object] = field(default_factory=dict)
    notice: str | None = None  # the fallback reason in words, the first time it happens in a session
    acknowledgement: str = ""  # LLM mode: the model's short acknowledgement quoting the candidate
    evidence: AnswerEvidence | None = None


class Backend(Protocol):
    name: str
    model: str | None

    def turn(self, ctx: TurnContext, on_text: OnText | None = None) -> TurnResult: ...


class OfflineBackend:
    name = "offline"
    model: str | None = None

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime
        self.data: InterviewerData = load_interviewer_data(runtime.settings.rubrics_dir)
        self._check: EvidenceCheck | None = None

    @property
    def check(self) -> EvidenceCheck:
        if self._check is None:
            self._check = EvidenceCheck(self.rt.scorer, self.data.evidence)
        return self._check

    def offline_card(self, ctx: TurnContext) -> Scorecard:
        if ctx.question is not None:
            return self.rt.scorer.score(ctx.answer, question=ctx.question)
        return self.rt.scorer.score(ctx.answer, question_text=ctx.question_text)

    def situation(self, ctx: TurnContext, evidence: AnswerEvidence) -> Situation:
        return Situation(
            ctx.question,
            list(ctx.asked_probes),
            evidence,
            ctx.follow_ups_left,
            ctx.deepened,
            ctx.phases,
            ctx.now,
        )

    def turn(self, ctx: TurnContext, on_text: OnText | None = None) -> TurnResult:
        start = time.perf_counter()
        card = self.offline_card(ctx)
        evidence = self.check.read(ctx.question, ctx.answer, card, ctx.covered_so_far)
        pick = plan_next(card, self.situation(ctx, evidence), self.rt.rubrics, self.data)
        says = pick.text if pick else "Thanks, let's move on."
        if on_text is not None:
            on_text(says)
        return TurnResult(
            card,
            "follow_up" if pick else "next_question",
            pick,
            says,
            latency_ms=(time.perf_counter() - start) * 1000,
            evidence=evidence,
        )


class LLMBackend:
    def __init__(
        self, runtime: Runtime, model: ChatModel, structured_output: str = "auto", name: str | None = None
    ) -> None:
        self.name = name or model.provider  # the registered provider: recorded on the session and each card
        self.rt = runtime
        self.chat = model
        self.model: str | None = model.model
        settings = runtime.settings
        prompts = load_prompts(settings.prompts_dir)
        self.prompt = prompts["judge_turn"]
        self.caller = StructuredCaller(
            model,
            structured_output,
            prompts["repair_json"],
            memory=EndpointMemory(settings.home),
            timeout=settings.llm_timeout,
            timeout_cap=settings.llm_timeout_cap,
        )
        self.offline = OfflineBackend(runtime)
        self.endpoint = str(getattr(model, "endpoint", model.provider))
        self.disabled: tuple[str, str] | None = None  # (kind, detail): the model is off for this session
        self._told: set[str] = set()
        self._timeouts = 0
        self._seen = model.ledger.snapshot() if hasattr(model, "ledger") else (0, 0, 0, 0)
        self.startup = (0, 0, 0)  # requests and tokens of the start-up check, counted once by the session

    def prepare(self) -> ProbeResult:
        """The start-up check: find (or recall) the structured-output mode. A failure turns the model off."""
        result = self.caller.negotiate()
        self.startup = self._wire()
        if result.mode is None:
            err = result.error
            kind = err.kind if err is not None else "unsupported"  # any failure of the tiny probe
            self.disabled = (kind, err.message if err is not None else "")
            self._told.add(kind)  # the caller reports it before the first question
        return result

    def explain(self, kind: str, detail: str, session_wide: bool) -> str:
        return describe(kind, detail, self.endpoint, self.model or "", session_wide)

    def _wire(self) -> tuple[int, int, int]:
        """HTTP requests and tokens since the last turn (the start-up probe counts with the first turn)."""
        if not hasattr(self.chat, "ledger"):
            return 0, 0, 0
        now = self.chat.ledger.snapshot()
        before, self._seen = self._seen, now
        return now[0] - before[0], now[2] - before[2], now[3] - before[3]

    def turn(self, ctx: TurnContext, on_text: OnText | None = None) -> TurnResult:
        start = time.perf_counter()
        base = self.offline.turn(ctx)  # runs beside the model; also the fallback
        if self.disabled is not None:
            return self._fallback(base, ctx, on_text, start, *self.disabled, session_wide=True)
        try:
            j = judge_turn(
                self.caller,
                self.prompt,
                self.rt.rubrics,
                ctx.question,
                ctx.question_text,
                ctx.answer,
                base.scorecard,
                ctx.history,
                ctx.follow_ups_left,
                ctx.asked_probes,
                on_text,
                backend=self.name,
            )
        except ModelError as exc:
            self._timeouts = self._timeouts + 1 if exc.kind == "timeout" else 0
            wide = exc.kind in SESSION_WIDE or self._timeouts >= 2
            if wide:
                self.disabled = (exc.kind, exc.message)
            return self._fallback(base, ctx, on_text, start, exc.kind, exc.message, session_wide=wide)
        self._timeouts = 0
        requests, prompt_in, completion = self._wire()
        if "empty_answer" not in j.scorecard.flags:  # the same calibrated map from levels to overall as offline
            j.scorecard = j.scorecard.model_copy(
                update={"overall": self.rt.scorer.overall_of(j.scorecard.intent, j.scorecard.rubrics)}
            )
        move: Move = j.reply.next_move
        follow: FollowUpChoice | None = None
        says = j.reply.interviewer_says.strip()[:MAX_SAYS]
        structural = base.follow_up is not None and base.follow_up.kind != "probe"
        if structural:  # a deepening probe or a phase step: the round's shape is the code's to keep
            follow, move, says = base.follow_up, "follow_up", base.says
        elif move == "follow_up":
            evidence = base.evidence or AnswerEvidence()
            target = self.offline.check.target_of(ctx.question, says, j.reply.follow_up_target)
            covered = ctx.covered_so_far | set(j.scorecard.covered_points) | set(j.reply.covered_key_points)
            stale = (
                already_asked(says, ctx.asked_probes) or covered_target(target, covered) or evidence.holds(target, says)
            )
            if ctx.follow_ups_left <= 0 or not says or stale:
                follow, move = base.follow_up, base.move  # the code-side rules win
                says = base.says
            else:
                follow = FollowUpChoice(says, target or "model")
        elif base.follow_up is not None and ctx.phases is not None:
            follow, move, says = base.follow_up, "follow_up", base.says  # a phased round keeps walking
        prompt_tokens = prompt_in or j.prompt_tokens or count_tokens(ctx.answer + ctx.history, self.model)
        return TurnResult(
            j.scorecard,
            move,
            follow,
            says or base.says,
            prompt_tokens,
            completion or j.completion_tokens,
            requests or j.requests,
            (time.perf_counter() - start) * 1000,
            self.prompt.version,
            meta={"structured_output": j.mode, "repaired": j.repaired, "backend": self.name},
            acknowledgement=j.reply.acknowledgement.strip()[:MAX_SAYS],
            evidence=base.evidence,
        )

    def _fallback(
        self,
        base: TurnResult,
        ctx: TurnContext,
        on_text: OnText | None,
        start: float,
        kind: str,
        detail: str,
        session_wide: bool,
    ) -> TurnResult:
        requests, prompt_in, completion = self._wire()
        card = base.scorecard.model_copy(
            update={
                "flags": [*base.scorecard.flags, "backend_fallback"],
                "notices": [*base.scorecard.notices, f"model unavailable ({kind}); scored offline"],
                "backend": "offline",
            }
        )
        if on_text is not None:
            on_text(base.says)
        notice = None if kind in self._told else self.explain(kind, detail, session_wide)
        self._told.add(kind)
        return TurnResult(
            card,
            base.move,
            base.follow_up,
            base.says,
            prompt_tokens=prompt_in,
            completion_tokens=completion,
            requests=requests,
            latency_ms=(time.perf_counter() - start) * 1000,
            prompt_version=self.prompt.version,
            fallback=kind,
            meta={"fallback_reason": detail[:300], "backend": "offline"},
            notice=notice,
            evidence=base.evidence,
        )


def get_backend(name: str, rt: Runtime, model: ChatModel | None = None) -> Backend:
    """The interviewer for a registered provider: the offline engine when it has no model, else the model
    (`model` given, or built by the provider from the settings) with the offline engine beside it."""
    provider = get_provider(name)
    if not provider.capabilities.structured_output:
        return OfflineBackend(rt)
    chat = model or get_chat_model(name, rt.settings)
    return LLMBackend(rt, chat, rt.settings.structured_output, name=name)
