"""Typed shapes of the events this engine added for the listening interviewer. They are emitted as plain
dicts (`wire`), so the JSONL stream of `mocksim practice --format jsonl` keeps its exact form; older event
types are unchanged."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActionEvent(_Event):
    """A command the candidate used (/hint, /skip, /repeat, /end): an action, never their words."""

    type: Literal["action"] = "action"
    command: str
    text: str


class InterviewerEvent(_Event):
    """The interviewer's own words: an acknowledgement quoting the candidate, a transition or a closing line."""

    type: Literal["interviewer"] = "interviewer"
    kind: Literal["acknowledgement", "transition", "closing"]
    text: str
    question_id: str | None = None


class PhaseEvent(_Event):
    """A phased round moved into a phase."""

    type: Literal["phase"] = "phase"
    question_id: str
    phase: str
    name: str
    index: int = Field(ge=0)
    of: int = Field(ge=1)
    reached: list[str]
    text: str


NewEvent = Annotated[ActionEvent | InterviewerEvent | PhaseEvent, Field(discriminator="type")]
NEW_EVENT = TypeAdapter(NewEvent)


def wire(event: ActionEvent | InterviewerEvent | PhaseEvent) -> dict[str, Any]:
    """The dict written to the stream; None fields are kept out so the lines stay short."""
    return event.model_dump(exclude_none=True)
