"""The offline scorer: rubric levels with quoted evidence and one fix each, no model service needed."""

from simulator.scoring.scorer import Item, Scorer

__all__ = ["Item", "Scorer"]
