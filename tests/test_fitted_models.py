"""The fitted-model cache: a miss fits and stores, a hit reads without fitting, a damaged file is refitted; and the
fake encoder's models shipped for test runs (tests/fitted_models.py) are current and equal a fresh fit; the MiniLM
weights shipped in rubrics/fitted/ are current and spare a new data dir the fit."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import simulator.scoring.intent
import simulator.scoring.star_model
from simulator.loaders import load_questions
from simulator.scoring.encoder import Encoded, FakeEncoder, MiniLMEncoder
from simulator.scoring.fitted import SHIPPED as SHIPPED_DIR
from simulator.scoring.fitted import SHIPPED_FOR, Weights, cached, file_name, logistic
from simulator.scoring.intent import IntentModel
from simulator.scoring.lexicon import load_lexicon
from simulator.scoring.star_model import StarClassifier
from simulator.settings import PROJECT_ROOT, Settings

from .fitted_models import REFRESH, SHIPPED, fit_fake_models


def _counting_fit(calls: list[int]) -> Weights:
    calls.append(1)
    return np.arange(6, dtype=np.float32).reshape(2, 3), np.array([0.5, -0.5], dtype=np.float32)


def test_a_miss_fits_and_stores_a_hit_reads_and_a_damaged_file_is_refitted(tmp_path: Path) -> None:
    calls: list[int] = []
    coef, intercept = cached(tmp_path, "toy", "data v1", lambda: _counting_fit(calls))
    (stored,) = tmp_path.glob("toy-*.npz")
    again = cached(tmp_path, "toy", "data v1", lambda: _counting_fit(calls))
    assert len(calls) == 1, "the second call reads the stored file"
    assert np.array_equal(again[0], coef) and np.array_equal(again[1], intercept)
    cached(tmp_path, "toy", "data v2", lambda: _counting_fit(calls))
    assert len(calls) == 2 and len(list(tmp_path.glob("toy-*.npz"))) == 2, "other data, another file"
    stored.write_bytes(b"half a file")
    cached(tmp_path, "toy", "data v1", lambda: _counting_fit(calls))
    with np.load(stored) as rewritten:
        assert len(calls) == 3 and rewritten["coef"].shape == (2, 3), "a damaged file is fitted and written again"
    assert not list(tmp_path.glob("*.part.npz")), "no partial file is left behind"
    cached(None, "toy", "data v1", lambda: _counting_fit(calls))
    assert len(calls) == 4, "no cache folder: every call fits"


def test_models_fitted_on_other_vectors_are_cached_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The STAR and intent models are cached under what produced the vectors they were fitted on (model, runtime,
    precision), so a cache folder shared by two encoder runtimes never hands one runtime's fit to the other."""
    identities = {MiniLMEncoder(p, r, tmp_path).identity for p in ("fp32", "bf16") for r in ("torch", "onnxruntime")}
    assert len(identities) == 4
    keys: list[tuple[str, str]] = []

    def record(cache_dir: Path | None, prefix: str, key: str, fit: object, shipped: object = None) -> Weights:
        keys.append((prefix, key))
        return np.zeros((1, 1), np.float32), np.zeros(1, np.float32)

    for module in (simulator.scoring.star_model, simulator.scoring.intent):
        monkeypatch.setattr(module, "cached", record)
    rubrics = PROJECT_ROOT / "rubrics"
    for identity in ("fake", "fake/another-runtime"):
        encoder = FakeEncoder()
        monkeypatch.setattr(encoder, "identity", identity)
        StarClassifier(encoder, load_lexicon(rubrics), rubrics, tmp_path).weights()
        IntentModel(encoder, rubrics, (), tmp_path).weights()
    star, intent = ([k for p, k in keys if p == name] for name in ("star", "intent"))
    assert len(star) == len(intent) == 2 and star[0] != star[1] and intent[0] != intent[1]


def test_a_logistic_fit_separates_what_it_was_fitted_on() -> None:
    """The fit itself (the test run reads the shipped models, so it would otherwise run in the slow lane only)."""
    x = np.array([[0.0, 1.0], [0.2, 0.9], [1.0, 0.0], [0.9, 0.1], [0.5, 0.5], [0.6, 0.4]])
    y = np.array([0, 0, 1, 1, 2, 2])
    coef, intercept = logistic(x, y, c=10.0, max_iter=500)
    assert coef.shape == (3, 2) and intercept.shape == (3,) and coef.dtype == np.float32
    assert list(np.argmax(x @ coef.T + intercept, axis=1)) == [0, 0, 1, 1, 2, 2]


