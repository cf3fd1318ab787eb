"""mocksim: a mock-interview simulator for backend engineers.

The public API, imported lazily so `import simulator` stays cheap:

    from simulator import Runtime, get_settings, Scorer, Interviewer, Plan, Rewriter, SessionStore
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Settings": "simulator.settings",
    "get_settings": "simulator.settings",
    "Runtime": "simulator.runtime",
    "get_runtime": "simulator.runtime",
    "QuestionBank": "simulator.bank",
    "Question": "simulator.contracts",
    "Rubric": "simulator.contracts",
    "Scorecard": "simulator.contracts",
    "Session": "simulator.contracts",
    "Scorer": "simulator.scoring",
    "Interviewer": "simulator.interviewer.engine",
    "Plan": "simulator.interviewer.engine",
    "Rewriter": "simulator.rewriting",
    "SessionStore": "simulator.store",
    "MocksimError": "simulator.errors",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")
