"""What the engine holds about the question being discussed, and the one error a resubmitted turn raises."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.contracts import Question, Turn
from simulator.interviewer.phases import PhaseState


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
