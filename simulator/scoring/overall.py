"""`overall` from criterion levels: a weighted mean level per intent, then a monotone curve to 0..100.

The weights and the curve are fitted on the labelled answers (`benchmarks/agreement.py --fit`) and kept in
`rubrics/calibration/overall.yaml`. A criterion the file does not weigh falls back to its rubric weight, so a
new rubric scores sensibly before it is fitted.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from simulator.contracts import Rubric
from simulator.scoring.datafile import load_model


class OverallCalibration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fitted_on: str = ""
    weights: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="intent -> 'rubric.criterion' -> weight in the mean level"
    )
    curve: list[tuple[float, float]] = Field(
        min_length=2, description="(mean level, overall) knots, increasing in both; straight lines between"
    )

    curves: dict[str, list[tuple[float, float]]] = Field(
        default_factory=dict, description="intent -> its own curve, where one was fitted"
    )

    @field_validator("curve")
    @classmethod
    def _monotone(cls, v: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return _check_curve(v)

    @field_validator("curves")
    @classmethod
    def _monotone_each(cls, v: dict[str, list[tuple[float, float]]]) -> dict[str, list[tuple[float, float]]]:
        return {k: _check_curve(c) for k, c in v.items()}

    def mean_level(self, intent: str, levels: dict[str, int], rubrics: dict[str, Rubric]) -> float:
        """Weighted mean of the criterion levels on the card ('rubric.criterion' -> level)."""
        fitted = self.weights.get(intent, {})
        total = weight_sum = 0.0
        for key, level in levels.items():
            rid, cid = key.split(".", 1)
            if key in fitted:
                w = fitted[key]
            else:
                rubric = rubrics[rid]
                w = rubric.criterion(cid).weight / sum(c.weight for c in rubric.criteria)
            total += w * level
            weight_sum += w
        return total / weight_sum if weight_sum > 0 else 1.0

    def to_overall(self, mean_level: float, intent: str | None = None) -> int:
        curve = self.curves.get(intent or "", self.curve)
        xs = [k[0] for k in curve]
        ys = [k[1] for k in curve]
        return int(round(float(np.interp(mean_level, xs, ys))))


def _check_curve(v: list[tuple[float, float]]) -> list[tuple[float, float]]:
    xs, ys = [k[0] for k in v], [k[1] for k in v]
    if len(v) < 2 or xs != sorted(xs) or ys != sorted(ys) or len(set(xs)) != len(xs):
        raise ValueError("curve knots must increase in both the level and the overall")
    if not (ys[0] >= 0 and ys[-1] <= 100):
        raise ValueError("overall must stay within 0..100")
    return v


@lru_cache(maxsize=4)
def load_overall(rubrics_dir: Path) -> OverallCalibration:
    return load_model(OverallCalibration, rubrics_dir, "calibration/overall.yaml")
