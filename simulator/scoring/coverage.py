"""Coverage: which of the expected points an answer covers, and by which sentence.

A point's score blends three views, each in 0..1: the best sentence cosine (MiniLM sentence vectors), a soft
token recall of the point against every answer token (BERTScore-style, MiniLM token vectors), and the recall
of the point's content words (question words removed). Weights and thresholds live in
`rubrics/calibration/coverage.yaml`; docs/scoring.md says how they were fitted and on what data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.embeddings import DIM
from simulator.scoring.analysis import Analysis
from simulator.scoring.calibration import CoverageCalibration
from simulator.scoring.encoder import Encoded
from simulator.scoring.text import content_stems


@dataclass
class PointScore:
    index: int
    text: str
    score: float
    covered: bool
    sentence: str | None


def _answer_tokens(a: Analysis) -> np.ndarray:
    return a.token_vectors


def blend(cal: CoverageCalibration, cos: float, tok: float, wrd: float) -> float:
    total = cal.w_cosine + cal.w_tokens + cal.w_words or 1.0
    return (cal.w_cosine * cos + cal.w_tokens * tok + cal.w_words * wrd) / total


def _word_recall(target: str, answer_stems: frozenset[str], question_stems: frozenset[str]) -> float:
    stems = content_stems(target) - question_stems or content_stems(target)
    if not stems:
        return 0.0
    return len(stems & answer_stems) / len(stems)


def _soft_recall(target_tokens: np.ndarray, answer_tokens: np.ndarray) -> float:
    if not target_tokens.size or not answer_tokens.size:
        return 0.0
    return float(np.clip((target_tokens @ answer_tokens.T).max(axis=1), 0, 1).mean())


def point_scores(a: Analysis, points: Sequence[str], question: str = "") -> list[PointScore]:
    cal = a.calibration
    if not points:
        return []
    enc = a.encoder.encode(list(points))
    answer_tokens = a.token_vectors
    q_stems = content_stems(question)
    # every point against every sentence, and every point token against every answer token, in two products
    sims = np.stack([pe.vector for pe in enc]) @ a.sentence_vectors.T
    recalls = [0.0] * len(enc)
    if answer_tokens.size:
        point_tokens = [pe.tokens for pe in enc]
        best = np.clip((np.concatenate(point_tokens) @ answer_tokens.T).max(axis=1), 0, 1)
        ends = np.cumsum([len(t) for t in point_tokens])
        recalls = [float(seg.mean()) if seg.size else 0.0 for seg in np.split(best, ends[:-1])]
    out = []
    for i, p in enumerate(points):
        if a.sentences:
            j = int(np.argmax(sims[i]))
            cos, sent = max(0.0, float(sims[i, j])), a.sentences[j].sentence.text
        else:
            cos, sent = 0.0, None
        score = blend(cal, cos, recalls[i], _word_recall(p, a.stems, q_stems))
        out.append(
            PointScore(i, p, score, score >= cal.point_threshold, sent if score >= cal.point_threshold else None)
        )
    return out


def soft_coverage(scores: Sequence[PointScore], cal: CoverageCalibration) -> float:
    """0..1: each point counts from 0 (at the floor) to 1 (at the covered threshold)."""
    if not scores:
        return 0.0
    span = max(1e-6, cal.point_threshold - cal.point_floor)
    return float(np.mean([np.clip((s.score - cal.point_floor) / span, 0, 1) for s in scores]))


def reference_components(
    a: Analysis, reference: Sequence[Encoded], reference_text: str, question: str
) -> tuple[float, float, float]:
    """(cosine of the whole answer to the reference, soft token recall, content-word recall)."""
    if not a.encoded or not reference:
        return 0.0, 0.0, 0.0
    weights = np.array([max(1, s.words) for s in a.sentences], dtype=np.float32)
    vec = (np.stack([e.vector for e in a.encoded]) * weights[:, None]).sum(axis=0)
    vec /= max(float(np.linalg.norm(vec)), 1e-9)
    ref_w = np.array([max(1, e.tokens.shape[0]) for e in reference], dtype=np.float32)
    ref_vec = (np.stack([e.vector for e in reference]) * ref_w[:, None]).sum(axis=0)
    ref_vec /= max(float(np.linalg.norm(ref_vec)), 1e-9)
    ref_tokens = np.concatenate([e.tokens for e in reference if e.tokens.size] or [np.zeros((0, DIM))])
    return (
        max(0.0, float(vec @ ref_vec)),
        _soft_recall(ref_tokens, _answer_tokens(a)),
        _word_recall(reference_text, a.stems, content_stems(question)),
    )


def reference_score(a: Analysis, reference: Sequence[Encoded], reference_text: str, question: str) -> float:
    """Raw blend of the whole answer against a reference answer (higher is closer)."""
    return blend(a.calibration, *reference_components(a, reference, reference_text, question))


def scale_reference(raw: float, cal: CoverageCalibration) -> float:
    """Map a raw blend to 0..1 with a logistic curve: the floor maps near 0.05, the ceiling near 0.95.

    Strictly increasing, so no two different answers tie at the ends (a clip would)."""
    mid = (cal.reference_floor + cal.reference_ceiling) / 2
    scale = max(1e-6, (cal.reference_ceiling - cal.reference_floor) / 5.9)
    return float(1.0 / (1.0 + np.exp(-(raw - mid) / scale)))
