"""Sentence and token vectors for the scorer, one forward pass per batch of sentences, cached by text.

The MiniLM encoder gives each sentence a unit vector (mean-pooled) and its unit token vectors; the token
vectors allow a BERTScore-style soft recall of a reference against an answer. It runs on ONNX Runtime
(`onnx_minilm.py`, exported once into the model cache) and falls back to a plain torch pass (`transformer.py`)
when ONNX Runtime cannot be used, or when `MOCKSIM_ENCODER_RUNTIME=torch` asks for it.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

import numpy as np

from simulator.embeddings import FakeEmbedder, MiniLMEmbedder
from simulator.scoring.text import words
from simulator.scoring.transformer import LeanMiniLM, Pass, Precision, resolve_precision

log = logging.getLogger(__name__)
EncoderRuntime = Literal["auto", "onnxruntime", "torch"]


def resolve_runtime(runtime: EncoderRuntime, precision: str) -> Literal["onnxruntime", "torch"]:
    """`auto`: the plain torch pass where its dense layers run in bf16 (a CPU with native bf16), else ONNX
    Runtime. Measured A/B on a quiet 2-core host with bf16 (turn p50 in `benchmarks/turns.py`): torch bf16
    37 ms, ONNX Runtime fp32 55 ms, torch fp32 69 ms. Without bf16 the two fp32 paths are close: ONNX Runtime
    won by 20% against torch fp32 on that host; on a 2-core AMD EPYC (AVX2 only) torch fp32 led by 3%
    (`benchmarks/encoder_runtimes.py`: forward p50 116 ms against 121 ms), inside the 10% the rule allows."""
    if runtime == "auto":
        return "torch" if precision == "bf16" else "onnxruntime"
    return runtime


@dataclass(frozen=True)
class Encoded:
    vector: np.ndarray  # (DIM,) unit
    tokens: np.ndarray  # (n, DIM) unit rows


class Encoder(Protocol):
    name: str

    @property
    def identity(self) -> str:
        """What produced the vectors (model, runtime, precision): models fitted on them are cached under it."""
        ...

    def encode(self, texts: Sequence[str]) -> list[Encoded]: ...


class Runner(Protocol):
    """One forward pass over many texts: `OnnxMiniLM` or `LeanMiniLM`."""

    tokenizer: Any
    max_len: int

    @property
    def runtime(self) -> str: ...

    @property
    def precision(self) -> str: ...

    def run(self, texts: Sequence[str]) -> Pass: ...


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
    """The bundled MiniLM on ONNX Runtime, or on the plain torch pass; one model per process and setting.

    `precision` only applies to the torch pass (ONNX Runtime runs fp32); `cache_dir` holds the exported graph
    (default: the settings' model cache, `MOCKSIM_CACHE_DIR`)."""

    name = "minilm"
    _lock = threading.Lock()
    _models: ClassVar[dict[tuple[str, str, str], Runner]] = {}

    def __init__(
        self, precision: Precision = "auto", runtime: EncoderRuntime = "auto", cache_dir: Path | None = None
    ) -> None:
        self.precision = resolve_precision(precision)
        self.runtime = resolve_runtime(runtime, self.precision)
        self.cache_dir = cache_dir
        self._cache = _Cache()

    @property
    def identity(self) -> str:
        return f"{self.name}/{self.runtime}/{self.precision}"

    def _model(self) -> Runner:
        if self.cache_dir is None:
            from simulator.settings import get_settings

            self.cache_dir = get_settings().model_cache
        key = (self.runtime, self.precision, str(self.cache_dir))
        with self._lock:
            model = self._models.get(key)
            if model is None:
                model = self._models[key] = self._build(self.cache_dir)
            return model

    def _build(self, cache_dir: Path) -> Runner:
        st_model = MiniLMEmbedder._load()
        if self.runtime == "onnxruntime":
            from simulator.scoring.onnx_minilm import OnnxMiniLM, OnnxUnavailable

            try:
                return OnnxMiniLM(st_model, cache_dir)
            except OnnxUnavailable as exc:
                log.warning(
                    "%s. The scorer uses the plain torch encoder instead (slower; vectors agree to cosine 0.9999); "
                    "MOCKSIM_ENCODER_RUNTIME=torch chooses it without trying ONNX Runtime.",
                    exc,
                )
        return LeanMiniLM(st_model, self.precision)

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
    identity = "fake"

    def __init__(self) -> None:
        self._emb = FakeEmbedder()

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        out = []
        for t in texts:
            toks = words(t) or ["empty"]
            out.append(Encoded(self._emb.embed([t])[0], self._emb.embed(toks)))
        return out


def get_encoder(
    name: str, precision: Precision = "auto", runtime: EncoderRuntime = "auto", cache_dir: Path | None = None
) -> Encoder:
    return FakeEncoder() if name == "fake" else MiniLMEncoder(precision, runtime, cache_dir)
