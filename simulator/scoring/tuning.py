"""The signals' tuning, as data: `rubrics/calibration/signals.yaml`, schema-checked here.

Every threshold, count ladder, band and level a signal in `simulator/scoring/signals/` decides with lives in
that file, with a comment saying what it controls and how it was set; the signal modules hold logic only
(tests/test_tuning_as_data.py keeps it so). A missing or unknown key names the file and the key.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, field_validator

from simulator.scoring.datafile import load_model

Share = float  # a fraction of a whole, 0..1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Levels(_Strict):
    good: int = Field(ge=2, le=5, description="the feedback gate: at or above it, no gap is named")


class Approach(_Strict):
    plan_step_min_words: NonNegativeInt
    unordered_plan_max: int = Field(ge=1, le=5)


class Coding(_Strict):
    brute_force_points: NonNegativeInt
    optimised_points: NonNegativeInt
    both_points: NonNegativeInt
    both_min_optimised: NonNegativeInt
    big_o_min_sentences: NonNegativeInt
    edge_bonus_min_points: NonNegativeInt
    narration_min_words: NonNegativeInt
    prose_per_code: NonNegativeInt


class Coverage(_Strict):
    point_bands: tuple[Share, Share, Share, Share]
    no_gap_at: Share = Field(ge=0, le=1)
    depth_min_words: NonNegativeInt
    depth_bands: tuple[Share, Share, Share, Share]


class Design(_Strict):
    figures_per_point: int = Field(ge=1)
    notes_steps: int = Field(ge=1)
    notes_bonus_share: Share = Field(ge=0, le=1)


class Explanation(_Strict):
    mechanism_min_words: NonNegativeInt
    untermed_min_words: NonNegativeInt


class Motivation(_Strict):
    domain_min_words: NonNegativeInt
    concrete_base: int = Field(ge=1, le=5)
    specific_max_bonus: NonNegativeInt
    generic_max_penalty: NonNegativeInt
    generic_majority_share: Share = Field(ge=0, le=1)


class Specificity(_Strict):
    single_quantity_level: int = Field(ge=1, le=5)
    before_after_min_quantities: NonNegativeInt
    we_only_level: int = Field(ge=1, le=5)
    nobody_level: int = Field(ge=1, le=5)
    ownership_base: int = Field(ge=1, le=5)
    ownership_steps: list[tuple[NonNegativeInt, Share]]
    concreteness_base: int = Field(ge=1, le=5)


class StarQuotes(_Strict):
    situation: int = Field(ge=1)
    task: int = Field(ge=1)
    lesson_only: int = Field(ge=1)


class Star(_Strict):
    role_base: int = Field(ge=1, le=5)
    situation_share: tuple[Share, Share]
    action_floor: int = Field(ge=1, le=5)
    action_any_steps: NonNegativeInt
    action_steps: list[tuple[NonNegativeInt, NonNegativeInt, NonNegativeInt]]
    result_without_outcome: int = Field(ge=1, le=5)
    passing_result_max: int = Field(ge=1, le=5)
    lesson_tail: int = Field(ge=1)
    action_share: tuple[Share, Share]
    result_min_share: Share = Field(ge=0, le=1)
    situation_max_share: Share = Field(ge=0, le=1)
    misses_extra_penalty: int = Field(ge=1)
    quotes: StarQuotes


class Tradeoffs(_Strict):
    unlinked_min_sentences: NonNegativeInt


class SignalTuning(_Strict):
    ladders: dict[str, tuple[NonNegativeInt, ...]] = Field(description="signal -> count ladder")
    levels: Levels
    approach: Approach
    coding: Coding
    coverage: Coverage
    design: Design
    explanation: Explanation
    motivation: Motivation
    specificity: Specificity
    star: Star
    tradeoffs: Tradeoffs

    @field_validator("ladders")
    @classmethod
    def _ladders(cls, v: dict[str, tuple[int, ...]]) -> dict[str, tuple[int, ...]]:
        bad = [k for k, steps in v.items() if not steps or list(steps) != sorted(steps)]
        if bad:
            raise ValueError(f"each ladder must be a non-empty, non-decreasing list of counts: {', '.join(bad)}")
        return v

    def ladder(self, signal: str) -> tuple[int, ...]:
        return self.ladders[signal]

    def is_good(self, level: int) -> bool:
        """The one feedback gate: at or above `levels.good` a criterion is praised and names no gap."""
        return level >= self.levels.good

    def gap(self, level: int, gap: str) -> str:
        """`gap` as the feedback for a level below the gate, else nothing."""
        return "" if self.is_good(level) else gap


@lru_cache(maxsize=4)
def load_tuning(rubrics_dir: Path) -> SignalTuning:
    return load_model(SignalTuning, rubrics_dir, "calibration/signals.yaml")
