"""Plan a practice loop for a job: how many questions of each round fit the minutes, and which ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.bank import Pick, QuestionBank
from simulator.contracts import Round
from simulator.contracts.question import ROUNDS
from simulator.errors import InputError
from simulator.topics import topics_in

# Rough minutes one question takes in each round, follow-ups included.
MINUTES_PER_QUESTION: dict[str, int] = {"behavioral": 7, "technical": 6, "coding": 20, "system_design": 35}
SENIOR_WORDS = ("staff", "principal", "lead", "senior", "sr.", "architect")
JUNIOR_WORDS = ("junior", "graduate", "entry level", "entry-level", "intern", "new grad")


@dataclass
class PlannedRound:
    round: Round
    minutes: int
    picks: list[Pick]


def infer_seniority(job_description: str) -> str:
    low = job_description.lower()
    if "staff" in low or "principal" in low:
        return "staff"
    if any(w in low for w in SENIOR_WORDS):
        return "senior"
    if any(w in low for w in JUNIOR_WORDS):
        return "junior"
    return "mid"


def parse_rounds(text: str | None) -> list[Round]:
    if not text:
        return list(ROUNDS)
    rounds: list[Round] = []
    for part in text.replace(" ", ",").split(","):
        part = part.strip().lower().replace("-", "_")
        if not part:
            continue
        if part == "design":
            part = "system_design"
        if part not in ROUNDS:
            raise InputError(f"unknown round '{part}'", f"choose from: {', '.join(ROUNDS)}")
        if part not in rounds:
            rounds.append(part)
    if not rounds:
        raise InputError("no rounds given", f"choose from: {', '.join(ROUNDS)}")
    return rounds


def plan_loop(
    bank: QuestionBank,
    job_description: str,
    rounds: Sequence[Round],
    minutes: int = 60,
    seniority: str | None = None,
    exclude_ids: Sequence[str] = (),
) -> list[PlannedRound]:
    if minutes < 5:
        raise InputError(f"{minutes} minutes is too short for a loop", "give at least 5 minutes")
    seniority = seniority or infer_seniority(job_description)
    share = minutes / len(rounds)
    jd_topics = list(topics_in(job_description))
    plan: list[PlannedRound] = []
    for r in rounds:
        n = max(1, int(share // MINUTES_PER_QUESTION[r]))
        picks = bank.pick(
            r,
            topics=jd_topics,
            seniority=seniority,
            job_description=job_description,
            exclude_ids=exclude_ids,
            n=n,
        )
        plan.append(PlannedRound(r, int(round(share)), picks))
    return plan
