"""Human agreement and speed: the whole Mohler file through `mocksim score --batch`, as a user would run it.

Prints JSON: pairwise accuracy of `coverage` against `gold` (within question, gold gap >= 1), Spearman and
Pearson, for all answers, the dev split used for fitting (1.x-5.x) and the held-out split (6.x-12.x);
wall time of the batch command (model load included) and its peak memory.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, mohler_rows, pairwise_accuracy, pearson, spearman


def main() -> None:
    rows = mohler_rows()
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch.jsonl"
        batch.write_text(
            "".join(
                json.dumps(
                    {
                        "id": r["id"],
                        "question": r["question"],
                        "answer": r["answer"],
                        "round": r["round"],
                        "reference": r["reference"],
                    }
                )
                + "\n"
                for r in rows
            )
        )
        exe = Path(sys.executable).parent / "mocksim"
        start = time.perf_counter()
        proc = subprocess.run(
            [str(exe), "score", "--batch", str(batch)], capture_output=True, text=True, cwd=ROOT, check=False
        )
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(json.dumps({"error": proc.stderr[-2000:]}))
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == [r["id"] for r in rows], "output order differs from input order"
    cov = [float(o["coverage"]) for o in out]
    gold = [float(r["gold"]) for r in rows]

    def split(pred: object) -> dict[str, float]:
        idx = [i for i, r in enumerate(rows) if pred(int(r["id"].split(".")[0]))]  # type: ignore[operator]
        return {
            "pairwise_accuracy": round(pairwise_accuracy([rows[i] for i in idx], [cov[i] for i in idx]), 4),
            "spearman": round(spearman([cov[i] for i in idx], [gold[i] for i in idx]), 4),
            "answers": len(idx),
        }

    print(
        json.dumps(
            {
                "benchmark": "mohler-coverage",
                "answers": len(rows),
                "pairwise_accuracy": round(pairwise_accuracy(rows, cov), 4),
                "spearman": round(spearman(cov, gold), 4),
                "pearson": round(pearson(cov, gold), 4),
                "dev_split_1_to_5": split(lambda a: a <= 5),
                "heldout_split_6_to_12": split(lambda a: a > 5),
                "targets": {
                    "pairwise_accuracy": 0.83,
                    "blend_baseline": 0.83,
                    "minilm_cosine_baseline": 0.786,
                    "human_ceiling": 0.80,
                    "batch_wall_seconds": 60,
                },
                "batch_wall_seconds": round(wall, 1),
                "batch_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
