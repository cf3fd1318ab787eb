"""Per-sentence STAR roles: a logistic-regression classifier over sentence embeddings plus cue features,
trained on the labelled sentences in `rubrics/training/star_sentences.yaml` (cached per encoder)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulator.errors import DataFileError
from simulator.loaders import read_yaml
from simulator.scoring.encoder import Encoder
from simulator.scoring.lexicon import Lexicon

ROLES = ("situation", "task", "action", "result", "other")


class _Labelled(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=3)
    role: str = Field(pattern="^(situation|task|action|result|other)$")


def load_training(rubrics_dir: Path) -> list[_Labelled]:
    path = rubrics_dir / "training" / "star_sentences.yaml"
    data = read_yaml(path, rubrics_dir.parent)
    rows = data.get("sentences") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise DataFileError([f"{path}: expected 'sentences:' with a list of {{text, role}}"])
    out, problems = [], []
    for i, r in enumerate(rows):
        try:
            out.append(_Labelled.model_validate(r))
        except ValidationError as err:
            problems.append(f"rubrics/training/star_sentences.yaml: sentence #{i + 1}: {err.errors()[0]['msg']}")
    if problems:
        raise DataFileError(problems)
    return out


def cue_features(text: str, lex: Lexicon) -> np.ndarray:
    low = text.lower()
    return np.array(
        [
            float(lex.has("first_person_singular", low)),
            float(lex.has("first_person_plural", low)),
            float(lex.has("action_verbs", low)),
            float(lex.has("result_cues", low)),
            float(lex.has("before_after", low)),
            float(any(ch.isdigit() for ch in low)),
            float(lex.has("platitudes", low) or lex.has("vague_claims", low)),
            float(
                any(
                    w in low
                    for w in (
                        "my job",
                        "my role",
                        "i was asked",
                        "i had to",
                        "the goal",
                        "needed to",
                        "responsible",
                        "my task",
                        "i owned",
                        "was to",
                    )
                )
            ),
        ],
        dtype=np.float32,
    )


class StarClassifier:
    def __init__(self, encoder: Encoder, lex: Lexicon, rubrics_dir: Path, cache_dir: Path | None = None) -> None:
        self.encoder, self.lex, self.rubrics_dir, self.cache_dir = encoder, lex, rubrics_dir, cache_dir
        self._lock = threading.Lock()
        self._weights: tuple[np.ndarray, np.ndarray] | None = None

    def _features(self, texts: Sequence[str]) -> np.ndarray:
        enc = self.encoder.encode(list(texts))
        return np.stack(
            [np.concatenate([e.vector, cue_features(t, self.lex)]) for e, t in zip(enc, texts, strict=True)]
        )

    def _train(self) -> tuple[np.ndarray, np.ndarray]:
        rows = load_training(self.rubrics_dir)
        texts = [r.text for r in rows]
        digest = hashlib.sha256(("\n".join(f"{r.role}\t{r.text}" for r in rows) + self.encoder.name).encode())
        cache = self.cache_dir / f"star-{digest.hexdigest()[:16]}.npz" if self.cache_dir else None
        if cache is not None and cache.exists():
            try:
                with np.load(cache) as z:
                    return z["coef"], z["intercept"]
            except (OSError, ValueError, KeyError):
                cache.unlink(missing_ok=True)
        from sklearn.linear_model import LogisticRegression

        x = self._features(texts)
        y = np.array([ROLES.index(r.role) for r in rows])
        clf = LogisticRegression(C=2.0, max_iter=2000)
        clf.fit(x, y)
        coef, intercept = clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32)
        if cache is not None:
            try:
                cache.parent.mkdir(parents=True, exist_ok=True)
                np.savez(cache, coef=coef, intercept=intercept)
            except OSError:
                pass  # a read-only data dir only costs a retrain next time
        return coef, intercept

    def weights(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            if self._weights is None:
                self._weights = self._train()
            return self._weights

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 5) role probabilities, with a mild prior from each sentence's position in the answer."""
        if not texts:
            return np.zeros((0, len(ROLES)), dtype=np.float32)
        coef, intercept = self.weights()
        logits = self._features(texts) @ coef.T + intercept
        n = len(texts)
        for i in range(n):
            pos = i / max(1, n - 1) if n > 1 else 0.5
            logits[i, 0] += 0.8 * (1 - pos) - 0.4  # situation early
            logits[i, 1] += 0.5 * (1 - pos) - 0.25  # task early-ish
            logits[i, 3] += 0.8 * pos - 0.4  # result late
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return (p / p.sum(axis=1, keepdims=True)).astype(np.float32)

    def roles(self, texts: Sequence[str]) -> list[str]:
        return [ROLES[int(i)] for i in self.probabilities(texts).argmax(axis=1)]
