"""Pick the follow-up: the weakest criterion or an uncovered key point, never a repeat, at most N a question."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from simulator.contracts import Question, Rubric, Scorecard

STRONG_OVERALL = 78
STRONG_COVERAGE = 0.8


@dataclass(frozen=True)
class FollowUpChoice:
    text: str
    target: str  # "key_point:3" or "rubric.criterion"


def _similar(a: str, asked: Collection[str]) -> bool:
    a_low = a.lower().strip()
    return any(a_low == b.lower().strip() for b in asked)


def choose(
    card: Scorecard,
    question: Question | None,
    rubrics: dict[str, Rubric],
    asked: Collection[str],
    covered_so_far: Collection[int],
    left: int,
) -> FollowUpChoice | None:
    """None means move on: the answer is solid, or no follow-ups remain, or nothing new is worth asking."""
    if left <= 0 or "empty_answer" in card.flags:
        return None
    if card.overall >= STRONG_OVERALL and (card.coverage is None or card.coverage >= STRONG_COVERAGE):
        return None
    weak = sorted(
        (
            (c.level, rid, cid)
            for rid, r in card.rubrics.items()
            if rid != "coverage"
            for cid, c in r.criteria.items()
            if c.level <= 2
        ),
    )
    covered = set(covered_so_far)
    if question is not None:
        for _, rid, cid in weak:  # the question's own probe for its weakest criterion
            for f in question.follow_ups:
                if f.criterion == f"{rid}.{cid}" and not _similar(f.text, asked):
                    return FollowUpChoice(f.text, f.criterion)
        for f in question.follow_ups:  # an uncovered key point
            if f.key_point is not None and f.key_point not in covered and not _similar(f.text, asked):
                return FollowUpChoice(f.text, f"key_point:{f.key_point}")
    for _, rid, cid in weak:  # the rubric's generic probe
        for probe in rubrics[rid].criterion(cid).probes:
            if not _similar(probe, asked):
                return FollowUpChoice(probe, f"{rid}.{cid}")
    return None
