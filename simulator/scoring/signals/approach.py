"""Hypotheticals ("what would you do"): diagnose first, an ordered plan, the right people, follow-up."""

from __future__ import annotations

import re

from simulator.scoring.analysis import Analysis, SentenceInfo
from simulator.scoring.levels import Signal, by_count, clamp, counted
from simulator.scoring.signals import signal

PLAN_STEP = re.compile(r"\b(?:i|we)(?:'d| would| will|'ll)\b|^(?:[-*•]|\d+[.)])\s|\bi (?:start|begin|check|ask|look)\b")


def _texts(sents: list[SentenceInfo]) -> list[str]:
    return [s.sentence.text for s in sents]


def _clauses(a: Analysis, cue: str, ladder: str) -> Signal:
    sents = a.matching(cue)
    sig = counted(_texts(sents), a.lex.ladder(ladder))
    sig.level = clamp(by_count(a.hits(sents, cue), a.lex.ladder(ladder)))
    return sig


@signal("diagnose_first")
def diagnose(a: Analysis) -> Signal:
    return _clauses(a, "diagnose_cues", "diagnose_first")


@signal("ordered_plan")
def plan(a: Analysis) -> Signal:
    steps = [s for s in a.prose if PLAN_STEP.search(s.lower) or a.lex.has("plan_markers", s.lower)]
    t = a.tuning.approach
    concrete = [s for s in steps if s.words >= t.plan_step_min_words]
    ordered = sum(1 for s in concrete if a.lex.has("plan_markers", s.lower))
    sig = counted(_texts(concrete), a.lex.ladder("ordered_plan"))
    if ordered == 0:  # many steps with no order to them
        sig.level = min(sig.level, t.unordered_plan_max)
    return sig


@signal("communication")
def communication(a: Analysis) -> Signal:
    return _clauses(a, "communication_cues", "communication")


@signal("prevention")
def prevention(a: Analysis) -> Signal:
    return _clauses(a, "prevention_cues", "prevention")
