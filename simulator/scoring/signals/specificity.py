"""Specificity: numbers with units, named tools and techniques, first-person ownership, no vague claims."""

from __future__ import annotations

from simulator.scoring.analysis import Analysis
from simulator.scoring.levels import Signal, by_count, quotes


def quantified(a: Analysis) -> Signal:
    with_q = [s for s in a.prose if s.quantities]
    n = sum(len(s.quantities) for s in with_q)
    before_after = [s for s in with_q if a.lex.has("before_after", s.lower)]
    level = by_count(n, (1, 1, 2, 3))
    if n == 1:
        level = 3
    if before_after and n >= 2:
        level = 5
    gap = "" if level >= 4 else "Put numbers on it: sizes, latencies, counts or percentages, ideally before → after."
    return Signal(level, quotes([s.sentence.text for s in before_after + with_q], 3), gap)


def named_specifics(a: Analysis) -> Signal:
    terms: dict[str, str] = {}
    for s in a.sentences:
        for t in s.tech:
            terms.setdefault(t, s.sentence.text)
    level = by_count(len(terms), (1, 2, 3, 5))
    gap = "" if level >= 4 else "Name the systems, tools and techniques you used instead of describing them generally."
    return Signal(level, quotes(list(terms.values()), 3), gap)


def ownership(a: Analysis) -> Signal:
    mine = [s for s in a.prose if s.i_actions]
    ours = [s for s in a.prose if s.we_actions and not s.i_actions]
    n_i = sum(s.i_actions for s in mine)
    n_we = sum(s.we_actions for s in ours)
    if n_i == 0:
        level = 1 if n_we else 2
    else:
        share = n_i / (n_i + n_we)
        level = 3 + int(n_i >= 2 and share >= 0.5) + int(n_i >= 3 and share >= 0.66)
    gap = "" if level >= 4 else 'Say what you did yourself ("I profiled…", "I proposed…") rather than "we did".'
    return Signal(level, quotes([s.sentence.text for s in mine], 3), gap)


def concreteness(a: Analysis) -> Signal:
    vague = [s for s in a.prose if a.lex.has("vague_claims", s.lower)]
    platitudes = [s for s in a.prose if a.lex.has("platitudes", s.lower)]
    platitudes += [s for s in a.prose if a.lex.has("grand_claims", s.lower) and not (s.quantities or s.tech)]
    concrete = int(any(s.quantities for s in a.prose)) + int(any(s.tech for s in a.sentences))
    level = 3 + concrete - len(vague) - len(platitudes)
    if not a.prose:
        level = 1
    gap = ""
    if vague:
        gap = f'Replace vague phrases like "{a.lex.find("vague_claims", vague[0].lower)[0]}" with what exactly changed.'
    elif platitudes:
        gap = "Cut the platitudes; every sentence should carry a fact about what happened."
    elif level < 4:
        gap = "Anchor the answer in one concrete example with names and numbers."
    evidence = [s.sentence.text for s in vague + platitudes] or [
        s.sentence.text for s in a.prose if s.quantities or s.tech
    ]
    return Signal(level, quotes(evidence, 3), gap)
