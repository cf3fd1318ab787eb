"""What flows from the interviewer to the screens: one discriminated union of typed events, told apart by `type`.

The engine emits only these; the terminal, the Practice and Review pages render them by attribute. The JSONL
stream of `mocksim practice --format jsonl` is `wire(event)`, one line per event: its keys and their order are
a contract (tests/test_events.py pins them), so a field is declared where it stands on the wire, and a field that
the stream carries only sometimes is listed in `omit_when_none`."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, TypeAdapter, model_serializer

from simulator.contracts import Scorecard

Index = Annotated[int, Field(ge=0)]  # a place, counted from 0
Count = Annotated[int, Field(ge=1)]


class Shape(BaseModel):
    """Unknown keys are refused; a field named in `omit_when_none` is left out of the dump while it is None."""

    model_config = ConfigDict(extra="forbid")
    omit_when_none: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _leave_out_absent(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return self._arranged({k: v for k, v in data.items() if v is not None or k not in self.omit_when_none})

    def _arranged(self, data: dict[str, Any]) -> dict[str, Any]:
        return data


# ------------------------------------------------------------------------------------------------ session
class ProbeAttempt(Shape):
    mode: str
    outcome: str
    detail: str


class StartupCheck(Shape):
    """LLM mode: the start-up probe of the endpoint's structured-output mode (`message` when it failed)."""

    omit_when_none = frozenset({"message"})
    ok: bool
    mode: str | None
    tried: list[ProbeAttempt]
    seconds: float
    error: str | None
    message: str | None = None


class SessionStarted(Shape):
    omit_when_none = frozenset({"requested_backend", "startup_check"})
    type: Literal["session"] = "session"
    id: str
    resumed: bool
    backend: str
    model: str | None
    structured_output: str | None
    rounds: list[str]
    minutes: int
    questions: list[str]
    requested_backend: str | None = None  # set by the CLI after a start-up check
    startup_check: StartupCheck | None = None


# ------------------------------------------------------------------------------------------ the interviewer
class QuestionAsked(Shape):
    """A main question of the round: the `index`-th of `of`."""

    type: Literal["question"] = "question"
    id: str
    round: str = Field(description="behavioral, coding, system_design or technical")
    text: str
    index: Index
    of: Count


class FollowUp(Shape):
    type: Literal["follow_up"] = "follow_up"
    text: str
    target: str | None
    question_id: str | None
    kind: Literal["probe", "deepening", "phase"] = "probe"
    phase: str | None = None


class Clarified(Shape):
    """The answer to a clarifying question, from the question's clarifications (`topic`: which one matched)."""

    type: Literal["clarification"] = "clarification"
    text: str
    topic: str | None = None
    question_id: str | None


class HintGiven(Shape):
    type: Literal["hint"] = "hint"
    text: str
    question_id: str | None


class Notice(Shape):
    """A word about the turn itself (empty, too long, already received, session over); nothing is scored."""

    omit_when_none = frozenset({"duplicate"})
    type: Literal["notice"] = "notice"
    text: str
    duplicate: bool | None = None


class ActionEvent(Shape):
    """A command the candidate used (/hint, /skip, /repeat, /end): an action, never their words."""

    type: Literal["action"] = "action"
    command: str
    text: str


class InterviewerEvent(Shape):
    """The interviewer's own words: an acknowledgement quoting the candidate, a transition or a closing line."""

    omit_when_none = frozenset({"question_id"})
    type: Literal["interviewer"] = "interviewer"
    kind: Literal["acknowledgement", "transition", "closing"]
    text: str
    question_id: str | None = None


class PhaseEvent(Shape):
    """A phased round moved into a phase."""

    type: Literal["phase"] = "phase"
    question_id: str
    phase: str
    name: str
    index: Index
    of: Count
    reached: list[str]
    text: str


# ------------------------------------------------------------------------------------------------ scores
class CriterionView(Shape):
    level: int
    evidence: list[str]
    feedback: str


class RubricView(Shape):
    score: float
    criteria: dict[str, CriterionView]


class CardView(Shape):
    """The public scorecard (`mocksim score --batch`) as a scorecard widget shows it."""

    overall: int
    rubrics: dict[str, RubricView]
    coverage: float | None
    flags: list[str]
    missing_points: list[str] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)


