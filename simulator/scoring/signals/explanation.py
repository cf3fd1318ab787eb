"""Technical explanations: the mechanism, a concrete example, and when to use it."""

from __future__ import annotations

from simulator.scoring.analysis import Analysis
from simulator.scoring.levels import Signal, by_count, clamp, counted
from simulator.scoring.signals import signal


@signal("mechanism")
def mechanism(a: Analysis) -> Signal:
    t = a.tuning.explanation
    sents = [
        s
        for s in a.prose
        if s.words >= t.mechanism_min_words
        and (a.lex.has("mechanism_cues", s.lower) or a.lex.has("process_verbs", s.lower))
        and (s.tech or s.words >= t.untermed_min_words)
    ]
    sig = counted([s.sentence.text for s in sents], a.lex.ladder("mechanism"))
    sig.level = clamp(by_count(a.hits(sents, "mechanism_cues", "process_verbs"), a.lex.ladder("mechanism")))
    return sig


@signal("example")
def example(a: Analysis) -> Signal:
    sents = [s for s in a.prose if a.lex.has("example_cues", s.lower) or s.quantities]
    code = [s for s in a.sentences if s.sentence.is_code]
    return counted([s.sentence.text for s in sents + code[:1]], a.lex.ladder("example"))


@signal("when_to_use")
def when_to_use(a: Analysis) -> Signal:
    sents = [
        s
        for s in a.prose
        if a.lex.has("when_to_use_cues", s.lower) or a.lex.has("alternatives", s.lower) or a.lex.has("costs", s.lower)
    ]
    sig = counted([s.sentence.text for s in sents], a.lex.ladder("when_to_use"))
    hits = a.hits(sents, "when_to_use_cues", "alternatives", "costs")
    sig.level = clamp(by_count(hits, a.lex.ladder("when_to_use")))
    return sig
