"""Pick the next probe. The answer so far is read first: a probe whose target already has evidence is never
asked, a repeat is never asked, a strong answer gets one deepening probe, and a phased round (design, coding)
walks its phases. The question's probe list is a fallback, not the plan."""

from __future__ import annotations

import copy
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from simulator.contracts import Question, Rubric, Scorecard
from simulator.interviewer.evidence import AnswerEvidence
from simulator.interviewer.phases import PhaseState, steer_text
from simulator.interviewer.plan_data import InterviewerData

SAME_PROBE = 0.7  # word overlap (Jaccard) at which two probes ask the same thing
_STOP = frozenset(
    "a an and are at do does for how i in is it of on or the this that to what when why with you your".split()
)
ProbeKind = Literal["probe", "deepening", "phase"]


@dataclass(frozen=True)
class FollowUpChoice:
    text: str
    target: str  # "key_point:3", "rubric.criterion", "deepening" or "phase:deep_dive"
    kind: ProbeKind = "probe"
    phase: str | None = None  # the phase this moves into (phased rounds)


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
    return AnswerEvidence(mentioned=set(covered)).holds(target) if target and target.startswith("key_point:") else False


def is_strong(card: Scorecard, data: InterviewerData) -> bool:
    t = data.evidence
    if "empty_answer" in card.flags:
        return False
    return card.overall >= t.strong_overall and (card.coverage is None or card.coverage >= t.strong_coverage)


def choose(
    card: Scorecard,
    question: Question | None,
    rubrics: dict[str, Rubric],
    asked: Collection[str],
    covered_so_far: Collection[int] | AnswerEvidence,
    left: int,
    only: Collection[str] | None = None,
) -> FollowUpChoice | None:
    """A probe for what the answer lacks, or None. `only` limits the criteria (a phase's own)."""
    if left <= 0 or "empty_answer" in card.flags:
        return None
    ev = covered_so_far if isinstance(covered_so_far, AnswerEvidence) else AnswerEvidence(mentioned=set(covered_so_far))
    weak = sorted(
        (c.level, rid, cid)
        for rid, r in card.rubrics.items()
        if rid != "coverage"
        for cid, c in r.criteria.items()
        if c.level <= 2 and (only is None or f"{rid}.{cid}" in only) and not ev.holds(f"{rid}.{cid}")
    )

    def fresh(text: str, target: str) -> bool:
        return not already_asked(text, asked) and not ev.holds(target, text)

    if question is not None:
        for _, rid, cid in weak:  # the question's own probe for its weakest criterion
            for f in question.follow_ups:
                if f.criterion == f"{rid}.{cid}" and fresh(f.text, f.criterion):
                    return FollowUpChoice(f.text, f.criterion)
        if only is None:
            for f in question.follow_ups:  # a key point the answer has not touched, in any words
                target = f"key_point:{f.key_point}"
                if f.key_point is not None and fresh(f.text, target):
                    return FollowUpChoice(f.text, target)
    for _, rid, cid in weak:  # the rubric's generic probe
        for probe in rubrics[rid].criterion(cid).probes:
            if fresh(probe, f"{rid}.{cid}"):
                return FollowUpChoice(probe, f"{rid}.{cid}")
    return None


def deepening(
    question: Question | None, card: Scorecard, data: InterviewerData, asked: Collection[str]
) -> FollowUpChoice | None:
    """One probe past a strong answer: the question's own deepening probes, then the rubrics' generic ones."""
    own = list(question.deepening) if question is not None else []
    generic = [p for rid in card.rubrics for p in data.deepening.rubrics.get(rid, [])]
    for text in [*own, *generic]:
        if not already_asked(text, asked):
            return FollowUpChoice(text, "deepening", "deepening")
    return None


@dataclass
class Situation:
    """What the engine knows beside the scorecard when it picks the next move."""

    question: Question | None
    asked: list[str]
    evidence: AnswerEvidence
    left: int
    deepened: bool = False
    phases: PhaseState | None = None
    now: float = 0.0


def plan_next(
    card: Scorecard, s: Situation, rubrics: dict[str, Rubric], data: InterviewerData
) -> FollowUpChoice | None:
    """The next move for this question; None moves on."""
    if "empty_answer" in card.flags:
        return None
    strong = is_strong(card, data)
    if s.phases is None or s.question is None:
        if strong:
            return None if s.deepened or s.left <= 0 else deepening(s.question, card, data, s.asked)
        return choose(card, s.question, rubrics, s.asked, s.evidence, s.left)
    st = copy.deepcopy(s.phases)
    st.absorb(card, data.evidence.criterion_level)
    out_of_time = s.now - st.started >= st.minutes
    if out_of_time:  # the question's minutes are spent: close the design with its summary, once
        last = st.phases[-1]
        if last.id in st.steered:
            return None
        return FollowUpChoice(steer_text(last, s.question), f"phase:{last.id}", "phase", last.id)
    if strong and not s.deepened and s.left > 0:
        dive = next((p for p in st.phases if p.source in ("deep_dives", "edge_cases")), None)
        if dive is not None and dive.id not in st.reached:
            return FollowUpChoice(steer_text(dive, s.question), f"phase:{dive.id}", "deepening", dive.id)
        pick = deepening(s.question, card, data, s.asked)
        if pick is not None:
            return pick
    if not st.runs_long(s.now):
        current = st.phases[st.current]
        pick = choose(card, s.question, rubrics, s.asked, s.evidence, s.left, only=current.criteria)
        if pick is not None and current.criteria:
            return FollowUpChoice(pick.text, pick.target, "probe", current.id)
    nxt = st.next_unreached()
    if nxt is None:
        return None
    used = sum(1 for a in s.asked if a.startswith(nxt.steer.split("{")[0][:20]))
    return FollowUpChoice(steer_text(nxt, s.question, used), f"phase:{nxt.id}", "phase", nxt.id)
