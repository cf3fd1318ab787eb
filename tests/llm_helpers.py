"""Helpers for LLM tests: a judged reply that quotes the answer, and settings for the loopback server."""

from __future__ import annotations

from typing import Any

from simulator.contracts import Question
from simulator.runtime import Runtime


def judged(
    rt: Runtime,
    q: Question,
    answer: str,
    level: int = 4,
    says: str = "Thanks. Next question.",
    move: str = "next_question",
    evidence: str | None = None,
) -> dict[str, Any]:
    quote = evidence if evidence is not None else answer.split(".")[0]
    scored = rt.scorer.score(answer, question=q).rubrics  # the rubrics the judge is asked about for this answer
    criteria = [
        {"rubric": rid, "criterion": c.id, "level": level, "evidence": [quote], "feedback": f"Fix {c.id}."}
        for rid in scored
        for c in rt.rubrics[rid].criteria
    ]
    return {
        "criteria": criteria,
        "covered_key_points": [0],
        "next_move": move,
        "follow_up_target": None,
        "interviewer_says": says,
    }