def test_the_shipped_models_are_current(tmp_path: Path) -> None:
    """Reading every model the tests use from a copy of the shipped folder fits nothing and writes nothing."""
    shipped = sorted(p.name for p in SHIPPED.glob("*.npz"))
    assert shipped, f"tests/fixtures/model-cache/ is empty: {REFRESH}"
    shutil.copytree(SHIPPED, tmp_path, dirs_exist_ok=True)
    models = fit_fake_models(tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.npz")) == shipped, f"a model was fitted afresh: {REFRESH}"
    assert len(models) == len(shipped), f"a shipped file is not one of the models the tests use: {REFRESH}"


@pytest.mark.slow
def test_the_shipped_models_equal_a_fresh_fit(tmp_path: Path) -> None:
    fit_fake_models(tmp_path)
    fresh = sorted(tmp_path.glob("*.npz"))
    assert [p.name for p in fresh] == sorted(p.name for p in SHIPPED.glob("*.npz")), REFRESH
    for path in fresh:
        with np.load(path) as new, np.load(SHIPPED / path.name) as old:
            assert sorted(new.files) == sorted(old.files) == ["coef", "intercept"]
            # The same code on the same data, up to the solver's tolerance: lbfgs stops once the gradient is small, and
            # another BLAS thread count or CPU (torch loaded first, another machine) moves where it stops. Seen: up to
            # 0.25% of the largest weight, with intent votes within 0.004 of each other and no decision changed.
            scale = float(np.abs(new["coef"]).max())
            for key in new.files:
                np.testing.assert_allclose(
                    old[key], new[key], rtol=0, atol=0.01 * scale, err_msg=f"{path.name}: {REFRESH}"
                )


class _Shipped:
    """An encoder that only says what it is: reading shipped weights must not encode anything."""

    name = "minilm"

    def __init__(self, identity: str) -> None:
        self.identity = identity

    def encode(self, texts: object) -> list[Encoded]:
        raise AssertionError("the shipped weights were not used: the model was fitted")


def _shipped_models(identity: str, cache: Path | None = None) -> tuple[StarClassifier, IntentModel]:
    rubrics = PROJECT_ROOT / "rubrics"
    bank = load_questions(Settings(resources=PROJECT_ROOT).corpus_dir, PROJECT_ROOT)
    encoder = _Shipped(identity)
    return StarClassifier(encoder, load_lexicon(rubrics), rubrics, cache), IntentModel(encoder, rubrics, bank, cache)


def test_the_shipped_minilm_weights_are_current() -> None:
    """rubrics/fitted/ holds exactly the STAR and intent weights of the current data for each encoder `auto` picks;
    after a change to the training data, the cue lists or the settings, refresh it (the test says how)."""
    want = set()
    for identity in SHIPPED_FOR:
        star, intent = _shipped_models(identity)
        want |= {file_name("star", star.key()), file_name("intent", intent.key())}
    have = {p.name for p in (PROJECT_ROOT / "rubrics" / SHIPPED_DIR).glob("*.npz")}
    assert have == want, "run `.venv/bin/python scripts/fit-shipped-models.py` and commit rubrics/fitted/"


def test_a_new_data_dir_scores_with_the_shipped_weights_without_fitting(tmp_path: Path) -> None:
    for identity in SHIPPED_FOR:
        star, intent = _shipped_models(identity, tmp_path)
        coef, intercept = star.weights()
        assert coef.shape[0] == len(simulator.scoring.star_model.ROLES) and intercept.shape == (coef.shape[0],)
        assert intent.weights()[0].shape[0] == len(simulator.scoring.intent.INTENTS)
    assert not list(tmp_path.iterdir()), "nothing fitted, nothing written to the data dir's cache"
    with pytest.raises(AssertionError, match="fitted"):
        _shipped_models("minilm/torch/fp32", tmp_path)[0].weights()  # an encoder nothing was shipped for fits
