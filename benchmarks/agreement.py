"""Do the offline scores agree with interviewers? Prints one JSON object; exits 1 when a target is missed.

Data: `benchmarks/data/labelled_answers.jsonl`, interview answers written for this project in 17 voices by
eight writers, each labelled blind by another person (overall 1-5 and per-criterion presence). The split is
by author: W3, W7 and W8 (non-native, junior, academic, SRE, speech-to-text and principal-engineer voices)
are the test split and are never used for fitting; W8 was added after the scorer was fitted, as a check on
answers no one tuning it had read. `--fit` refits the criterion detectors (`rubrics/calibration/detectors.json`)
and then the map from criterion levels to `overall` (`rubrics/calibration/overall.yaml`) on the training
split; without it the committed files are measured as they are.

    python benchmarks/agreement.py [--fit] [--no-reference] [--no-padding]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import cohen_kappa, spearman  # noqa: E402
from benchmarks._fit_detectors import fit_detectors, write_detectors  # noqa: E402
from benchmarks._fit_overall import fit_overall, write_overall  # noqa: E402
from simulator.contracts import Scorecard  # noqa: E402
from simulator.runtime import get_runtime  # noqa: E402
from simulator.scoring import Item  # noqa: E402
from simulator.scoring.detectors import PATH  # noqa: E402
from simulator.scoring.overall import OverallCalibration  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "labelled_answers.jsonl"
TEST_AUTHORS = ("W3", "W7", "W8")
BAND_CENTRES = {1: 10, 2: 30, 3: 50, 4: 70, 5: 90}
TARGETS = {
    "spearman": 0.80,
    "qwk": 0.75,
    "mae": 10.0,
    "adjacent_ordered": 0.90,
    "top_at_80": 1.0,
    "bottom_at_25": 1.0,
    "reference_median": 85,
    "reference_p10": 70,
}


def load_rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def score_rows(rt: Any, rows: list[dict[str, Any]]) -> list[Scorecard]:
    return rt.scorer.score_many(items_of(rt, rows))


def items_of(rt: Any, rows: list[dict[str, Any]]) -> list[Item]:
    items = []
    for r in rows:
        q = rt.question_map.get(r["question_id"]) if r.get("question_id") else None
        if q is not None:
            items.append(Item(r["answer"], question=q))
        else:
            items.append(Item(r["answer"], question_text=r["question"], round=r.get("round")))
    return items


def band(overall: float) -> int:
    return min(5, int(overall // 20) + 1)


def qwk(a: list[int], b: list[int], k: int = 5) -> float:
    o = np.zeros((k, k))
    for x, y in zip(a, b, strict=True):
        o[x - 1, y - 1] += 1
    w = np.array([[(i - j) ** 2 for j in range(k)] for i in range(k)]) / (k - 1) ** 2
    e = np.outer(o.sum(1), o.sum(0)) / o.sum()
    return float(1 - (w * o).sum() / (w * e).sum())


def adjacent_ordered(labels: list[int], scores: list[float]) -> float:
    """Pairs whose labels differ by exactly one: the share the scorer orders the same way (ties count half)."""
    right = total = 0.0
    for i in range(len(labels)):
        for j in range(len(labels)):
            if labels[i] - labels[j] == 1:
                total += 1
                right += 1.0 if scores[i] > scores[j] else 0.5 if scores[i] == scores[j] else 0.0
    return right / total if total else 0.0


def overall_metrics(rows: list[dict[str, Any]], overall: list[float]) -> dict[str, Any]:
    labels = [r["label"]["overall"] for r in rows]
    top = [o for o, lab in zip(overall, labels, strict=True) if lab == 5]
    bottom = [o for o, lab in zip(overall, labels, strict=True) if lab == 1]
    by_label = defaultdict(list)
    for o, lab in zip(overall, labels, strict=True):
        by_label[lab].append(o)
    return {
        "n": len(rows),
        "spearman": round(spearman(overall, [float(x) for x in labels]), 3),
        "qwk": round(qwk(labels, [band(o) for o in overall]), 3),
        "mae": round(float(np.mean([abs(o - BAND_CENTRES[lab]) for o, lab in zip(overall, labels, strict=True)])), 2),
        "adjacent_ordered": round(adjacent_ordered(labels, overall), 3),
        "top_at_80": round(sum(o >= 80 for o in top) / len(top), 3) if top else None,
        "bottom_at_25": round(sum(o <= 25 for o in bottom) / len(bottom), 3) if bottom else None,
        "median_by_label": {str(k): statistics.median(v) for k, v in sorted(by_label.items())},
    }


def criterion_agreement(rows: list[dict[str, Any]], cards: list[Scorecard]) -> dict[str, Any]:
    """A criterion at level 3 or more counts as present; compared with the labeller's presence mark."""
    pairs: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for r, c in zip(rows, cards, strict=True):
        for key, present in r["label"]["criteria"].items():
            rid, cid = key.split(".", 1)
            if rid in c.rubrics and cid in c.rubrics[rid].criteria:
                pairs[key].append((bool(present), c.rubrics[rid].criteria[cid].level >= 3))
    out: dict[str, Any] = {}
    for key, ps in sorted(pairs.items()):
        k = cohen_kappa([a for a, _ in ps], [b for _, b in ps])
        out[key] = {
            "n": len(ps),
            "accuracy": round(sum(a == b for a, b in ps) / len(ps), 3),
            "kappa": None if k is None else round(k, 3),
        }
    by_rubric: dict[str, list[float]] = defaultdict(list)
    for key, v in out.items():
        by_rubric[key.split(".")[0]].append(v["accuracy"])
    return {"criteria": out, "rubrics": {k: round(float(np.mean(v)), 3) for k, v in sorted(by_rubric.items())}}


