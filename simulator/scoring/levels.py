"""What each signal returns, and helpers to turn counts into levels 1-5."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

LOWEST, TOP = 1, 5  # the 1-5 scale of every criterion (CriterionScore.level, rubrics/schema.json): not a tuning knob


@dataclass
class Signal:
    level: int
    evidence: list[str] = field(default_factory=list)
    gap: str = ""  # one sentence naming what is missing, used as feedback when the level is low

    def __post_init__(self) -> None:
        self.level = clamp(int(self.level))


def clamp(level: int) -> int:
    return max(LOWEST, min(TOP, level))


def by_count(n: int, steps: Sequence[int] = (1, 2, 3, 5)) -> int:
    """Level 1 for n below steps[0], then one level per threshold reached."""
    return 1 + sum(1 for s in steps if n >= s)


def quotes(items: Sequence[str], limit: int = 3, width: int = 220) -> list[str]:
    out = []
    for t in items:
        t = t.strip()  # verbatim: evidence must be findable in the answer as written
        if len(t) > width:
            t = t[:width].rsplit(" ", 1)[0]
        if t and t not in out:
            out.append(t)
        if len(out) >= limit:
            break
    return out


def counted(sentences: Sequence[str], steps: Sequence[int], limit: int = 3) -> Signal:
    """A level from how many sentences carry a criterion's cue, quoting them. Feedback for low levels comes
    from the criterion's advice in the rubric file."""
    return Signal(by_count(len(sentences), steps), quotes(sentences, limit))
