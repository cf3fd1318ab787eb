"""Coverage criteria: how many expected points are covered, and whether covered points are explained."""

from __future__ import annotations

from simulator.contracts import Question
from simulator.scoring.analysis import Analysis
from simulator.scoring.levels import Signal, quotes

EXPLAIN = (
    "because",
    "so that",
    "which means",
    "which",
    "by ",
    "since",
    "otherwise",
    "so the",
    "that way",
    "in order to",
    "instead of",
    "rather than",
    "the reason",
)


def _level(fraction: float) -> int:
    return 1 + sum(fraction >= t for t in (0.15, 0.35, 0.6, 0.85))


def key_points(a: Analysis, q: Question | None) -> Signal:
    cov = a.coverage
    if cov is None:
        return Signal(1, [], "There are no expected points to compare with.")
    missing = [p.text for p in cov.points if not p.covered]
    gap = (
        ""
        if cov.value >= 0.85
        else (
            f"You did not cover: {missing[0].rstrip('.')}." if missing else "Cover more of what the question is after."
        )
    )
    return Signal(_level(cov.value), quotes([p.sentence for p in cov.points if p.sentence], 3), gap)


def depth(a: Analysis, q: Question | None) -> Signal:
    cov = a.coverage
    if cov is None:
        return Signal(1, [], "There are no expected points to compare with.")
    covering = {p.sentence for p in cov.points if p.sentence}
    if not cov.points:  # reference-only: judge on the whole answer
        covering = {s.sentence.text for s in a.prose}
    explained = [
        s for s in a.prose if s.sentence.text in covering and s.words >= 10 and any(c in s.lower for c in EXPLAIN)
    ]
    if not covering:
        return Signal(1, [], "Explain how and why each point works, not just its name.")
    frac = len(explained) / len(covering)
    level = min(_level(cov.value), 1 + sum(frac >= t for t in (0.01, 0.3, 0.5, 0.75)))
    gap = "" if level >= 4 else "Say how each mechanism works and why it is needed, not only what it is called."
    return Signal(level, quotes([s.sentence.text for s in explained], 3), gap)
