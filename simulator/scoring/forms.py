"""Which rubrics apply to a question given as free text: decided from the round and the question's form."""

from __future__ import annotations

import re

from simulator.contracts.question import ROUNDS

STORY = re.compile(
    r"\b(tell me about a time|tell us about a time|describe a (time|situation|project|case)|give (me |us )?an example"
    r"|walk me through a (time|situation|project|case)|have you ever|share an? (experience|example|story)"
    r"|talk about a time|recall a time|what('s| is| was) (the|a) (hardest|toughest|biggest|most)"
    r"|when did you last|a time when you|a time you)\b",
    re.I,
)
DESIGN = re.compile(
    r"\b(design (a|an|the)|architect (a|an)|how would you (build|scale) (a|an|the)|system design)\b", re.I
)
CODING = re.compile(
    r"\b(write (a|an) (function|method|class|program)|implement (a|an)|given (a|an) (array|list|string|tree|graph)"
    r"|algorithm|return the|time complexity|leetcode)\b",
    re.I,
)
ROUND_RUBRICS = {
    "behavioral": ["star", "specificity", "tradeoffs"],
    "technical": ["specificity", "tradeoffs", "coverage"],
    "system_design": ["system_design", "tradeoffs", "specificity", "coverage"],
    "coding": ["coding_talk", "tradeoffs", "specificity", "coverage"],
}


def asks_for_story(question: str) -> bool:
    return bool(STORY.search(question))


def infer_round(question: str) -> str:
    if DESIGN.search(question):
        return "system_design"
    if CODING.search(question):
        return "coding"
    if asks_for_story(question):
        return "behavioral"
    return "technical"


def rubrics_for(question: str, round: str | None, has_reference: bool) -> tuple[str, list[str]]:
    """(round, rubric ids) for a free-text question. STAR only when the question asks for a past story."""
    r = round if round in ROUNDS else infer_round(question)
    rubrics = list(ROUND_RUBRICS[r])
    if r == "behavioral" and not asks_for_story(question):
        rubrics.remove("star")
    if "coverage" in rubrics and not has_reference:
        rubrics.remove("coverage")
    return r, rubrics


INTENT_ROUNDS = {
    "story": "behavioral",
    "hypothetical": "behavioral",
    "opinion": "behavioral",
    "explanation": "technical",
    "design": "system_design",
    "coding": "coding",
}


def round_for(intent: str, given: str | None) -> str:
    """The round of a free-text question: as given, else the usual round for its intent."""
    return given if given in ROUNDS else INTENT_ROUNDS[intent]
