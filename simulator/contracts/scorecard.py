"""The scorecard: what the scorer says about one answer. Totals are computed here, in code."""

from __future__ import annotations

from pydantic import Field

from simulator.contracts.base import Strict


class CriterionScore(Strict):
    level: int = Field(ge=1, le=5)
    evidence: list[str] = Field(default_factory=list, description="verbatim quotes from the answer")
    feedback: str = ""
    probe: str | None = None


class RubricScore(Strict):
    score: float = Field(ge=1.0, le=5.0)
    criteria: dict[str, CriterionScore]


class Scorecard(Strict):
    question_id: str | None = None
    round: str
    intent: str | None = Field(default=None, description="what the question asks for: story, hypothetical, ...")
    overall: int = Field(ge=0, le=100)
    rubrics: dict[str, RubricScore]
    coverage: float | None = Field(default=None, ge=0.0, le=1.0)
    covered_points: list[int] = Field(default_factory=list)
    missing_points: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    backend: str = "offline"
    model: str | None = None
    notices: list[str] = Field(default_factory=list)

    def public(self) -> dict[str, object]:
        """The shape `mocksim score --batch` prints (a stable contract)."""
        return {
            "overall": self.overall,
            "rubrics": {
                rid: {
                    "score": round(r.score, 2),
                    "criteria": {
                        cid: {"level": c.level, "evidence": c.evidence, "feedback": c.feedback}
                        for cid, c in r.criteria.items()
                    },
                }
                for rid, r in self.rubrics.items()
            },
            "coverage": None if self.coverage is None else round(self.coverage, 4),
            "flags": self.flags,
        }
