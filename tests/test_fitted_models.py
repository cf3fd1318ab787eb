"""The fitted-model cache: a miss fits and stores, a hit reads without fitting, a damaged file is refitted; and the
fake encoder's models shipped for test runs (tests/fitted_models.py) are current and equal a fresh fit."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import simulator.scoring.intent
import simulator.scoring.star_model
from simulator.scoring.encoder import FakeEncoder, MiniLMEncoder
from simulator.scoring.fitted import Weights, cached, logistic
from simulator.scoring.intent import IntentModel
from simulator.scoring.lexicon import load_lexicon
from simulator.scoring.star_model import StarClassifier
from simulator.settings import PROJECT_ROOT

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

    def record(cache_dir: Path | None, prefix: str, key: str, fit: object) -> Weights:
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
