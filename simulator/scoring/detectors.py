"""Learned criterion detectors: does this answer carry a criterion, read from its meaning as well as its cues?

A rule signal counts cue words, so it misses a criterion said in other words and credits one that is only
name-checked. Each detector is a logistic regression over two things: the rule's own level, and the answer's
mean sentence vector (what the answer is about and how it says it). It was fitted offline on the labellers'
presence marks (`python benchmarks/agreement.py --fit`, training authors only) and kept as data in
`rubrics/calibration/detectors.json`. Its probability becomes the level (p = 0.5 sits at level 3, the line
between thin and present), within `reach` levels of the rule's own reading. The weights only mean something
in the vector space they were fitted in, so a scorer on another encoder keeps the rule levels.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from simulator.errors import DataFileError
from simulator.scoring.datafile import load_model
from simulator.scoring.levels import LOWEST, TOP, clamp

PATH = "calibration/detectors.json"


class Detector(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bias: float
    rule: float = Field(description="weight on the rule level, scaled to 0..1 (level / 5)")
    vector: list[float] = Field(description="weights on the answer's mean sentence vector")
    answers: int = Field(ge=1, description="training answers it was fitted on")


class Detectors(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fitted_on: str = ""
    encoder: str = Field(description="the encoder whose vectors the weights read; others keep the rule levels")
    dim: int = Field(ge=1)
    c: float = Field(gt=0, description="inverse regularisation, chosen by leave-one-author-out log loss")
    min_words: int = Field(
        ge=0,
        description="words in the shortest training answer; a shorter answer is outside what was fitted, so its "
        "rule levels stand",
    )
    fade_words: int = Field(
        ge=1,
        description="words past min_words over which a detector fades in from the rule's reading to its own, so "
        "a few more words never switch every detector on at once",
    )
    reach: int = Field(
        ge=0,
        le=4,
        description="levels a detector may move the rule's reading, up or down: it refines what the cues found, "
        "it never overturns it (a story with its outcome cut cannot keep a top result on its overall feel)",
    )
    criteria: dict[str, Detector] = Field(default_factory=dict, description="'rubric.criterion' -> detector")
    _arrays: dict[str, np.ndarray] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _dims(self) -> Detectors:
        bad = [k for k, d in self.criteria.items() if len(d.vector) != self.dim]
        if bad:
            raise ValueError(f"vector length differs from dim {self.dim} for: {', '.join(bad)}")
        self._arrays = {k: np.asarray(d.vector, np.float32) for k, d in self.criteria.items()}
        return self

    def level(self, key: str, rule_level: int, answer_vector: np.ndarray, words: int) -> int | None:
        """The criterion's level: the detector's reading, within `reach` of the rule's, and never the top level
        unless the rule gave it (a 5 is earned by what the answer says, with a quote to show); None when no
        detector applies."""
        p = self.probability(key, rule_level, answer_vector) if words >= self.min_words else None
        if p is None:
            return None
        weight = min(1.0, (words - self.min_words) / self.fade_words)
        p = weight * p + (1.0 - weight) * (rule_level - LOWEST) / (TOP - LOWEST)  # the rule's level, as a probability
        learned = max(rule_level - self.reach, min(rule_level + self.reach, level_of(p)))
        return learned if rule_level >= TOP else min(learned, TOP - 1)

    def probability(self, key: str, rule_level: int, answer_vector: np.ndarray) -> float | None:
        d = self.criteria.get(key)
        if d is None or answer_vector.shape != (self.dim,):
            return None
        z = d.bias + d.rule * rule_level / TOP + float(np.dot(self._arrays[key], answer_vector))
        return float(1.0 / (1.0 + np.exp(-z)))


def level_of(p: float) -> int:
    """1..5 from the probability that the criterion is present: 0.5 -> 3."""
    return clamp(int(round(LOWEST + (TOP - LOWEST) * p)))


@lru_cache(maxsize=4)
def load_detectors(rubrics_dir: Path) -> Detectors | None:
    if not (rubrics_dir / PATH).exists():
        return None
    return load_model(Detectors, rubrics_dir, PATH)


def detectors_for(rubrics_dir: Path, encoder: str, criteria: set[str]) -> Detectors | None:
    """The detectors a scorer on `encoder` uses: None when none were fitted, or they read another encoder's
    vectors. Every detector must belong to one of the rubrics' criteria."""
    found = load_detectors(rubrics_dir)
    if found is None:
        return None
    stray = [f"rubrics/{PATH}: criteria: '{k}' is no rubric's criterion" for k in found.criteria if k not in criteria]
    if stray:
        raise DataFileError(stray, "refit the file with `python benchmarks/agreement.py --fit`")
    return found if found.encoder == encoder else None
