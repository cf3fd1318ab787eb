"""Technical explanations: the mechanism, a concrete example, and when to use it."""

from __future__ import annotations

from simulator.scoring.analysis import Analysis
from simulator.scoring.levels import Signal, counted


def mechanism(a: Analysis) -> Signal:
    sents = [
        s
        for s in a.prose
        if s.words >= 6
        and (a.lex.has("mechanism_cues", s.lower) or a.lex.has("process_verbs", s.lower))
        and (s.tech or s.words >= 12)
    ]
    return counted([s.sentence.text for s in sents], a.lex.ladder("mechanism"))


def example(a: Analysis) -> Signal:
    sents = [s for s in a.prose if a.lex.has("example_cues", s.lower) or s.quantities]
    code = [s for s in a.sentences if s.sentence.is_code]
    return counted([s.sentence.text for s in sents + code[:1]], a.lex.ladder("example"))


def when_to_use(a: Analysis) -> Signal:
    sents = [
        s
        for s in a.prose
        if a.lex.has("when_to_use_cues", s.lower) or a.lex.has("alternatives", s.lower) or a.lex.has("costs", s.lower)
    ]
    return counted([s.sentence.text for s in sents], a.lex.ladder("when_to_use"))
