"""Signals: each module reads an Analysis and returns a Signal (level, evidence, gap) per criterion.

A module registers each signal under the name `rubrics/*.yaml` uses (`@signal("role_task")`);
`simulator/scoring/registry.py` imports every module here, so a new module needs no other code change.
"""

from __future__ import annotations

from collections.abc import Callable
from inspect import signature
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.contracts import Question
    from simulator.scoring.analysis import Analysis
    from simulator.scoring.levels import Signal

SignalFn = Callable[["Analysis", "Question | None"], "Signal"]
SIGNALS: dict[str, SignalFn] = {}


def register(fn: SignalFn, *names: str) -> SignalFn:
    for name in names:
        if name in SIGNALS:
            raise ValueError(f"signal '{name}' is registered twice; rename one of them")
        SIGNALS[name] = fn
    return fn


def signal(*names: str) -> Callable[[Callable[..., Signal]], Callable[..., Signal]]:
    """Register the decorated function under `names`. It takes the Analysis, and the Question when it has a
    second parameter."""

    def decorate(fn: Callable[..., Signal]) -> Callable[..., Signal]:
        if len(signature(fn).parameters) == 1:

            def plain(a: Analysis, q: Question | None) -> Signal:
                return fn(a)

            plain.__name__ = fn.__name__
            register(plain, *names)
        else:
            register(fn, *names)
        return fn

    return decorate
