"""A rubric as written in `rubrics/*.yaml`: criteria, levels with anchors, signals, probes, advice."""

from __future__ import annotations

from pydantic import Field, field_validator

from simulator.contracts.base import Strict


class Criterion(Strict):
    id: str = Field(pattern=r"^[a-z][a-z_]{1,40}$")
    name: str = Field(min_length=3)
    description: str = Field(min_length=15)
    weight: float = Field(gt=0, le=5)
    praise: str = Field(min_length=8, description='what a strong answer did, completing "Strong: you ..."')
    levels: dict[int, str] = Field(description="level 1..5 -> anchor sentence")
    signals: list[str] = Field(min_length=1, description="offline scorer signals, see simulator/scoring")
    probes: list[str] = Field(min_length=1)
    advice: str = Field(min_length=15)

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, v: dict[int, str]) -> dict[int, str]:
        if sorted(v) != [1, 2, 3, 4, 5]:
            raise ValueError("levels must have exactly the keys 1, 2, 3, 4, 5")
        if any(len(text.strip()) < 10 for text in v.values()):
            raise ValueError("every level needs an anchor sentence of at least 10 characters")
        return v


class Rubric(Strict):
    id: str = Field(pattern=r"^[a-z][a-z_]{1,40}$")
    name: str = Field(min_length=3)
    description: str = Field(min_length=15)
    criteria: list[Criterion] = Field(min_length=2)

    @field_validator("criteria")
    @classmethod
    def _unique(cls, v: list[Criterion]) -> list[Criterion]:
        ids = [c.id for c in v]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate criterion ids: {dupes}")
        return v

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)
