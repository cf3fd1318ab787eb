"""Refresh rubrics/fitted/: the STAR-role and answer-intent weights fitted ahead on the MiniLM encoders that `auto`
chooses (simulator/scoring/fitted.py, SHIPPED_FOR), so a new data dir scores its first answer without fitting them
(about 40 s of CPU on 2 cores). Run it after a change to the training data, the cue lists or the model settings
(tests/test_fitted_models.py says when), from the repository root:

    .venv/bin/python scripts/fit-shipped-models.py

Each file is named by a hash of what it was fitted on, as the model cache names it; a scorer whose data or encoder
differs finds no file and fits its own. The fit runs on a copy of rubrics/ without the shipped folder."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's simulator/, whatever the venv's editable install points at

from simulator.loaders import load_questions, load_rubrics  # noqa: E402
from simulator.scoring import Scorer  # noqa: E402
from simulator.scoring.encoder import MiniLMEncoder  # noqa: E402
from simulator.scoring.fitted import SHIPPED, SHIPPED_FOR, publish  # noqa: E402
from simulator.settings import Settings  # noqa: E402


def main() -> int:
    settings = Settings(resources=ROOT)
    target = settings.rubrics_dir / SHIPPED
    bank = load_questions(settings.corpus_dir, ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        rubrics = Path(tmp) / "rubrics"
        shutil.copytree(settings.rubrics_dir, rubrics, ignore=shutil.ignore_patterns(SHIPPED))
        fresh = Path(tmp) / "fitted"
        for identity in SHIPPED_FOR:
            _, runtime, precision = identity.split("/")
            encoder = MiniLMEncoder(precision, runtime, Path(tmp) / "export")  # type: ignore[arg-type]
            scorer = Scorer(load_rubrics(rubrics, ROOT), rubrics, encoder, cache_dir=fresh, bank=bank)
            assert encoder.identity == identity, f"{identity} is not available here ({encoder.identity})"
            scorer.star.weights()
            scorer.intents.weights()
            print(f"fitted the STAR and intent models on {identity}")
        print("\n".join(f"{line} in {target.relative_to(ROOT)}" for line in publish(fresh, target)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
