"""Opinion and motivation: a clear position with reasons, knowledge of the domain, own experience, no stock phrases."""

from __future__ import annotations

import re

from simulator.scoring.analysis import Analysis, SentenceInfo
from simulator.scoring.levels import Signal, counted, quotes
from simulator.scoring.signals import signal

MINE = re.compile(r"\b(?:i|my|we|our)\b")


def _texts(sents: list[SentenceInfo]) -> list[str]:
    return [s.sentence.text for s in sents]


def _generic(a: Analysis, s: SentenceInfo) -> bool:
    return any(a.lex.has(c, s.lower) for c in ("generic_phrases", "platitudes", "vague_claims"))


@signal("stance_reasons")
def position(a: Analysis) -> Signal:
    """A stance counts once; each reason with something concrete in it (a fact, a figure, a named thing, an
    experience) counts again. Stock phrases count for nothing."""
    stance = [s for s in a.prose if a.lex.has("stance", s.lower) and not _generic(a, s)]
    reasons = [
        s
        for s in a.prose
        if a.lex.has("justification", s.lower)
        and not _generic(a, s)
        and (s.tech or s.quantities or a.lex.has("experience_refs", s.lower) or a.lex.has("domain_refs", s.lower))
    ]
    picked = stance[:1] + [s for s in reasons if s not in stance[:1]]
    return counted(_texts(picked), a.lex.ladder("stance_reasons"))


@signal("domain_knowledge")
def knows_domain(a: Analysis) -> Signal:
    t = a.tuning.motivation
    sents = [
        s
        for s in a.prose
        if (s.tech or s.quantities or (a.lex.has("domain_refs", s.lower) and s.words >= t.domain_min_words))
        and not _generic(a, s)
    ]
    return counted(_texts(sents), a.lex.ladder("domain_knowledge"))


@signal("own_experience")
def ties_experience(a: Analysis) -> Signal:
    sents = [s for s in a.prose if a.lex.has("experience_refs", s.lower) or (s.past and MINE.search(s.lower))]
    return counted(_texts(sents), a.lex.ladder("own_experience"))


@signal("concrete_not_generic")
def concrete(a: Analysis) -> Signal:
    if not a.prose:
        return Signal(1)
    generic = [s for s in a.prose if _generic(a, s)]
    specific = [s for s in a.prose if (s.quantities or s.tech) and not _generic(a, s)]
    t = a.tuning.motivation
    level = (
        t.concrete_base
        + min(t.specific_max_bonus, len(specific))
        - min(t.generic_max_penalty, len(generic))
        - int(len(generic) > len(a.prose) * t.generic_majority_share)
    )
    return Signal(level, quotes(_texts(specific if a.tuning.is_good(level) else generic or specific)))
