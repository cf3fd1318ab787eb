"""Sentence and token vectors for the scorer, from one forward pass per sentence, cached by text.

The MiniLM encoder gives each sentence a unit vector (mean-pooled) and its unit token vectors; the token
vectors allow a BERTScore-style soft recall of a reference against an answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from simulator.embeddings import FakeEmbedder, MiniLMEmbedder
from simulator.scoring.text import words


@dataclass(frozen=True)
class Encoded:
    vector: np.ndarray  # (384,) unit
    tokens: np.ndarray  # (n, 384) unit rows


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
    name = "minilm"

    def __init__(self) -> None:
        self._cache = _Cache()

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        found, missing = self._cache.get_many(texts)
        if missing:
            model: Any = MiniLMEmbedder._load()
            outs = model.encode(missing, output_value=None, batch_size=64, show_progress_bar=False)
            fresh = {}
            for text, out in zip(missing, outs, strict=True):
                tok = out["token_embeddings"]
                mask = out.get("attention_mask")
                tok = tok.float().cpu().numpy() if hasattr(tok, "cpu") else np.asarray(tok, dtype=np.float32)
                if mask is not None:
                    n = int(mask.sum())
                    tok = tok[:n]
                sent = out["sentence_embedding"]
                sent = sent.float().cpu().numpy() if hasattr(sent, "cpu") else np.asarray(sent, dtype=np.float32)
                sent = sent / max(float(np.linalg.norm(sent)), 1e-9)
                inner = tok[1:-1] if len(tok) > 2 else tok  # drop [CLS] and [SEP]
                fresh[text] = Encoded(sent.astype(np.float32), _unit_rows(inner))
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


def get_encoder(name: str) -> Encoder:
    return FakeEncoder() if name == "fake" else MiniLMEncoder()
