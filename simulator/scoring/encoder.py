"""Sentence and token vectors for the scorer, one forward pass per batch of sentences, cached by text.

The MiniLM encoder gives each sentence a unit vector (mean-pooled) and its unit token vectors; the token
vectors allow a BERTScore-style soft recall of a reference against an answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

import numpy as np

from simulator.embeddings import FakeEmbedder, MiniLMEmbedder
from simulator.scoring.text import words
from simulator.scoring.transformer import LeanMiniLM, Precision, resolve_precision


@dataclass(frozen=True)
class Encoded:
    vector: np.ndarray  # (DIM,) unit
    tokens: np.ndarray  # (n, DIM) unit rows


class Encoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> list[Encoded]: ...


class _Cache:
    def __init__(self, size: int = 20_000) -> None:
        self.data: OrderedDict[str, Encoded] = OrderedDict()
        self.size = size
        self.lock = threading.Lock()

    def get_many(self, texts: Sequence[str]) -> tuple[dict[str, Encoded], list[str]]:
        with self.lock:
            found = {t: self.data[t] for t in texts if t in self.data}
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        return found, missing

    def put(self, items: dict[str, Encoded]) -> None:
        with self.lock:
            self.data.update(items)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


def _unit_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return (m / np.maximum(norms, 1e-9)).astype(np.float32)


class MiniLMEncoder:
    """The bundled MiniLM through the lean forward pass (`transformer.py`), shared by every encoder."""

    name = "minilm"
    _lock = threading.Lock()
    _models: ClassVar[dict[str, LeanMiniLM]] = {}

    def __init__(self, precision: Precision = "auto") -> None:
        self.precision = resolve_precision(precision)
        self._cache = _Cache()

    def _model(self) -> LeanMiniLM:
        with self._lock:
            model = self._models.get(self.precision)
            if model is None:
                model = self._models[self.precision] = LeanMiniLM(MiniLMEmbedder._load(), self.precision)
            return model

    def forget(self) -> None:
        """Drop every cached vector (benchmarks use this to time cold answers again)."""
        self._cache = _Cache()

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        found, missing = self._cache.get_many(texts)
        if missing:
            out = self._model().run(missing)
            fresh = {}
            for text, tok, sent in zip(missing, out.tokens, out.sentence, strict=True):
                unit = (sent / max(float(np.linalg.norm(sent)), 1e-9)).astype(np.float32)
                fresh[text] = Encoded(unit, _unit_rows(tok))
            self._cache.put(fresh)
            found.update(fresh)
        return [found[t] for t in texts]


class FakeEncoder:
    """Deterministic encoder for unit tests: hashed bag-of-words sentence vectors, one vector per word."""

    name = "fake"

    def __init__(self) -> None:
        self._emb = FakeEmbedder()

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        out = []
        for t in texts:
            toks = words(t) or ["empty"]
            out.append(Encoded(self._emb.embed([t])[0], self._emb.embed(toks)))
        return out


def get_encoder(name: str, precision: Precision = "auto") -> Encoder:
    return FakeEncoder() if name == "fake" else MiniLMEncoder(precision)