class Scored(Shape):
    """One answer's scorecard: the public scorecard between the turn and how it was scored."""

    omit_when_none = frozenset({"phases_reached"})
    type: Literal["scorecard"] = "scorecard"
    question_id: str | None
    turn: Index
    overall: int
    rubrics: dict[str, RubricView]
    coverage: float | None
    flags: list[str]
    missing_points: list[str]
    notices: list[str]
    backend: str
    fallback: str | None = None  # the reason kind when the model failed and the turn was scored offline
    fallback_reason: str | None = None
    fallback_notice: str | None = None  # that reason in words, the first time it happens in a session
    phases_reached: list[str] | None = None  # phased rounds only

    @classmethod
    def of(cls, card: Scorecard, question_id: str | None, turn: int, **how: Any) -> Scored:
        return cls.model_validate(
            {
                "question_id": question_id,
                "turn": turn,
                **card.public(),
                "missing_points": card.missing_points,
                "notices": card.notices,
                "backend": card.backend,
                **how,
            }
        )


# ----------------------------------------------------------------------------------------------- wrap-up
class Highlight(Shape):
    """The strongest or weakest criterion of a session, with the candidate's own quotes."""

    criterion: str
    name: str
    mean_level: float
    question_id: str
    quotes: list[str]
    feedback: str


class PhaseWalk(Shape):
    """Per phased question: which phases the conversation reached, of which."""

    round: str | None
    reached: list[str]
    of: list[str]
    missed: list[str]


class UsageReport(Shape):
    """Model requests, tokens and the cost estimate of a session (retries and estimates: LLM mode only)."""

    omit_when_none = frozenset({"model_retries", "tokens_estimated"})
    model_requests: int
    prompt_tokens: int
    completion_tokens: int
    median_prompt_tokens_per_turn: int = 0
    estimated_cost_usd: float | None = None
    encoding: str
    model_retries: int | None = None
    tokens_estimated: bool | None = None


class WrapUp(Shape):
    """The end of a session. From the engine it carries phases, usage and who scored; rebuilt from the stored
    turns (Review, Practice after a reload) it carries the counts and their label instead."""

    omit_when_none = frozenset(
        {"message", "drills_in_words", "main_questions", "answers_scored", "label", "phases", "usage", "scored_by"}
    )
    type: Literal["summary"] = "summary"
    session_id: str
    answered: int
    message: str | None = None  # no answers were scored
    overall_mean: float | None
    rubric_averages: dict[str, float]
    strongest: Highlight | None
    weakest: Highlight | None
    drills: list[str]
    drills_in_words: list[str] | None = None  # the same drills without ids, for screens
    next_focus: str | None
    main_questions: int | None = None
    answers_scored: int | None = None
    label: str | None = None
    phases: dict[str, PhaseWalk] | None = None
    usage: UsageReport | None = None
    scored_by: dict[str, int] | None = None

    def _arranged(self, data: dict[str, Any]) -> dict[str, Any]:
        """An empty wrap-up has always put `overall_mean` after `next_focus` on the wire; kept so."""
        if self.answered or "overall_mean" not in data or "next_focus" not in data:
            return data
        mean = data.pop("overall_mean")
        out: dict[str, Any] = {}
        for k, v in data.items():
            out[k] = v
            if k == "next_focus":
                out["overall_mean"] = mean
        return out


# ----------------------------------------------------------------------------------------------- unions
class CandidateSaid(Shape):
    """Not emitted by the engine: the chat's record of a stored candidate turn (answer or clarifying question)."""

    type: Literal["candidate"] = "candidate"
    text: str
    turn_id: int | None
    kind: Literal["answer", "clarification"] = "answer"
    follow_up: bool = False
    question_id: str | None = None
    asked: str | None = None


AnyEvent = (
    SessionStarted
    | QuestionAsked
    | FollowUp
    | Clarified
    | HintGiven
    | Notice
    | ActionEvent
    | InterviewerEvent
    | PhaseEvent
    | Scored
    | WrapUp
)
Event = Annotated[AnyEvent, Field(discriminator="type")]
EVENT: TypeAdapter[AnyEvent] = TypeAdapter(Event)
ChatEvent = Annotated[AnyEvent | CandidateSaid, Field(discriminator="type")]  # what the Practice chat shows


def wire(event: Shape) -> dict[str, Any]:
    """An event as one line of `mocksim practice --format jsonl` (before json.dumps)."""
    return event.model_dump(mode="json")
