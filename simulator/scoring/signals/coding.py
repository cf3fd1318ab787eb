"""Coding talk: restate and clarify, brute force then optimised, complexity, edge cases, tests, narration."""

from __future__ import annotations

from simulator.contracts import Question
from simulator.scoring.analysis import Analysis
from simulator.scoring.coverage import point_scores
from simulator.scoring.levels import Signal, by_count, quotes


def clarify(a: Analysis, q: Question | None) -> Signal:
    sents = a.matching("code_clarify")
    level = by_count(len(sents), (1, 2, 3, 4))
    return Signal(
        level,
        quotes([s.sentence.text for s in sents]),
        "" if level >= 4 else "Restate the problem and ask about input size, duplicates and empty input.",
    )


def approaches(a: Analysis, q: Question | None) -> Signal:
    brute = a.matching("code_brute_force")
    better = a.matching("code_optimised")
    level = 1 + int(bool(brute)) + 2 * int(bool(better)) + int(len(better) >= 2 and bool(brute))
    gap = (
        ""
        if level >= 4
        else (
            "Sketch the brute force briefly, then say what makes it slow and how you improve it."
            if not brute
            else "Move from the brute force to a better approach and say why it is faster."
        )
    )
    return Signal(level, quotes([s.sentence.text for s in brute[:1] + better]), gap)


def complexity(a: Analysis, q: Question | None) -> Signal:
    sents = a.matching("code_complexity")
    big_o = [s for s in sents if "o(" in s.lower]
    level = by_count(len(sents), (1, 1, 2, 3)) + int(bool(big_o) and len(sents) >= 2)
    return Signal(
        min(level, 5),
        quotes([s.sentence.text for s in big_o + sents]),
        "" if level >= 4 else "State time and space complexity in big-O for each approach.",
    )


def edge_cases(a: Analysis, q: Question | None) -> Signal:
    sents = a.matching("code_edge_cases")
    kinds = {c for s in sents for c in a.lex.find("code_edge_cases", s.lower)}
    level = by_count(len(kinds), (1, 2, 3, 4))
    if q is not None and q.coding is not None and a.sentences:
        hit = sum(p.covered for p in point_scores(a, q.coding.edge_cases, q.prompt))
        level = min(5, max(level, 1 + hit + int(hit >= 2)))
    return Signal(
        level,
        quotes([s.sentence.text for s in sents]),
        "" if level >= 4 else "Name the edge cases: empty input, duplicates, limits, malformed data.",
    )


def testing(a: Analysis, q: Question | None) -> Signal:
    sents = a.matching("code_testing", prose_only=False)
    level = by_count(len(sents), (1, 2, 3, 4))
    return Signal(
        level,
        quotes([s.sentence.text for s in sents]),
        "" if level >= 4 else "Walk through an example and list the tests you would write.",
    )


def narration(a: Analysis, q: Question | None) -> Signal:
    prose = a.prose
    code = [s for s in a.sentences if s.sentence.is_code]
    explained = [s for s in prose if a.lex.has("code_narration", s.lower) and s.words >= 6]
    if not prose:
        return Signal(1, [], "Talk while you code: say what each part does and why.")
    level = by_count(len(explained), (1, 3, 5, 7)) - int(bool(code) and len(prose) < 2 * len(code))
    return Signal(
        level,
        quotes([s.sentence.text for s in explained]),
        "" if level >= 4 else "Narrate your reasoning: what you are doing next and why.",
    )
