"""Signal names (as written in rubrics/*.yaml) mapped to the functions that compute them.

Each module in `simulator/scoring/signals/` registers its own signals (`@signal("name")`); importing every
module here fills the table, so adding a signals module needs no edit in this file.
"""

from __future__ import annotations

import importlib
import pkgutil

from simulator.scoring import signals
from simulator.scoring.signals import SIGNALS, SignalFn

for _module in pkgutil.iter_modules(signals.__path__):
    importlib.import_module(f"{signals.__name__}.{_module.name}")

__all__ = ["SIGNALS", "SignalFn"]
