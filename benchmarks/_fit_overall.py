"""Fit the map from criterion levels to `overall` (used by `benchmarks/agreement.py --fit`).

Per intent, the label (1-5) is regressed on the card's criterion levels with non-negative weights, pulled
towards the rubric weights (a ridge prior), so a criterion can only ever raise a score. The weighted mean
level then goes through one monotone curve, fitted by isotonic regression of each label's band centre
(1 -> 10, 2 -> 30, ... 5 -> 90) on that mean level, and kept as a few knots.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.optimize import nnls

from simulator.contracts import Rubric, Scorecard
from simulator.scoring.overall import OverallCalibration

PRIOR = 16.0  # ridge strength towards the rubric weights, in units of answers (4 and 0.5 did no better)
KNOTS = 5  # curve knots at evenly spaced quantiles of the mean level
MIN_SLOPE = 8.0  # overall points per level of the mean, at least, between two knots
MIN_FOR_OWN_CURVE = 40  # an intent with fewer training answers uses the shared curve
CENTRES = {1: 10.0, 2: 30.0, 3: 50.0, 4: 70.0, 5: 90.0}


def _levels(card: Scorecard) -> dict[str, int]:
    return {f"{rid}.{cid}": c.level for rid, r in card.rubrics.items() for cid, c in r.criteria.items()}


def _prior(keys: list[str], rubrics: dict[str, Rubric]) -> np.ndarray:
    w = []
    for key in keys:
        rid, cid = key.split(".", 1)
        rubric = rubrics[rid]
        w.append(rubric.criterion(cid).weight / sum(c.weight for c in rubric.criteria))
    arr = np.array(w)
    return arr / arr.sum()


def _intent_weights(cards: list[Scorecard], labels: list[int], rubrics: dict[str, Rubric]) -> dict[str, float]:
    keys = sorted({k for c in cards for k in _levels(c)})
    rows = []
    for c in cards:
        lv = _levels(c)
        fill = float(np.mean(list(lv.values()))) if lv else 1.0
        rows.append([lv.get(k, fill) for k in keys])
    x = np.array(rows, dtype=float)
    y = np.array(labels, dtype=float)
    prior = _prior(keys, rubrics)
    # label ~ a + sum(b_k * level_k), b >= 0, a free (two columns); pulled towards b = B * prior
    scale = max(1e-6, float(np.linalg.lstsq(np.c_[np.ones(len(y)), x @ prior], y, rcond=None)[0][1]))
    a = np.c_[x, np.ones(len(y)), -np.ones(len(y))]
    reg = np.sqrt(PRIOR) * np.c_[np.eye(len(keys)), np.zeros((len(keys), 2))]
    b, _ = nnls(np.r_[a, reg], np.r_[y, np.sqrt(PRIOR) * scale * prior])
    weights = b[: len(keys)]
    if weights.sum() <= 0:
        weights = prior
    weights = weights / weights.sum()
    return {k: round(float(w), 4) for k, w in zip(keys, weights, strict=True)}


def _curve(means: np.ndarray, labels: Sequence[int]) -> list[tuple[float, float]]:
    from sklearn.isotonic import IsotonicRegression

    target = np.array([CENTRES[int(lab)] for lab in labels])
    iso = IsotonicRegression(y_min=0.0, y_max=100.0, out_of_bounds="clip").fit(means, target)
    qs = np.quantile(means, np.linspace(0.0, 1.0, KNOTS))
    xs = [1.0, *[float(q) for q in qs], 5.0]
    ys = [0.0, *[float(v) for v in iso.predict(qs)], 100.0]
    knots: list[tuple[float, float]] = []
    for x, y in zip(xs, ys, strict=True):
        if knots and x <= knots[-1][0] + 1e-3:
            continue
        if knots:  # strictly increasing, with a floor on the slope: a better reading always shows in the score
            y = max(y, knots[-1][1] + MIN_SLOPE * (x - knots[-1][0]))
        knots.append((round(x, 3), round(min(y, 100.0), 1)))
    if knots[-1][0] < 5.0:
        knots.append((5.0, 100.0))
    return knots


def fit_overall(cards: list[Scorecard], labels: list[int], rubrics: dict[str, Rubric]) -> OverallCalibration:
    by_intent: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(cards):
        by_intent[c.intent or ""].append(i)
    weights = {
        intent: _intent_weights([cards[i] for i in idx], [labels[i] for i in idx], rubrics)
        for intent, idx in by_intent.items()
        if intent and len(idx) >= 10
    }
    cal = OverallCalibration(weights=weights, curve=[(1.0, 0.0), (5.0, 100.0)])
    means = np.array([cal.mean_level(c.intent or "", _levels(c), rubrics) for c in cards])
    curves = {
        intent: _curve(means[idx], [labels[i] for i in idx])
        for intent, idx in ((k, np.array(v)) for k, v in by_intent.items())
        if intent and len(idx) >= MIN_FOR_OWN_CURVE
    }
    return cal.model_copy(update={"curve": _curve(means, labels), "curves": curves})


def write_overall(cal: OverallCalibration, path: Path, n_train: int, held_out: Sequence[str]) -> None:
    lines = [
        "# How criterion levels become `overall`: a weighted mean level per intent, then a curve to 0..100.",
        "# Fitted by `python benchmarks/agreement.py --fit` on the labelled answers' training split",
        f"# ({n_train} answers; authors {', '.join(held_out)} held out for testing). Weights are non-negative and",
        "# pulled towards the rubric weights; the curve is an isotonic fit of each label's band centre.",
        f'fitted_on: "benchmarks/data/labelled_answers.jsonl, training split, {dt.date.today().isoformat()}"',
        "weights:",
    ]
    for intent, ws in sorted(cal.weights.items()):
        lines.append(f"  {intent}:")
        lines += [f"    {k}: {v}" for k, v in sorted(ws.items())]
    lines.append("curve:  # [mean level, overall], for an intent with no curve of its own")
    lines += [f"  - [{x}, {y}]" for x, y in cal.curve]
    lines.append("curves:")
    for intent, curve in sorted(cal.curves.items()):
        lines.append(f"  {intent}: [{', '.join(f'[{x}, {y}]' for x, y in curve)}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
