"""Coverage criteria: how many expected points are covered, and whether covered points are explained."""

from __future__ import annotations

from collections.abc import Sequence

from simulator.contracts import Question
from simulator.scoring.analysis import Analysis
from simulator.scoring.levels import Signal, quotes
from simulator.scoring.signals import signal


def _level(fraction: float, bands: Sequence[float]) -> int:
    return 1 + sum(fraction >= t for t in bands)


@signal("key_point_coverage")
def key_points(a: Analysis, q: Question | None) -> Signal:
    cov = a.coverage
    if cov is None:
        return Signal(1, [], "There are no expected points to compare with.")
    missing = [p.text for p in cov.points if not p.covered]
    t = a.tuning.coverage
    gap = (
        ""
        if cov.value >= t.no_gap_at
        else (
            f"You did not cover: {missing[0].rstrip('.')}." if missing else "Cover more of what the question is after."
        )
    )
    return Signal(_level(cov.value, t.point_bands), quotes([p.sentence for p in cov.points if p.sentence]), gap)


@signal("key_point_depth")
def depth(a: Analysis, q: Question | None) -> Signal:
    cov = a.coverage
    if cov is None:
        return Signal(1, [], "There are no expected points to compare with.")
    covering = {p.sentence for p in cov.points if p.sentence}
    if not cov.points:  # reference-only: judge on the whole answer
        covering = {s.sentence.text for s in a.prose}
    t = a.tuning.coverage
    explained = [
        s
        for s in a.prose
        if s.sentence.text in covering and s.words >= t.depth_min_words and a.lex.contains("explain_markers", s.lower)
    ]
    if not covering:
        return Signal(1, [], "Explain how and why each point works, not just its name.")
    frac = len(explained) / len(covering)
    level = min(_level(cov.value, t.point_bands), _level(frac, t.depth_bands))
    gap = a.tuning.gap(level, "Say how each mechanism works and why it is needed, not only what it is called.")
    return Signal(level, quotes([s.sentence.text for s in explained]), gap)
