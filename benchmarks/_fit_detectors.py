"""Fit the learned criterion detectors (used by `benchmarks/agreement.py --fit`).

For each 'rubric.criterion' the labellers marked, a logistic regression reads the rule level (scaled to
0..1) and the answer's mean sentence vector, and predicts the labeller's presence mark. One regularisation
strength serves every criterion; it is chosen by leave-one-author-out log loss on the training authors, so
it is picked for answers by people it has not read. A criterion keeps its detector only where, in that same
leave-one-author-out run, the detector agrees with the labellers at least as well as the rule does (Cohen's
kappa of "present" = level 3 or more); elsewhere the rule level stands.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from benchmarks._common import cohen_kappa
from simulator.contracts import Scorecard
from simulator.scoring.detectors import Detector, Detectors

GRID = (3.0, 10.0, 30.0, 100.0)  # inverse regularisation strengths tried
MAX_ITER = 5000
REACH = 1  # levels a detector may move the rule's reading; ±1 cost 0.016 test Spearman against no limit, and
# keeps a criterion's level tied to its evidence (with no limit, a story with its outcome cut kept result 5/5)


def _kappa(truth: np.ndarray, said: np.ndarray) -> float:
    return cohen_kappa(truth.tolist(), said.tolist()) or 0.0


def _tables(
    cards: list[Scorecard], vectors: np.ndarray, rows: list[dict]
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """criterion -> (features, presence, author, rule level), over the answers whose card carries it."""
    found: dict[str, list[tuple[np.ndarray, bool, str, int]]] = defaultdict(list)
    for card, vec, row in zip(cards, vectors, rows, strict=True):
        for key, present in row["label"]["criteria"].items():
            rid, cid = key.split(".", 1)
            if rid in card.rubrics and cid in card.rubrics[rid].criteria:
                level = card.rubrics[rid].criteria[cid].level
                found[key].append((np.r_[level / 5.0, vec], bool(present), row["author"], level))
    return {
        k: (
            np.stack([f for f, *_ in v]),
            np.array([p for _, p, *_ in v]),
            np.array([a for *_, a, _ in v]),
            np.array([lv for *_, lv in v]),
        )
        for k, v in found.items()
    }


def _fit(x: np.ndarray, y: np.ndarray, c: float):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=MAX_ITER).fit(x, y)


def _cross_validate(tables: dict, c: float) -> tuple[float, dict[str, tuple[float, float]]]:
    """Pooled log loss and, per criterion, (detector kappa, rule kappa), each author held out in turn."""
    loss, n = 0.0, 0
    kappas: dict[str, tuple[float, float]] = {}
    for key, (x, y, authors, levels) in tables.items():
        said = np.zeros(len(y), bool)
        for author in sorted(set(authors)):
            held = authors == author
            if y[~held].all() or not y[~held].any():
                said[held] = bool(y[~held].all())
                continue
            p = _fit(x[~held], y[~held], c).predict_proba(x[held])[:, 1]
            p = np.clip(p, 1e-6, 1 - 1e-6)
            loss -= float(np.sum(np.where(y[held], np.log(p), np.log(1 - p))))
            n += int(held.sum())
            said[held] = p >= 0.5
        kappas[key] = (_kappa(y, said), _kappa(y, levels >= 3))
    return loss / max(n, 1), kappas


def fit_detectors(
    cards: list[Scorecard], vectors: np.ndarray, rows: list[dict], encoder: str, words: list[int]
) -> tuple[Detectors, dict]:
    tables = _tables(cards, vectors, rows)
    runs = {c: _cross_validate(tables, c) for c in GRID}
    best = min(GRID, key=lambda c: runs[c][0])
    kappas = runs[best][1]
    criteria: dict[str, Detector] = {}
    for key, (x, y, _, _) in sorted(tables.items()):
        det, rule = kappas[key]
        if y.all() or not y.any() or det < rule:  # the rule level stands
            continue
        m = _fit(x, y, best)
        coef = m.coef_[0]
        criteria[key] = Detector(
            bias=round(float(m.intercept_[0]), 5),
            rule=round(float(coef[0]), 5),
            vector=[round(float(w), 5) for w in coef[1:]],
            answers=len(y),
        )
    report = {
        "c": best,
        "log_loss_by_c": {str(c): round(runs[c][0], 4) for c in GRID},
        "kappa_cv_detector_vs_rule": {k: [round(d, 3), round(r, 3)] for k, (d, r) in sorted(kappas.items())},
        "kept": sorted(criteria),
    }
    dim = vectors.shape[1]
    return Detectors(
        fitted_on="",
        encoder=encoder,
        dim=dim,
        c=best,
        reach=REACH,
        min_words=min(words),
        fade_words=min(words),
        criteria=criteria,
    ), report


def write_detectors(det: Detectors, path: Path, n_train: int, held_out: tuple[str, ...]) -> None:
    det = det.model_copy(
        update={
            "fitted_on": f"benchmarks/data/labelled_answers.jsonl, {n_train} training answers (authors "
            f"{', '.join(held_out)} held out), {dt.date.today().isoformat()}; refit with "
            "`python benchmarks/agreement.py --fit`"
        }
    )
    path.write_text(json.dumps(det.model_dump(), separators=(",", ":")) + "\n", encoding="utf-8")
