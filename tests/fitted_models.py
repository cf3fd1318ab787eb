"""The fitted scoring models a test run uses, shipped in tests/fixtures/model-cache/ so a run does not fit them.

On the fake encoder a run fits three logistic regressions (intent with and without the question bank, STAR roles),
about 20 s of CPU before the first score. The shipped files are what `simulator.scoring.fitted.cached` writes: each
is named by a hash of what it was fitted on (training data, settings, encoder). After a change to that data the
shipped name no longer matches, the run fits afresh (right, only slower), and `tests/test_fitted_models.py` fails
until `python scripts/fit-test-models.py` refreshes the folder. The same test file checks that the shipped weights
equal a fresh fit (marked slow)."""

from __future__ import annotations

from pathlib import Path

from simulator.loaders import load_questions, load_rubrics
from simulator.scoring import Scorer
from simulator.scoring.encoder import FakeEncoder
from simulator.scoring.fitted import Weights
from simulator.settings import PROJECT_ROOT, Settings

SHIPPED = Path(__file__).parent / "fixtures" / "model-cache"
REFRESH = "run `.venv/bin/python scripts/fit-test-models.py` and commit tests/fixtures/model-cache/"


def fit_fake_models(cache_dir: Path) -> dict[str, Weights]:
    """Every fake-encoder model the tests use, fitted into `cache_dir` (or read from it when there): the runtime's
    scorer passes the question bank to the intent model; a scorer built by hand in a test does not."""
    settings = Settings(resources=PROJECT_ROOT)
    rubrics = load_rubrics(settings.rubrics_dir, PROJECT_ROOT)
    bank = load_questions(settings.corpus_dir, PROJECT_ROOT)
    with_bank = Scorer(rubrics, settings.rubrics_dir, FakeEncoder(), cache_dir=cache_dir, bank=bank)
    by_hand = Scorer(rubrics, settings.rubrics_dir, FakeEncoder(), cache_dir=cache_dir)
    return {
        "intent (with the bank)": with_bank.intents.weights(),
        "intent (no bank)": by_hand.intents.weights(),
        "STAR roles": with_bank.star.weights(),
    }
