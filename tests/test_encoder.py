"""The scorer's lean MiniLM forward pass gives the same vectors as the sentence-transformers model."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import torch

from simulator.embeddings import MiniLMEmbedder
from simulator.scoring import transformer
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


@pytest.mark.parametrize("dense", ["onednn", "plain"])
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_lean_pass_matches_the_reference_model(minilm: MiniLMEmbedder, precision: str, dense: str) -> None:
    model = minilm._load()
    lean = LeanMiniLM(model, precision, dense)  # type: ignore[arg-type]
    packed = [d.packed is not None for p in lean.layers for d in (p.qkv, p.out, p.up, p.down)]
    assert all(packed) == (dense == "onednn" and torch.backends.mkldnn.is_available())
    assert_matches_reference(model, lean.run(TEXTS), 0.99999 if precision == "fp32" else 0.9995)


def test_a_failing_onednn_call_falls_back_to_plain_torch_once(
    minilm: MiniLMEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    lean = LeanMiniLM(minilm._load(), "fp32", "onednn")
    for p in lean.layers:  # what a torch whose private operator changed its signature does: fail at call time
        for d in (p.qkv, p.out, p.up, p.down):
            d.packed = "a packed weight this torch no longer understands"
    with caplog.at_level(logging.WARNING, logger=transformer.__name__):
        out = lean.run(TEXTS)
        lean.run(TEXTS[:2])
    assert lean.dense == "plain"
    assert [r.getMessage() for r in caplog.records].count(caplog.records[0].getMessage()) == 1
    assert "plain torch linear" in caplog.records[0].getMessage()
    assert_matches_reference(minilm._load(), out, 0.99999)


def test_onnx_runtime_pass_matches_and_its_export_is_cached(minilm: MiniLMEmbedder, tmp_path: Path) -> None:
    model = minilm._load()
    first = OnnxMiniLM(model, tmp_path)
    exported = list(tmp_path.glob("*.onnx"))
    assert len(exported) == 1
    stamp = exported[0].stat().st_mtime_ns
    assert_matches_reference(model, first.run(TEXTS), 0.99999)
    OnnxMiniLM(model, tmp_path)  # a second process finds the file and does not export again
    assert [p.stat().st_mtime_ns for p in tmp_path.glob("*.onnx")] == [stamp]


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


def test_big_batches_run_in_bounded_passes(minilm: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    lean = LeanMiniLM(minilm._load(), "fp32")
    whole = lean.run(TEXTS[:3])
    monkeypatch.setattr(transformer, "TOKENS_PER_PASS", 8)  # forces one pass per text
    parts = lean.run(TEXTS[:3])
    for a, b in zip(whole.sentence, parts.sentence, strict=True):
        assert cosines(a, b).min() >= 0.99999
    assert transformer._chunks([[1] * 5, [1] * 5, [1] * 20, [1]], 10) == [[[1] * 5, [1] * 5], [[1] * 20], [[1]]]
