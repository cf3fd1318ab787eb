"""A practice session and its turns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field

from simulator.contracts.base import Strict
from simulator.contracts.question import Round, Seniority
from simulator.contracts.scorecard import Scorecard

TurnKind = Literal["answer", "clarification", "hint", "skip", "command"]


def _now() -> datetime:
    return datetime.now(UTC)


class TurnUsage(Strict):
    """What scoring a turn cost: the prompt version, model tokens (none offline) and the time it took."""

    prompt_version: str | None = None
    prompt_tokens: int | None = Field(default=None, ge=0)
    completion_tokens: int | None = Field(default=None, ge=0)
    latency_ms: float | None = Field(default=None, ge=0)


class Turn(Strict):
    id: int | None = Field(default=None, description="database id, set by the store")
    index: int = Field(ge=0)
    question_id: str | None = None
    asked: str = Field(description="what the interviewer asked: a question or a follow-up")
    kind: TurnKind = "answer"
    answer: str = ""
    reply: str | None = Field(default=None, description="interviewer's reply to a clarification or hint")
    asked_at: datetime | None = None
    submitted_at: datetime = Field(default_factory=_now)
    meta: dict[str, Any] = Field(default_factory=dict, description="timings, hints used, follow-up target, fallbacks")
    turn_key: str | None = Field(
        default=None,
        max_length=64,
        description="made by the client for one submission; the store accepts a key once per session",
    )
    scorecard: Scorecard | None = None
    usage: TurnUsage | None = Field(default=None, description="set by the store beside the scorecard")


class Session(Strict):
    id: str
    owner: str = "local"
    rounds: list[Round] = Field(min_length=1)
    minutes: int = Field(default=45, ge=5, le=240)
    seniority: Seniority = "mid"
    job_description: str | None = None
    backend: str = "offline"
    model: str | None = None
    status: Literal["active", "finished", "abandoned"] = "active"
    question_ids: list[str] = Field(default_factory=list, description="the planned questions, in order")
    focus: str | None = None
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)
    turns: list[Turn] = Field(default_factory=list)

    def plan_json(self) -> dict[str, Any]:
        return {
            "rounds": list(self.rounds),
            "minutes": self.minutes,
            "seniority": self.seniority,
            "job_description": self.job_description,
            "question_ids": self.question_ids,
            "focus": self.focus,
        }
