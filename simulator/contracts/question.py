"""A question in the bank, as written in `corpus/questions/*.yaml`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from simulator.contracts.base import Strict

Round = Literal["behavioral", "coding", "system_design", "technical"]
Difficulty = Literal["easy", "medium", "hard"]
Seniority = Literal["junior", "mid", "senior", "staff"]
Intent = Literal["story", "hypothetical", "opinion", "explanation", "design", "coding"]
ROUNDS: tuple[Round, ...] = ("behavioral", "coding", "system_design", "technical")
RUBRIC_IDS = (
    "star",
    "specificity",
    "tradeoffs",
    "system_design",
    "coding_talk",
    "coverage",
    "motivation",
    "approach",
    "explanation",
)

NonEmpty = Field(min_length=1)


class FollowUp(Strict):
    """A probing question, tied either to a key point (by index) or to a rubric criterion."""

    text: str = Field(min_length=8)
    key_point: int | None = Field(default=None, ge=0, description="0-based index into key_points")
    criterion: str | None = Field(default=None, pattern=r"^[a-z_]+\.[a-z_]+$", description="rubric_id.criterion_id")

    @model_validator(mode="after")
    def _one_target(self) -> FollowUp:
        if (self.key_point is None) == (self.criterion is None):
            raise ValueError("give exactly one of key_point or criterion")
        return self


class CodingDetails(Strict):
    brute_force: str = Field(min_length=10)
    optimal: str = Field(min_length=10)
    complexity: str = Field(min_length=3)
    edge_cases: list[str] = Field(min_length=2)
    test_cases: list[str] = Field(min_length=2)


class DesignDetails(Strict):
    functional_requirements: list[str] = Field(min_length=2)
    entities_apis: list[str] = Field(min_length=2)
    components: list[str] = Field(min_length=3)
    deep_dives: list[str] = Field(min_length=2)
    failure_modes: list[str] = Field(min_length=2)
    monitoring: list[str] = Field(min_length=2)


class Question(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{2,80}$")
    round: Round
    intent: Intent | None = Field(
        default=None,
        description="what the prompt asks for; picks the rubrics and their weights (rubrics/calibration/intents.yaml)",
    )
    topics: list[str] = Field(min_length=1, max_length=8)
    difficulty: Difficulty
    seniority: Seniority
    prompt: str = Field(min_length=15, max_length=1200)
    key_points: list[str] = Field(min_length=4, max_length=8)
    follow_ups: list[FollowUp] = Field(min_length=3, max_length=6)
    deepening: list[str] = Field(
        default_factory=list,
        max_length=4,
        description="probes for a strong answer: a limit, a counterfactual, scale or what to do differently "
        "(the rubrics' generic ones in rubrics/phases/deepening.yaml are the fallback)",
    )
    pitfalls: list[str] = Field(min_length=1)
    rubrics: list[str] = Field(min_length=1)
    reference_answer: str = Field(min_length=40)
    clarifications: dict[str, str] = Field(
        default_factory=dict, description="what a candidate may ask about -> the interviewer's answer"
    )
    coding: CodingDetails | None = None
    design: DesignDetails | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        short = [d for d in self.deepening if len(d) < 8]
        if short:
            raise ValueError(f"deepening probes must be full questions (8 characters or more): {short}")
        unknown = [r for r in self.rubrics if r not in RUBRIC_IDS]
        if unknown:
            raise ValueError(f"unknown rubric ids {unknown}; known: {list(RUBRIC_IDS)}")
        for i, f in enumerate(self.follow_ups):
            if f.key_point is not None and f.key_point >= len(self.key_points):
                raise ValueError(
                    f"follow_ups[{i}].key_point {f.key_point} is past the last key point "
                    f"(there are {len(self.key_points)})"
                )
        if self.round == "coding" and self.coding is None:
            raise ValueError("a coding question needs a 'coding' block (brute_force, optimal, ...)")
        if self.round == "system_design" and self.design is None:
            raise ValueError("a system_design question needs a 'design' block")
        if self.round in ("coding", "system_design") and not self.clarifications:
            raise ValueError("coding and system_design questions need clarifications")
        if self.round != "coding" and self.coding is not None:
            raise ValueError("only coding questions take a 'coding' block")
        if self.round != "system_design" and self.design is not None:
            raise ValueError("only system_design questions take a 'design' block")
        return self

    @property
    def asks_for_story(self) -> bool:
        """True when the question asks about a past experience (the STAR rubric applies)."""
        return "star" in self.rubrics

    def search_text(self) -> str:
        """The text embedded for retrieval: prompt, topics and key points."""
        return " ".join([self.prompt, " ".join(self.topics), " ".join(self.key_points)])


class QuestionFile(Strict):
    """One YAML file of the corpus: a list of questions under `questions`."""

    questions: list[Question] = Field(min_length=1)
