"""Shared helpers for benchmark scripts (each prints one JSON object)."""

from __future__ import annotations

import itertools
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "benchmarks"
sys.path.insert(0, str(ROOT))


def mohler_rows() -> list[dict[str, Any]]:
    path = SHARED / "mohler" / "mohler.jsonl"
    if not path.exists():
        raise SystemExit(json.dumps({"error": f"benchmark data not found at {path}"}))
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def pairwise_accuracy(rows: list[dict[str, Any]], scores: list[float], min_gap: float = 1.0) -> float:
    """Within-question pairs whose gold grades differ by >= min_gap; right when ordered the same (ties: half)."""
    by_q: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_q[r["id"].split("#")[0]].append(i)
    right = total = 0.0
    for idx in by_q.values():
        for i, j in itertools.combinations(idx, 2):
            gap = rows[i]["gold"] - rows[j]["gold"]
            if abs(gap) < min_gap:
                continue
            total += 1
            d = (scores[i] - scores[j]) * gap
            right += 1.0 if d > 0 else 0.5 if d == 0 else 0.0
    return right / total if total else 0.0


def spearman(a: list[float], b: list[float]) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


def cohen_kappa(truth: list[bool], said: list[bool]) -> float | None:
    """Agreement on a yes/no mark beyond chance; None when both always say the same thing."""
    n = len(truth)
    acc = sum(t == s for t, s in zip(truth, said, strict=True)) / n
    pa, pb = sum(truth) / n, sum(said) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return (acc - pe) / (1 - pe) if pe < 1 else None


def pearson(a: list[float], b: list[float]) -> float:
    from scipy.stats import pearsonr

    return float(pearsonr(a, b).statistic)


def scripted_judge(
    rubrics: dict[str, Any], body: dict[str, Any], level: int = 3, says: str = "Thanks, next one.", quote_words: int = 6
) -> dict[str, Any]:
    """A plausible judge reply for the loopback model server: `level` on every criterion of the rubrics the
    request lists, quoting the first words of the answer. It reads the whole conversation, so a repair
    request (whose last message is the repair instruction, not the rubrics) is answered in full too."""
    text = "\n".join(str(m.get("content") or "") for m in body["messages"] if m.get("role") == "user")
    ids = list(dict.fromkeys(line.split("]")[0][1:] for line in text.splitlines() if line.startswith("[")))
    answer = text.split(">>\n", 1)[1].split("\n<</", 1)[0] if ">>\n" in text else ""
    quote = " ".join(answer.split()[:quote_words])
    crits = [
        {"rubric": r, "criterion": c.id, "level": level, "evidence": [quote], "feedback": "ok"}
        for r in ids
        if r in rubrics
        for c in rubrics[r].criteria
    ]
    return {"criteria": crits, "next_move": "next_question", "interviewer_says": says}
