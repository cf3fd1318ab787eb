"""Question-bank search order: an exact id first, then questions tagged with a topic the query names (the most
topics named first, then those whose id names it too), then the closest by meaning above a relevance
floor; the rest wait behind "show more"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from simulator.contracts import Question

# Cosine similarities of MiniLM between a query and a bank question: unrelated text scores about 0.15-0.2 and
# a good match 0.35-0.6 (measured on the bank with "idempotency", "cache invalidation", "tell me about a
# conflict" and nonsense). A match is shown when it reaches the absolute floor and is within RELATIVE of the
# best one, so a sharp query shows a handful and a vague one shows none rather than 50.
ABSOLUTE_FLOOR = 0.25
RELATIVE = 0.75


@dataclass(frozen=True)
class Ranked:
    question: Question
    why: str  # "id" | "topic" | "meaning"
    similarity: float


def _slug(text: str) -> str:
    return re.sub(r"[\s_]+", "-", text.strip().lower())


def rank(
    text: str, hits: Sequence[tuple[Question, float]], pool: Sequence[Question]
) -> tuple[list[Ranked], list[Ranked]]:
    """(shown, more): exact id and topic matches, then meaning matches above the floor; the rest in `more`."""
    slug = _slug(text)
    tokens = set(re.findall(r"[a-z0-9]+", text.lower()))
    sim = {q.id: s for q, s in hits}

    def named(q: Question) -> int:
        """How many of the question's topics the query names as words (`rate limiting` names rate-limiting)."""
        return sum(1 for t in q.topics if f"-{t}-" in f"-{slug}-")

    first: list[Ranked] = [Ranked(q, "id", 1.0) for q in pool if q.id == slug]
    topical = [q for q in pool if q.id != slug and named(q)]
    topical.sort(key=lambda q: (-named(q), -len(tokens & set(q.id.split("-"))), -sim.get(q.id, 0.0), q.id))
    first += [Ranked(q, "topic", sim.get(q.id, 0.0)) for q in topical]
    taken = {r.question.id for r in first}
    rest = [Ranked(q, "meaning", s) for q, s in hits if q.id not in taken]
    best = max((r.similarity for r in rest), default=0.0)
    floor = max(ABSOLUTE_FLOOR, RELATIVE * best)
    return first + [r for r in rest if r.similarity >= floor], [r for r in rest if r.similarity < floor]
