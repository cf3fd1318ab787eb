"""Fit the coverage blend and thresholds, and print them as JSON (`--write` saves them).

Data kept apart from evaluation:
- blend weights and the reference ceiling: Mohler questions 1.x-5.x only (the dev split);
  benchmarks/scoring_mohler.py reports the held-out split (6.x-12.x) separately;
- key-point threshold and floor: our own corpus, where each question's reference answer is a positive for
  its key points and the reference answer of another question in the same round is a negative.
"""

from __future__ import annotations

import json
import random
import sys

import numpy as np
import yaml
from _common import ROOT, mohler_rows, pairwise_accuracy

from simulator.runtime import get_runtime
from simulator.scoring import coverage as cov
from simulator.scoring.analysis import analyse
from simulator.scoring.sentences import split_sentences

DEV_MAX_ASSIGNMENT = 5


def main() -> None:
    rt = get_runtime()
    sc = rt.scorer
    rows = [r for r in mohler_rows() if int(r["id"].split(".")[0]) <= DEV_MAX_ASSIGNMENT]
    feats = []
    for r in rows:
        a = analyse(r["answer"], sc.encoder, sc.lex, sc.calibration)
        ref = sc.encoder.encode([s.text for s in split_sentences(r["reference"])])
        feats.append(cov.reference_components(a, ref, r["reference"], r["question"]))
    f = np.array(feats)
    grid = []
    for wc in np.arange(0, 1.01, 0.05):
        for wt in np.arange(0, 1.01 - wc, 0.05):
            w = np.array([wc, wt, 1 - wc - wt])
            grid.append((pairwise_accuracy(rows, list(f @ w)), -abs(w[0] - w[1]) - abs(w[1] - w[2]), tuple(w)))
    grid.sort(reverse=True)
    dev_acc, _, (wc, wt, ww) = grid[0]
    blended = f @ np.array([wc, wt, ww])
    ceiling = float(np.median([b for b, r in zip(blended, rows, strict=True) if r["gold"] >= 4.75]))

    # key points on our corpus: own reference (positive) vs another question's reference (negative)
    rng = random.Random(7)
    pos, neg, comps_pos, comps_neg = [], [], [], []
    for r in ("technical", "system_design", "coding"):
        qs = [q for q in rt.questions if q.round == r]
        for q in qs:
            other = rng.choice([x for x in qs if x.id != q.id])
            for answer, bucket in ((q.reference_answer, pos), (other.reference_answer, neg)):
                a = analyse(answer, sc.encoder, sc.lex, sc.calibration)
                enc = sc.encoder.encode(list(q.key_points))
                for p, pe in zip(q.key_points, enc, strict=True):
                    sims = [float(pe.vector @ e.vector) for e in a.encoded] or [0.0]
                    comps = (
                        max(0.0, max(sims)),
                        cov._soft_recall(pe.tokens, cov._answer_tokens(a)),
                        cov._word_recall(p, frozenset(cov.content_stems(answer)), cov.content_stems(q.prompt)),
                    )
                    bucket.append(float(np.dot([wc, wt, ww], comps)))
                    (comps_pos if bucket is pos else comps_neg).append(comps)
    pos_a, neg_a = np.array(pos), np.array(neg)
    best_t, best_bal = 0.5, 0.0
    for t in np.arange(0.2, 0.9, 0.005):
        bal = ((pos_a >= t).mean() + (neg_a < t).mean()) / 2
        if bal > best_bal:
            best_t, best_bal = float(t), float(bal)
    fitted = {
        "w_cosine": round(float(wc), 2),
        "w_tokens": round(float(wt), 2),
        "w_words": round(float(ww), 2),
        "point_threshold": round(best_t, 3),
        "point_floor": round(float(np.median(neg_a)), 3),
        "reference_floor": round(float(np.percentile(blended, 5)), 3),
        "reference_ceiling": round(ceiling, 3),
        "fitted_on": "blend weights and reference scale on Mohler questions 1.x-5.x (dev split); key-point "
        "threshold and floor on the corpus (own reference vs another question's reference)",
    }
    cal = sc.calibration
    committed_w = np.array([cal.w_cosine, cal.w_tokens, cal.w_words])
    committed_bal = (
        (np.array(comps_pos) @ committed_w >= cal.point_threshold).mean()
        + (np.array(comps_neg) @ committed_w < cal.point_threshold).mean()
    ) / 2
    report = {
        "fitted": fitted,
        "committed_key_point_balanced_accuracy": round(float(committed_bal), 4),
        "dev_pairwise_accuracy": round(dev_acc, 4),
        "key_point_balanced_accuracy": round(best_bal, 4),
        "positives": len(pos),
        "negatives": len(neg),
    }
    print(json.dumps(report))
    if "--write" in sys.argv:
        out = ROOT / "rubrics" / "calibration" / "coverage.yaml"
        header = (
            "# Coverage blend weights and thresholds. Written by benchmarks/calibrate_coverage.py --write;\n"
            "# see docs/scoring.md for how and on what data they were fitted.\n"
        )
        out.write_text(header + yaml.safe_dump(fitted, sort_keys=False, width=100))


if __name__ == "__main__":
    main()