def reference_distribution(rt: Any) -> dict[str, Any]:
    cards = rt.scorer.score_many([Item(q.reference_answer, question=q) for q in rt.questions])
    by_round: dict[str, list[int]] = defaultdict(list)
    for q, c in zip(rt.questions, cards, strict=True):
        by_round[q.round].append(c.overall)
    every = sorted(c.overall for c in cards)
    return {
        "n": len(every),
        "median": statistics.median(every),
        "p10": every[len(every) // 10],
        "share_at_70": round(sum(o >= 70 for o in every) / len(every), 3),
        "min": every[0],
        "by_round": {k: statistics.median(v) for k, v in sorted(by_round.items())},
    }


FILLER = (
    " Communication is key and I always try to be a team player. At the end of the day we delivered, and it was a "
    "great learning experience for everyone involved."
)


def padding_check(rt: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Strong test answers pasted five times, and padded with filler: neither may score above the original."""
    strong = [r for r in rows if r["label"]["overall"] >= 4][:25]
    variants = []
    for r in strong:
        variants += [r["answer"], " ".join([r["answer"]] * 5), r["answer"] + FILLER * 3]
    cards = score_rows(
        rt, [{**r, "answer": a} for r, a in zip([x for x in strong for _ in range(3)], variants, strict=True)]
    )
    rose_repeat = rose_pad = 0
    for i in range(len(strong)):
        base, rep, pad = cards[3 * i].overall, cards[3 * i + 1].overall, cards[3 * i + 2].overall
        rose_repeat += rep > base
        rose_pad += pad > base
    return {"answers": len(strong), "repeated_scored_higher": rose_repeat, "padded_scored_higher": rose_pad}


def fit(rt: Any, train: list[dict[str, Any]]) -> dict[str, Any]:
    """Refit the detectors on the rule levels, then the overall map on the detectors' levels; write both."""
    rt.scorer.detectors = None
    rt.scorer.overall_calibration = OverallCalibration(curve=[(1.0, 0.0), (5.0, 100.0)])
    raw = score_rows(rt, train)
    read = [rt.scorer.detector_input(it) for it in items_of(rt, train)]
    vectors = np.stack([v for v, _ in read])
    detectors, report = fit_detectors(raw, vectors, train, rt.scorer.encoder.name, [w for _, w in read])
    write_detectors(detectors, ROOT / "rubrics" / PATH, len(train), TEST_AUTHORS)
    rt.scorer.detectors = detectors
    labels = [r["label"]["overall"] for r in train]
    cal = fit_overall(score_rows(rt, train), labels, rt.scorer.rubrics)
    write_overall(cal, ROOT / "rubrics" / "calibration" / "overall.yaml", len(train), TEST_AUTHORS)
    rt.scorer.overall_calibration = cal
    return report


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fit", action="store_true", help="refit rubrics/calibration/overall.yaml on the training split")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--no-padding", action="store_true")
    args = ap.parse_args()
    rt = get_runtime()
    rows = load_rows()
    train = [i for i, r in enumerate(rows) if r["author"] not in TEST_AUTHORS]
    test = [i for i, r in enumerate(rows) if r["author"] in TEST_AUTHORS]
    fitted: dict[str, Any] = {}
    if args.fit:
        fitted = fit(rt, [rows[i] for i in train])
    cards = score_rows(rt, rows)
    overall = [float(c.overall) for c in cards]
    intent_right = [int(c.intent == r["intent"]) for c, r in zip(cards, rows, strict=True)]
    report: dict[str, Any] = {
        "split": {"test_authors": list(TEST_AUTHORS), "train": len(train), "test": len(test)},
        "test": overall_metrics([rows[i] for i in test], [overall[i] for i in test]),
        "test_by_author": {
            a: overall_metrics(
                [rows[i] for i in test if rows[i]["author"] == a], [overall[i] for i in test if rows[i]["author"] == a]
            )
            for a in TEST_AUTHORS
        },
        "train": overall_metrics([rows[i] for i in train], [overall[i] for i in train]),
        "intent_accuracy_test": round(float(np.mean([intent_right[i] for i in test])), 3),
        "agreement_test": criterion_agreement([rows[i] for i in test], [cards[i] for i in test]),
    }
    if fitted:
        report["fitted_detectors"] = fitted
    if not args.no_reference:
        report["reference_answers"] = reference_distribution(rt)
    if not args.no_padding:
        report["padding"] = padding_check(rt, [rows[i] for i in test])
    misses = [
        k
        for k, v in TARGETS.items()
        if k in report["test"]
        and report["test"][k] is not None
        and ((report["test"][k] > v) if k == "mae" else (report["test"][k] < v))
    ]
    ref = report.get("reference_answers")
    if ref and ref["median"] < TARGETS["reference_median"]:
        misses.append("reference_median")
    if ref and ref["share_at_70"] < 0.9:
        misses.append("reference_share_at_70")
    pad = report.get("padding")
    if pad and (pad["repeated_scored_higher"] or pad["padded_scored_higher"]):
        misses.append("padding")
    report["targets_missed"] = misses
    print(json.dumps(report, indent=2))
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
