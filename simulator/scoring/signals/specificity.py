"""Specificity: numbers with units, named tools and techniques, first-person ownership, no vague claims."""

from __future__ import annotations

from simulator.scoring.analysis import Analysis
from simulator.scoring.levels import TOP, Signal, by_count, quotes
from simulator.scoring.signals import signal


@signal("numbers_with_units", "before_after")
def quantified(a: Analysis) -> Signal:
    with_q = [s for s in a.prose if s.quantities]
    n = sum(len(s.quantities) for s in with_q)
    before_after = [s for s in with_q if a.lex.has("before_after", s.lower)]
    t = a.tuning.specificity
    level = by_count(n, a.lex.ladder("quantified"))
    if n == 1:
        level = t.single_quantity_level
    if before_after and n >= t.before_after_min_quantities:
        level = TOP
    gap = a.tuning.gap(level, "Put numbers on it: sizes, latencies, counts or percentages, ideally before → after.")
    return Signal(level, quotes([s.sentence.text for s in before_after + with_q]), gap)


@signal("tech_terms")
def named_specifics(a: Analysis) -> Signal:
    terms: dict[str, str] = {}
    for s in a.sentences:
        for t in s.tech:
            terms.setdefault(t, s.sentence.text)
    level = by_count(len(terms), a.lex.ladder("named_specifics"))
    gap = a.tuning.gap(level, "Name the systems, tools and techniques you used instead of describing them generally.")
    return Signal(level, quotes(list(terms.values())), gap)


@signal("first_person_actions")
def ownership(a: Analysis) -> Signal:
    mine = [s for s in a.prose if s.i_actions]
    ours = [s for s in a.prose if s.we_actions and not s.i_actions]
    n_i = sum(s.i_actions for s in mine)
    n_we = sum(s.we_actions for s in ours)
    t = a.tuning.specificity
    if n_i == 0:
        level = t.we_only_level if n_we else t.nobody_level
    else:
        share = n_i / (n_i + n_we)
        level = t.ownership_base + sum(int(n_i >= k and share >= at) for k, at in t.ownership_steps)
    gap = a.tuning.gap(level, 'Say what you did yourself ("I profiled…", "I proposed…") rather than "we did".')
    return Signal(level, quotes([s.sentence.text for s in mine]), gap)


@signal("vague_claims")
def concreteness(a: Analysis) -> Signal:
    vague = [s for s in a.prose if a.lex.has("vague_claims", s.lower)]
    platitudes = [s for s in a.prose if a.lex.has("platitudes", s.lower)]
    platitudes += [s for s in a.prose if a.lex.has("grand_claims", s.lower) and not (s.quantities or s.tech)]
    concrete = int(any(s.quantities for s in a.prose)) + int(any(s.tech for s in a.sentences))
    level = a.tuning.specificity.concreteness_base + concrete - len(vague) - len(platitudes)
    if not a.prose:
        level = 1
    gap = ""
    if vague:
        gap = f'Replace vague phrases like "{a.lex.find("vague_claims", vague[0].lower)[0]}" with what exactly changed.'
    elif platitudes:
        gap = "Cut the platitudes; every sentence should carry a fact about what happened."
    elif not a.tuning.is_good(level):
        gap = "Anchor the answer in one concrete example with names and numbers."
    evidence = [s.sentence.text for s in vague + platitudes] or [
        s.sentence.text for s in a.prose if s.quantities or s.tech
    ]
    return Signal(level, quotes(evidence), gap)
