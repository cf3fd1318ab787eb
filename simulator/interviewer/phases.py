"""Phased rounds: a design round walks requirements → estimates → high-level design → deep dive → failure and
scale → summary; a coding round clarify → approach → complexity → edge cases → tests. Each phase has a share
of the question's minutes; when one runs long the interviewer steers to the next phase."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.contracts import Question, Scorecard
from simulator.interviewer.plan_data import Phase


@dataclass
class PhaseState:
    phases: list[Phase]
    minutes: float  # this question's minutes: the round's minutes over its questions
    started: float = 0.0  # clock minutes when the question was asked
    current: int = 0
    entered_at: float = 0.0
    reached: list[str] = field(default_factory=list)  # phase ids, in the order they were reached
    steered: set[str] = field(default_factory=set)

    def ids(self) -> list[str]:
        return [p.id for p in self.phases]

    def absorb(self, card: Scorecard, criterion_level: int) -> None:
        """Mark the phases the answers so far show: one of the phase's criteria quoted at the level."""
        for p in self.phases:
            if p.id in self.reached:
                continue
            for key in p.criteria:
                rid, cid = key.split(".", 1)
                c = card.rubrics.get(rid, None)
                crit = c.criteria.get(cid) if c is not None else None
                if crit is not None and crit.level >= criterion_level and crit.evidence:
                    self.reached.append(p.id)
                    break
        self._order()

    def enter(self, phase_id: str, now: float) -> None:
        self.steered.add(phase_id)
        if phase_id not in self.reached:
            self.reached.append(phase_id)
        self.current = self.ids().index(phase_id)
        self.entered_at = now
        self._order()

    def _order(self) -> None:
        order = self.ids()
        self.reached.sort(key=order.index)

    def runs_long(self, now: float) -> bool:
        """True when the current phase has had its share of the question's minutes."""
        return now - self.entered_at >= self.phases[self.current].share * self.minutes

    def next_unreached(self) -> Phase | None:
        """The first phase after the current one that the answers have not reached yet."""
        for p in self.phases[self.current + 1 :]:
            if p.id not in self.reached:
                return p
        return None

    def done(self) -> bool:
        return self.phases[-1].id in self.steered or all(p.id in self.reached for p in self.phases)

    def names(self) -> list[str]:
        by_id = {p.id: p.name for p in self.phases}
        return [by_id[i] for i in self.reached]

    def phase(self, phase_id: str) -> Phase:
        return next(p for p in self.phases if p.id == phase_id)


def steer_text(phase: Phase, question: Question, used: int = 0) -> str:
    """What the interviewer says to move into `phase`; a `{topic}` comes from the question's own data."""
    if phase.source is None:
        return phase.steer
    topics: list[str] = []
    if phase.source in ("deep_dives", "failure_modes") and question.design is not None:
        topics = list(getattr(question.design, phase.source))
    if phase.source == "edge_cases" and question.coding is not None:
        topics = list(question.coding.edge_cases)
    if not topics:
        return phase.steer.replace("{topic}", "the hardest part")
    topic = topics[used % len(topics)].rstrip(".")
    return phase.steer.replace("{topic}", topic[:1].lower() + topic[1:])
