"""The scorer's MiniLM passes (ONNX Runtime, the default, and plain torch, the fallback) give the same vectors as
the sentence-transformers model and as each other."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.embeddings import MiniLMEmbedder
from simulator.runtime import Runtime
from simulator.scoring import encoder, onnx_minilm, transformer
from simulator.scoring.encoder import MiniLMEncoder
from simulator.scoring.onnx_minilm import OnnxMiniLM
from simulator.scoring.transformer import LeanMiniLM, resolve_precision
from simulator.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.slow

TEXTS = [
    "I added a composite index on (cart_id, created_at) and batched the item lookups into one query.",
    "As a result p95 dropped from 4 seconds to 300 ms.",
    "ok",
    "",
    "idempotency " * 400,  # longer than the model's 256-token window: truncated, like the reference model
]


def reference(model: object, texts: list[str]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    outs = model.encode(texts, output_value=None, batch_size=8)  # type: ignore[attr-defined]
    tokens, sentences = [], []
    for o in outs:
        n = int(o["attention_mask"].sum())
        tok = o["token_embeddings"][:n].float().numpy()
        tokens.append(tok[1:-1] if n > 2 else tok)
        sentences.append(o["sentence_embedding"].float().numpy())
    return tokens, sentences


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    return np.sum(a * b, axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def assert_matches_reference(model: object, out: transformer.Pass, floor: float) -> None:
    ref_tokens, ref_sentences = reference(model, TEXTS)
    for rt, rs, lt, ls in zip(ref_tokens, ref_sentences, out.tokens, out.sentence, strict=True):
        assert lt.shape == rt.shape
        assert cosines(rs, ls).min() >= floor
        assert cosines(rt, lt).min() >= floor


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_torch_pass_matches_the_reference_model(minilm: MiniLMEmbedder, precision: str) -> None:
    model = minilm._load()
    lean = LeanMiniLM(model, precision)  # type: ignore[arg-type]
    assert_matches_reference(model, lean.run(TEXTS), 0.99999 if precision == "fp32" else 0.9995)


def test_onnx_runtime_pass_matches_and_its_export_is_cached(minilm: MiniLMEmbedder, tmp_path: Path) -> None:
    model = minilm._load()
    first = OnnxMiniLM(model, tmp_path)
    exported = list(tmp_path.glob("*.onnx"))
    assert len(exported) == 1
    stamp = exported[0].stat().st_mtime_ns
    assert_matches_reference(model, first.run(TEXTS), 0.99999)
    OnnxMiniLM(model, tmp_path)  # a second process finds the file and does not export again
    assert [p.stat().st_mtime_ns for p in tmp_path.glob("*.onnx")] == [stamp]


def test_a_damaged_export_is_exported_again(minilm: MiniLMEmbedder, tmp_path: Path) -> None:
    model = minilm._load()
    damaged = tmp_path / f"minilm-packed-{onnx_minilm._weights_key(model[0].auto_model)}.onnx"
    damaged.write_bytes(b"half a file from a crashed export")
    assert_matches_reference(model, OnnxMiniLM(model, tmp_path).run(TEXTS), 0.99999)
    assert damaged.stat().st_size > 1_000_000
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_the_onnx_runtime_encoder_agrees_with_the_torch_pass(
    minilm: MiniLMEmbedder, model_cache: Path, precision: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKSIM_ENCODER_RUNTIME", "onnxruntime")
    default = Runtime(Settings(resources=PROJECT_ROOT)).scorer.encoder
    assert isinstance(default, MiniLMEncoder)
    assert default._model().runtime == "onnxruntime"
    assert list(model_cache.glob("minilm-packed-*.onnx"))  # exported into the model cache (MOCKSIM_CACHE_DIR)
    fallback = MiniLMEncoder(precision, "torch", model_cache)  # what runs when ONNX Runtime cannot
    assert fallback._model().runtime == "torch"
    # bf16 dense layers (the fallback's `auto` on CPUs with native bf16) move token vectors a little more: the
    # lowest is 0.99983, on the 400-times repeated word
    token_floor = 0.9999 if precision == "fp32" else 0.9995
    for a, b in zip(default.encode(TEXTS), fallback.encode(TEXTS), strict=True):
        assert float(a.vector @ b.vector) >= 0.9999
        assert cosines(a.tokens, b.tokens).min() >= token_floor


@pytest.mark.parametrize(("precision", "runtime"), [("bf16", "torch"), ("fp32", "onnxruntime")])
def test_auto_runs_torch_where_bf16_is_native_and_onnx_runtime_elsewhere(
    precision: str, runtime: str, tmp_path: Path
) -> None:
    assert MiniLMEncoder(precision, "auto", tmp_path).runtime == runtime  # type: ignore[arg-type]
    assert MiniLMEncoder(precision, "torch", tmp_path).runtime == "torch"  # type: ignore[arg-type]
    assert MiniLMEncoder(precision, "onnxruntime", tmp_path).runtime == "onnxruntime"  # type: ignore[arg-type]


def test_the_setting_chooses_the_torch_pass(minilm: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSIM_ENCODER_RUNTIME", "torch")
    enc = Runtime(Settings(resources=PROJECT_ROOT)).scorer.encoder
    assert isinstance(enc, MiniLMEncoder)
    assert enc._model().runtime == "torch"
    assert isinstance(enc._model(), LeanMiniLM)
    assert_matches_reference(minilm._load(), enc._model().run(TEXTS), 0.9995)


@pytest.mark.parametrize("broken", ["cache folder is a file", "onnxruntime missing"])
def test_a_failed_export_falls_back_to_torch_with_a_message(
    minilm: MiniLMEmbedder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    broken: str,
) -> None:
    cache = tmp_path / "cache"
    if broken == "cache folder is a file":
        cache.write_text("not a folder")
    else:
        monkeypatch.setitem(sys.modules, "onnxruntime", None)  # what `import onnxruntime` gives when it is absent
    enc = MiniLMEncoder("fp32", "onnxruntime", cache)
    with caplog.at_level(logging.WARNING, logger=encoder.__name__):
        vectors = enc.encode(TEXTS)
        enc.encode(["one more answer"])
    assert enc._model().runtime == "torch"
    [record] = caplog.records  # said once, not on every answer
    message = record.getMessage()
    assert str(cache) in message and "MOCKSIM_CACHE_DIR" in message and "MOCKSIM_ENCODER_RUNTIME=torch" in message
    _, ref_sentences = reference(minilm._load(), TEXTS)
    for v, rs in zip(vectors, ref_sentences, strict=True):
        assert cosines(v.vector, rs).min() >= 0.99999


def test_encoder_vectors_are_unit_and_cached(minilm: MiniLMEmbedder) -> None:
    enc = MiniLMEncoder("fp32")
    first = enc.encode(TEXTS[:2])
    assert all(abs(float(np.linalg.norm(e.vector)) - 1) < 1e-5 for e in first)
    assert np.allclose(np.linalg.norm(first[0].tokens, axis=1), 1, atol=1e-5)
    assert enc.encode(TEXTS[:2])[0] is first[0]
    assert enc.encode([]) == []


def test_precision_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_precision("fp32") == "fp32"
    assert resolve_precision("bf16") == "bf16"
    monkeypatch.setattr(transformer, "cpu_has_native_bf16", lambda: False)
    assert resolve_precision("auto") == "fp32"
    monkeypatch.setattr(transformer, "cpu_has_native_bf16", lambda: True)
    assert resolve_precision("auto") == "bf16"
    monkeypatch.setenv("MOCKSIM_ENCODER_PRECISION", "fp32")
    assert Settings(resources=PROJECT_ROOT).encoder_precision == "fp32"


@pytest.mark.parametrize("runtime", ["torch", "onnxruntime"])
def test_big_batches_run_in_bounded_passes(
    minilm: MiniLMEmbedder, model_cache: Path, monkeypatch: pytest.MonkeyPatch, runtime: str
) -> None:
    module = transformer if runtime == "torch" else onnx_minilm
    runner = LeanMiniLM(minilm._load(), "fp32") if runtime == "torch" else OnnxMiniLM(minilm._load(), model_cache)
    whole = runner.run(TEXTS[:3])
    monkeypatch.setattr(module, "TOKENS_PER_PASS", 8)  # forces one pass per text
    parts = runner.run(TEXTS[:3])
    for a, b in zip(whole.sentence, parts.sentence, strict=True):
        assert cosines(a, b).min() >= 0.99999
    assert transformer._chunks([[1] * 5, [1] * 5, [1] * 20, [1]], 10) == [[[1] * 5, [1] * 5], [[1] * 20], [[1]]]
