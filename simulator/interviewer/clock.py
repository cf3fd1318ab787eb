"""The interview clock: simulated minutes for scripted sessions, wall-clock minutes for live ones."""

from __future__ import annotations

import time

WORDS_PER_MINUTE = 130


class SimulatedClock:
    """Minutes as a candidate would spend them: speaking time per answer plus a little per exchange."""

    def __init__(self) -> None:
        self.minutes = 0.0

    def __call__(self) -> float:
        return self.minutes

    def spoke(self, text: str) -> None:
        self.minutes += len(text.split()) / WORDS_PER_MINUTE + 0.5

    def already_spent(self, minutes: float) -> None:
        """Resuming: replaying the answers through `spoke` has already counted the time."""


class WallClock:
    def __init__(self) -> None:
        self.start = time.monotonic()

    def __call__(self) -> float:
        return (time.monotonic() - self.start) / 60

    def spoke(self, text: str) -> None:
        pass

    def already_spent(self, minutes: float) -> None:
        """Resuming: count the minutes spent before the session stopped (not the time it was away)."""
        self.start = time.monotonic() - max(0.0, minutes) * 60


Clock = SimulatedClock | WallClock
