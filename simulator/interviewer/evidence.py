"""Does the answer so far already hold what a probe asks for? Checked by meaning, never by word match alone:
a key-point probe is spent when its key point (or the probe itself) reaches the 'mentioned' level of the
coverage blend; a criterion probe is spent when the criterion already has a quoted level of 3 or more."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from simulator.contracts import Question, Scorecard
from simulator.interviewer.plan_data import EvidenceFile
from simulator.scoring import coverage as cov
from simulator.scoring.scorer import Scorer

SAME_TARGET = 0.6  # cosine at which a model's free-text probe is taken to aim at a key point or a bank probe
_KEY_POINT = re.compile(r"^key_point:(\d+)$")


@dataclass
class AnswerEvidence:
    """What the answers to one question already hold, for deciding which probes are spent."""

    mentioned: set[int] = field(default_factory=set)  # key point indexes said, in any words
    evidenced: set[str] = field(default_factory=set)  # "rubric.criterion" with a quote at the set level
    probe_said: set[str] = field(default_factory=set)  # bank probe texts whose answer is already given

    def holds(self, target: str | None, probe: str | None = None) -> bool:
        if probe is not None and probe in self.probe_said:
            return True
        if not target:
            return False
        m = _KEY_POINT.match(target)
        if m:
            return int(m.group(1)) in self.mentioned
        return target in self.evidenced


class EvidenceCheck:
    def __init__(self, scorer: Scorer, thresholds: EvidenceFile) -> None:
        self.scorer, self.t = scorer, thresholds

    def read(self, question: Question | None, answer: str, card: Scorecard, covered: set[int]) -> AnswerEvidence:
        ev = AnswerEvidence(mentioned=set(card.covered_points) | covered)
        for rid, r in card.rubrics.items():
            for cid, c in r.criteria.items():
                if c.level >= self.t.criterion_level and c.evidence:
                    ev.evidenced.add(f"{rid}.{cid}")
        if question is None or not question.key_points or not answer.strip():
            return ev
        a = self.scorer.analyse(answer)
        if not a.sentences:
            return ev
        probes = [f for f in question.follow_ups if f.key_point is not None]
        views = list(question.key_points) + [f.text for f in probes]
        scores = cov.point_scores(a, views, question.prompt)
        n = len(question.key_points)
        for i in range(n):
            if scores[i].score >= self.t.key_point_mentioned:
                ev.mentioned.add(i)
        for f, s in zip(probes, scores[n:], strict=True):
            if s.score >= self.t.probe_mentioned and f.key_point is not None:
                ev.mentioned.add(f.key_point)
        for f in question.follow_ups:
            if ev.holds(f"key_point:{f.key_point}" if f.key_point is not None else f.criterion):
                ev.probe_said.add(f.text)
        return ev

    def target_of(self, question: Question | None, probe: str, target: str | None) -> str | None:
        """A model's probe names its target, or not: aim an unknown one at the nearest key point or bank probe."""
        if target and (_KEY_POINT.match(target) or "." in target):
            return target
        if question is None:
            return target
        views = list(question.key_points) + [f.text for f in question.follow_ups]
        enc = self.scorer.encoder.encode([probe, *views])
        sims = np.stack([e.vector for e in enc[1:]]) @ enc[0].vector
        best = int(np.argmax(sims))
        if float(sims[best]) < SAME_TARGET:
            return target
        if best < len(question.key_points):
            return f"key_point:{best}"
        f = question.follow_ups[best - len(question.key_points)]
        return f"key_point:{f.key_point}" if f.key_point is not None else f.criterion
