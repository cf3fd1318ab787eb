"""Data contracts: the typed shapes of questions, rubrics, scorecards and sessions.

Every model forbids unknown keys, so a typo in a YAML file is an error that names the field.
"""

from simulator.contracts.question import (
    CodingDetails,
    DesignDetails,
    Difficulty,
    FollowUp,
    Question,
    QuestionFile,
    Round,
    Seniority,
)
from simulator.contracts.rubric import Criterion, Rubric
from simulator.contracts.scorecard import CriterionScore, RubricScore, Scorecard
from simulator.contracts.session import Session, Turn, TurnUsage

__all__ = [
    "CodingDetails",
    "Criterion",
    "CriterionScore",
    "DesignDetails",
    "Difficulty",
    "FollowUp",
    "Question",
    "QuestionFile",
    "Round",
    "Rubric",
    "RubricScore",
    "Scorecard",
    "Seniority",
    "Session",
    "Turn",
    "TurnUsage",
]
