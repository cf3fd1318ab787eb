"""Fault injection for the reliability suite: `MOCKSIM_FAULT_KILL=store_write:0.2` makes the process kill itself
(SIGKILL) with that probability in the middle of a database write. Off unless the variable is set."""

from __future__ import annotations

import os
import random
import signal


def maybe_kill(point: str) -> None:
    spec = os.environ.get("MOCKSIM_FAULT_KILL")
    if not spec:
        return
    for part in spec.split(","):
        name, _, prob = part.partition(":")
        if name.strip() == point and random.random() < float(prob or 1):
            os.kill(os.getpid(), signal.SIGKILL)
