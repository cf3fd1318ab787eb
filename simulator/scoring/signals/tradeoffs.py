"""Tradeoffs: alternatives named, their costs, a justification tied to requirements, failure handling."""

from __future__ import annotations

from simulator.scoring.analysis import Analysis
from simulator.scoring.levels import Signal, by_count, quotes
from simulator.scoring.signals import signal


def _cue_signal(a: Analysis, cue: str, gap: str) -> Signal:
    sents = a.matching(cue)
    level = by_count(a.hits(sents, cue), a.lex.ladder("tradeoff_cues"))
    return Signal(level, quotes([s.sentence.text for s in sents]), a.tuning.gap(level, gap))


@signal("alternatives_named")
def alternatives(a: Analysis) -> Signal:
    return _cue_signal(a, "alternatives", "Name the other options you considered and why you did not pick them.")


@signal("costs_risks")
def costs(a: Analysis) -> Signal:
    return _cue_signal(a, "costs", "Say what your choice costs: latency, complexity, money, consistency or risk.")


@signal("requirement_links")
def justification(a: Analysis) -> Signal:
    sents = a.matching("justification")
    linked = [s for s in sents if s.quantities or a.lex.contains("requirement_links", s.lower)]
    unlinked = len(sents) >= a.tuning.tradeoffs.unlinked_min_sentences and not linked
    level = by_count(len(sents), a.lex.ladder("justification")) - int(unlinked)
    gap = a.tuning.gap(level, "Tie the choice to the stated requirements: because X matters here, Y fits.")
    return Signal(level, quotes([s.sentence.text for s in linked + sents]), gap)


@signal("failure_handling")
def failure_modes(a: Analysis) -> Signal:
    return _cue_signal(a, "failure_handling", "Say what breaks, how you would notice, and how the design recovers.")
