"""Scored behavioral rewrites, as a pipeline: `plan` reads every sentence of the answer and the notes (role,
specificity, what is missing), `prose` says the plan as one spoken paragraph, `explain` says why it is better
and what to fill in next, and `rewriter` scores it (offline, or a model writing from the same plan). Word lists
and thresholds are data: `rubrics/lexicon/rewrite.yaml`, loaded by `words`."""

from simulator.rewriting.rewriter import Rewrite, Rewriter, scoring_text, to_json

__all__ = ["Rewrite", "Rewriter", "scoring_text", "to_json"]
