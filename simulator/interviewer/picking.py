"""A round's plan and the questions it picks from the bank."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.bank import QuestionBank
from simulator.contracts import Question
from simulator.errors import InputError


@dataclass
class Plan:
    rounds: list[str]
    questions: int = 4
    minutes: int = 45
    seniority: str = "mid"
    job_description: str | None = None
    focus: str | None = None
    question_ids: list[str] = field(default_factory=list)


def check_plan(plan: Plan) -> None:
    if not plan.rounds:
        raise InputError("no rounds chosen", "pick at least one of behavioral, coding, system_design, technical")
    if not 1 <= plan.questions <= 30:
        raise InputError(f"{plan.questions} questions is out of range", "choose between 1 and 30")


def pick_questions(bank: QuestionBank, plan: Plan, seen: set[str]) -> list[Question]:
    """The plan's own question ids, or questions spread over its rounds (interleaved), unseen ones first."""
    if plan.question_ids:
        return [bank.get(q) for q in plan.question_ids]
    per_round = {
        r: plan.questions // len(plan.rounds) + (i < plan.questions % len(plan.rounds))
        for i, r in enumerate(plan.rounds)
    }
    chosen: dict[str, list[Question]] = {}
    for r, n in per_round.items():
        if n == 0:
            continue
        kw: dict[str, Any] = {
            "seniority": plan.seniority,
            "job_description": plan.job_description,
            "focus": plan.focus,
            "n": n,
        }
        picks = bank.pick(r, exclude_ids=seen, **kw)  # type: ignore[arg-type]
        if len(picks) < n:  # the bank ran dry for this candidate: allow repeats
            picks += [p for p in bank.pick(r, exclude_ids={p.question.id for p in picks}, **kw)][: n - len(picks)]  # type: ignore[arg-type]
        chosen[r] = [p.question for p in picks]
    out: list[Question] = []
    for i in range(max(per_round.values())):  # interleave rounds
        out += [chosen[r][i] for r in plan.rounds if r in chosen and i < len(chosen[r])]
    if not out:
        raise InputError("no questions match this plan", "choose other rounds or fewer questions")
    return out
