"""Coding talk: restate and clarify, brute force then optimised, complexity, edge cases, tests, narration."""

from __future__ import annotations

from simulator.contracts import Question
from simulator.scoring.analysis import Analysis
from simulator.scoring.coverage import point_scores
from simulator.scoring.levels import TOP, Signal, by_count, quotes
from simulator.scoring.signals import signal


@signal("code_clarify")
def clarify(a: Analysis, q: Question | None) -> Signal:
    sents = a.matching("code_clarify")
    level = by_count(len(sents), a.lex.ladder("code_clarify"))
    return Signal(
        level,
        quotes([s.sentence.text for s in sents]),
        a.tuning.gap(level, "Restate the problem and ask about input size, duplicates and empty input."),
    )


@signal("code_brute_then_optimal")
def approaches(a: Analysis, q: Question | None) -> Signal:
    brute = a.matching("code_brute_force")
    better = a.matching("code_optimised")
    t = a.tuning.coding
    level = (
        1
        + t.brute_force_points * int(bool(brute))
        + t.optimised_points * int(bool(better))
        + t.both_points * int(len(better) >= t.both_min_optimised and bool(brute))
    )
    gap = a.tuning.gap(
        level,
        "Sketch the brute force briefly, then say what makes it slow and how you improve it."
        if not brute
        else "Move from the brute force to a better approach and say why it is faster.",
    )
    return Signal(level, quotes([s.sentence.text for s in brute[:1] + better]), gap)


@signal("code_complexity")
def complexity(a: Analysis, q: Question | None) -> Signal:
    sents = a.matching("code_complexity")
    big_o = [s for s in sents if a.lex.contains("big_o", s.lower)]
    t = a.tuning.coding
    level = by_count(len(sents), a.lex.ladder("code_complexity")) + int(
        bool(big_o) and len(sents) >= t.big_o_min_sentences
    )
    return Signal(
        min(level, TOP),
        quotes([s.sentence.text for s in big_o + sents]),
        a.tuning.gap(level, "State time and space complexity in big-O for each approach."),
    )


@signal("code_edge_cases")
def edge_cases(a: Analysis, q: Question | None) -> Signal:
    sents = a.matching("code_edge_cases")
    kinds = {c for s in sents for c in a.lex.find("code_edge_cases", s.lower)}
    level = by_count(len(kinds), a.lex.ladder("code_edge_cases"))
    if q is not None and q.coding is not None and a.sentences:
        hit = sum(p.covered for p in point_scores(a, q.coding.edge_cases, q.prompt))
        level = min(TOP, max(level, 1 + hit + int(hit >= a.tuning.coding.edge_bonus_min_points)))
    return Signal(
        level,
        quotes([s.sentence.text for s in sents]),
        a.tuning.gap(level, "Name the edge cases: empty input, duplicates, limits, malformed data."),
    )


@signal("code_testing")
def testing(a: Analysis, q: Question | None) -> Signal:
    sents = a.matching("code_testing", prose_only=False)
    level = by_count(len(sents), a.lex.ladder("code_testing"))
    return Signal(
        level,
        quotes([s.sentence.text for s in sents]),
        a.tuning.gap(level, "Walk through an example and list the tests you would write."),
    )


@signal("code_narration")
def narration(a: Analysis, q: Question | None) -> Signal:
    prose = a.prose
    code = [s for s in a.sentences if s.sentence.is_code]
    t = a.tuning.coding
    explained = [s for s in prose if a.lex.has("code_narration", s.lower) and s.words >= t.narration_min_words]
    if not prose:
        return Signal(1, [], "Talk while you code: say what each part does and why.")
    level = by_count(len(explained), a.lex.ladder("code_narration")) - int(
        bool(code) and len(prose) < t.prose_per_code * len(code)
    )
    return Signal(
        level,
        quotes([s.sentence.text for s in explained]),
        a.tuning.gap(level, "Narrate your reasoning: what you are doing next and why."),
    )
