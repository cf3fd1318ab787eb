"""The question bank: lookup, search, and picking questions tailored to a candidate.

`pick()` filters by round, ranks by fit to the job description (semantic similarity plus topic cues),
seniority, difficulty and a weak rubric dimension to focus on, and keeps a session varied with maximal
marginal relevance (MMR). Questions the candidate has already seen are excluded.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from simulator.contracts import Question, Round
from simulator.contracts.question import ROUNDS
from simulator.embeddings import Embedder
from simulator.errors import InputError, NotFoundError
from simulator.retrieval import QuestionIndex
from simulator.topics import topics_in

SENIORITY_ORDER = {"junior": 0, "mid": 1, "senior": 2, "staff": 3}
DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}
MAX_JD_CHARS = 20_000


@dataclass
class Pick:
    question: Question
    score: float
    reasons: list[str] = field(default_factory=list)


def jd_chunks(text: str, max_chunks: int = 24) -> list[str]:
    """Split a job description into sentence-sized chunks worth embedding."""
    text = text[:MAX_JD_CHARS]
    parts = [p.strip(" -•*\t") for p in re.split(r"[\n\r]+|(?<=[.!?;])\s+", text)]
    chunks = [p for p in parts if len(p.split()) >= 3]
    return chunks[:max_chunks] or ([text.strip()] if text.strip() else [])


class QuestionBank:
    def __init__(self, questions: Sequence[Question], index: QuestionIndex) -> None:
        if not questions:
            raise InputError("the question bank is empty", "add question files under corpus/questions/")
        self.questions = list(questions)
        self.by_id = {q.id: q for q in self.questions}
        self.index = index
        self._vectors: dict[str, np.ndarray] | None = None
        self.seen_provider: Callable[[], Iterable[str]] | None = None

    @property
    def embedder(self) -> Embedder:
        return self.index.embedder

    # ----------------------------------------------------------------- lookup
    def get(self, question_id: str) -> Question:
        try:
            return self.by_id[question_id]
        except KeyError:
            close = difflib.get_close_matches(question_id, list(self.by_id), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}?" if close else "list ids with `mocksim questions list`"
            raise NotFoundError(f"no question with id '{question_id}'", hint) from None

    def filter(
        self,
        round: str | None = None,
        topic: str | None = None,
        difficulty: str | None = None,
        seniority: str | None = None,
    ) -> list[Question]:
        return [
            q
            for q in self.questions
            if (round is None or q.round == round)
            and (topic is None or topic in q.topics)
            and (difficulty is None or q.difficulty == difficulty)
            and (seniority is None or q.seniority == seniority)
        ]

    def topics(self) -> list[str]:
        return sorted({t for q in self.questions for t in q.topics})

    # ----------------------------------------------------------------- search
    def search(self, text: str, round: str | None = None, limit: int = 10) -> list[tuple[Question, float]]:
        text = text.strip()
        if not text:
            raise InputError("the search text is empty", "type a few words, e.g. `mocksim questions search caching`")
        if round is not None and round not in ROUNDS:
            raise InputError(f"unknown round '{round}'", f"use one of: {', '.join(ROUNDS)}")
        where = {"round": round} if round else None
        hits = self.index.query(text[:2000], limit=max(1, limit), where=where)
        return [(self.by_id[h.id], h.similarity) for h in hits if h.id in self.by_id]

    # ------------------------------------------------------------------ pick
    def vectors(self) -> dict[str, np.ndarray]:
        """Question vectors, read back from the index once."""
        if self._vectors is None:
            self._vectors = self.index.vectors()
        return self._vectors

    def _jd_relevance(self, candidates: Sequence[Question], job_description: str) -> dict[str, float]:
        chunks = jd_chunks(job_description)
        if not chunks:
            return {}
        jd = self.embedder.embed(chunks)
        vecs = self.vectors()
        out = {}
        for q in candidates:
            sims = jd @ vecs[q.id]
            top = np.sort(sims)[-3:]
            out[q.id] = float(top.mean())
        return out

    def pick(
        self,
        round: Round,
        topics: Sequence[str] = (),
        difficulty: str | None = None,
        seniority: str | None = None,
        job_description: str | None = None,
        exclude_ids: Iterable[str] = (),
        focus: str | None = None,
        n: int = 1,
        diversity: float = 0.3,
    ) -> list[Pick]:
        """Up to `n` questions for `round`, best first, each with the reasons it was chosen."""
        if round not in ROUNDS:
            raise InputError(f"unknown round '{round}'", f"use one of: {', '.join(ROUNDS)}")
        excluded = set(exclude_ids)
        if self.seen_provider is not None:
            excluded |= set(self.seen_provider())
        candidates = [q for q in self.questions if q.round == round and q.id not in excluded]
        if not candidates:
            return []
        jd_text = (job_description or "").strip()
        jd_rel = self._jd_relevance(candidates, jd_text) if jd_text else {}
        jd_topics = topics_in(jd_text) if jd_text else {}
        wanted = set(topics)
        scored: list[Pick] = []
        for q in candidates:
            s, why = 0.0, []
            if jd_rel:
                s += 1.5 * jd_rel[q.id]
                cue_hits = [t for t in q.topics if t in jd_topics]
                if cue_hits:
                    s += 0.25 * min(3, len(cue_hits))
                    why.append("the job description mentions " + ", ".join(cue_hits))
            if wanted:
                overlap = wanted.intersection(q.topics)
                if overlap:
                    s += 0.4 * len(overlap)
                    why.append("topic " + ", ".join(sorted(overlap)))
            if seniority:
                gap = abs(SENIORITY_ORDER[q.seniority] - SENIORITY_ORDER.get(seniority, 1))
                s -= 0.15 * gap
                if gap == 0:
                    why.append(f"pitched at {seniority} level")
            if difficulty:
                gap = abs(DIFFICULTY_ORDER[q.difficulty] - DIFFICULTY_ORDER.get(difficulty, 1))
                s -= 0.1 * gap
            if focus:
                rubric_id = focus.split(".")[0]
                if rubric_id in q.rubrics:
                    probes = [f for f in q.follow_ups if f.criterion and f.criterion.startswith(rubric_id)]
                    s += 0.3 + 0.1 * len(probes)
                    why.append(f"exercises your weakest dimension ({focus})")
            scored.append(Pick(q, s, why))
        return self._mmr(scored, n, diversity)

    def _mmr(self, scored: list[Pick], n: int, diversity: float) -> list[Pick]:
        vecs = self.vectors()
        remaining = sorted(scored, key=lambda p: (-p.score, p.question.id))
        chosen: list[Pick] = []
        while remaining and len(chosen) < n:
            best, best_val = 0, -1e9
            for i, p in enumerate(remaining):
                redundancy = 0.0
                for c in chosen:
                    sim = float(vecs[p.question.id] @ vecs[c.question.id])
                    a, b = set(p.question.topics), set(c.question.topics)
                    sim = max(sim, len(a & b) / max(1, len(a | b)))
                    redundancy = max(redundancy, sim)
                val = (1 - diversity) * p.score - diversity * redundancy
                if val > best_val:
                    best, best_val = i, val
            chosen.append(remaining.pop(best))
        return chosen
