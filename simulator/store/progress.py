"""Progress over sessions: per rubric and criterion over time, topics touched, the weakest dimension's trend."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from simulator.contracts import Question
from simulator.store.store import SessionStore


@dataclass
class Point:
    session_id: str
    when: datetime
    mean_level: float


@dataclass
class Progress:
    sessions: int
    answers_scored: int
    rubrics: dict[str, list[Point]] = field(default_factory=dict)
    criteria: dict[str, list[Point]] = field(default_factory=dict)  # "rubric.criterion" -> series
    topics_practised: dict[str, int] = field(default_factory=dict)
    topics_untouched: list[str] = field(default_factory=list)
    weakest: str | None = None
    weakest_mean: float | None = None
    weakest_trend: float | None = None  # change in mean level per session (positive = improving)

    @property
    def trend_word(self) -> str:
        """How the weakest dimension is moving, in a word."""
        t = self.weakest_trend
        if t is None:
            return "no trend yet"
        return "improving" if t > 0.05 else "slipping" if t < -0.05 else "flat"

    def to_dict(self) -> dict[str, object]:
        def series(points: list[Point]) -> list[dict[str, object]]:
            return [
                {"session": p.session_id, "when": p.when.isoformat(), "mean_level": round(p.mean_level, 2)}
                for p in points
            ]

        return {
            "sessions": self.sessions,
            "answers_scored": self.answers_scored,
            "rubrics": {k: series(v) for k, v in self.rubrics.items()},
            "criteria": {k: series(v) for k, v in self.criteria.items()},
            "topics_practised": self.topics_practised,
            "topics_untouched": self.topics_untouched,
            "weakest": self.weakest,
            "weakest_mean": None if self.weakest_mean is None else round(self.weakest_mean, 2),
            "weakest_trend_per_session": None if self.weakest_trend is None else round(self.weakest_trend, 3),
        }


def _series(rows: Sequence[tuple[str, datetime, float]]) -> list[Point]:
    by: dict[str, list[float]] = defaultdict(list)
    when: dict[str, datetime] = {}
    for sid, t, level in rows:
        by[sid].append(level)
        when[sid] = t
    return sorted((Point(s, when[s], float(np.mean(v))) for s, v in by.items()), key=lambda p: p.when)


def compute(store: SessionStore, owner: str, questions: Sequence[Question]) -> Progress:
    rows = store.criterion_history(owner)
    summaries = store.list_sessions(owner)
    topics_of = {q.id: q.topics for q in questions}
    all_topics = sorted({t for q in questions for t in q.topics})
    rubric_rows: dict[str, list[tuple[str, datetime, float]]] = defaultdict(list)
    crit_rows: dict[str, list[tuple[str, datetime, float]]] = defaultdict(list)
    for r in rows:
        rubric_rows[r.rubric].append((r.session_id, r.created_at, float(r.level)))
        crit_rows[f"{r.rubric}.{r.criterion}"].append((r.session_id, r.created_at, float(r.level)))
    practised: dict[str, int] = defaultdict(int)
    for qid in store.seen_question_ids(owner):
        for t in topics_of.get(qid, []):
            practised[t] += 1
    prog = Progress(
        sessions=len(summaries),
        answers_scored=sum(s.answers for s in summaries),
        rubrics={k: _series(v) for k, v in sorted(rubric_rows.items())},
        criteria={k: _series(v) for k, v in sorted(crit_rows.items())},
        topics_practised=dict(sorted(practised.items(), key=lambda kv: -kv[1])),
        topics_untouched=[t for t in all_topics if t not in practised],
    )
    if prog.criteria:
        recent = {k: float(np.mean([p.mean_level for p in v[-3:]])) for k, v in prog.criteria.items()}
        prog.weakest = min(recent, key=lambda k: (recent[k], k))
        prog.weakest_mean = recent[prog.weakest]
        pts = prog.criteria[prog.weakest]
        if len(pts) >= 2:
            prog.weakest_trend = float(np.polyfit(np.arange(len(pts)), [p.mean_level for p in pts], 1)[0])
    return prog
