"""Pick the follow-up: the weakest criterion or an uncovered key point, never a repeat, at most N a question."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from simulator.contracts import Question, Rubric, Scorecard

STRONG_OVERALL = 78
STRONG_COVERAGE = 0.8
SAME_PROBE = 0.7  # word overlap (Jaccard) at which two probes ask the same thing
_STOP = frozenset(
    "a an and are at do does for how i in is it of on or the this that to what when why with you your".split()
)


@dataclass(frozen=True)
class FollowUpChoice:
    text: str
    target: str  # "key_point:3" or "rubric.criterion"


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP)


def already_asked(probe: str, asked: Collection[str]) -> bool:
    """True when `probe` repeats one of `asked`: the same words, or nearly the same content words."""
    mine = _content_words(probe)
    for other in asked:
        theirs = _content_words(other)
        if probe.lower().strip() == other.lower().strip():
            return True
        if mine and theirs and len(mine & theirs) / len(mine | theirs) >= SAME_PROBE:
            return True
    return False


def covered_target(target: str | None, covered: Collection[int]) -> bool:
    """True when a follow-up aims at a key point ("key_point:3") the candidate has already covered."""
    if not target or not target.startswith("key_point:"):
        return False
    index = target.split(":", 1)[1]
    return index.isdigit() and int(index) in covered


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
                if f.criterion == f"{rid}.{cid}" and not already_asked(f.text, asked):
                    return FollowUpChoice(f.text, f.criterion)
        for f in question.follow_ups:  # an uncovered key point
            if f.key_point is not None and f.key_point not in covered and not already_asked(f.text, asked):
                return FollowUpChoice(f.text, f"key_point:{f.key_point}")
    for _, rid, cid in weak:  # the rubric's generic probe
        for probe in rubrics[rid].criterion(cid).probes:
            if not already_asked(probe, asked):
                return FollowUpChoice(probe, f"{rid}.{cid}")
    return None
