"""Fitted numbers for coverage scoring, kept as data in `rubrics/calibration/coverage.yaml`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from simulator.scoring.datafile import load_model


class CoverageCalibration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    w_cosine: float = Field(ge=0)
    w_tokens: float = Field(ge=0)
    w_words: float = Field(ge=0)
    point_threshold: float = Field(gt=0, lt=1, description="blend at or above which a key point is covered")
    point_floor: float = Field(ge=0, lt=1, description="blend at or below which a key point counts zero")
    reference_floor: float = Field(ge=0, lt=1)
    reference_ceiling: float = Field(gt=0, le=1)
    fitted_on: str = ""


@lru_cache(maxsize=4)
def load_calibration(rubrics_dir: Path) -> CoverageCalibration:
    return load_model(CoverageCalibration, rubrics_dir, "calibration/coverage.yaml")
