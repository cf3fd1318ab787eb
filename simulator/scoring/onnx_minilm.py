"""The bundled MiniLM on ONNX Runtime (the encoder's default): the lean pass's maths exported once from the
same weights, then cached.

The graph takes every sentence of a call packed into one row of tokens (as `transformer.LeanMiniLM` does),
with each token's position and sentence number; attention is masked to the token's own sentence, so the
result is the per-sentence pass without padding. The export runs offline with `torch.onnx.export` on first
use (`mocksim index` does it) and is kept in the model cache folder, keyed by the weights, so later processes
only load it. Anything that stops the export or the load raises `OnnxUnavailable`, saying what to do.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from simulator.scoring.transformer import Pass, _chunks, pool

log = logging.getLogger(__name__)
EXPORT_VERSION = "1"  # bump when the exported graph changes, so old cached files are not reused
TOKENS_PER_PASS = 512  # attention is (heads, tokens, tokens) over a pass: short passes cost less (1024 was slower)


class OnnxUnavailable(RuntimeError):
    """The ONNX Runtime encoder could not be exported or loaded; the message says why and what to do."""


def _graph(bert: Any) -> Any:
    """A torch module with the lean pass's maths in fp32, over packed sentences, for export."""
    import torch
    import torch.nn.functional as F

    cfg = bert.config
    heads, width = int(cfg.num_attention_heads), int(cfg.hidden_size)
    head_dim = width // heads

    class Packed(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, ids: Any, positions: Any, segments: Any) -> Any:
            e = self.bert.embeddings
            x = e.word_embeddings(ids) + e.position_embeddings(positions) + e.token_type_embeddings.weight[0]
            x = e.LayerNorm(x)
            total = ids.shape[0]
            blocked = segments.unsqueeze(0) != segments.unsqueeze(1)  # (tokens, tokens): another sentence
            bias = torch.zeros(blocked.shape).masked_fill(blocked, float("-inf"))
            for layer in self.bert.encoder.layer:
                att = layer.attention.self

                def heads_of(t: Any) -> Any:
                    return t.view(total, heads, head_dim).transpose(0, 1)

                q, k, v = (heads_of(lin(x)) for lin in (att.query, att.key, att.value))
                scores = torch.matmul(q, k.transpose(1, 2)) * head_dim**-0.5 + bias
                ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(0, 1).reshape(total, width)
                h = layer.attention.output.LayerNorm(layer.attention.output.dense(ctx) + x)
                ff = layer.output.dense(F.gelu(layer.intermediate.dense(h)))
                x = layer.output.LayerNorm(ff + h)
            return x

    return Packed().eval()


def _weights_key(bert: Any) -> str:
    h = hashlib.sha256(EXPORT_VERSION.encode())
    for name, t in sorted(bert.state_dict().items()):
        h.update(name.encode())
        h.update(t.detach().float().contiguous().numpy().tobytes()[:4096])
        h.update(str(tuple(t.shape)).encode())
    return h.hexdigest()[:16]


def export(bert: Any, cache_dir: Path) -> Path:
    """The exported graph's path in `cache_dir`, exporting it first if no file for these weights is there."""
    import torch

    path = cache_dir / f"minilm-packed-{_weights_key(bert)}.onnx"
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    ids = torch.tensor([101, 2023, 2003, 102, 101, 7592, 102], dtype=torch.long)
    positions = torch.tensor([0, 1, 2, 3, 0, 1, 2], dtype=torch.long)
    segments = torch.tensor([0, 0, 0, 0, 1, 1, 1], dtype=torch.long)
    tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")  # processes may export at once
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
            torch.onnx.export(
                _graph(bert),
                (ids, positions, segments),
                str(tmp),
                dynamo=False,
                input_names=["ids", "positions", "segments"],
                output_names=["hidden"],
                dynamic_axes={"ids": [0], "positions": [0], "segments": [0], "hidden": [0]},
                opset_version=17,
            )
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)  # whole or absent: a process never loads half a file
    log.info("exported MiniLM to ONNX at %s", path)
    return path


def _ort_errors() -> tuple[type[Exception], ...]:
    """ONNX Runtime's own exceptions (they derive from Exception only); none when it is not installed."""
    try:
        from onnxruntime.capi import onnxruntime_pybind11_state as state
    except ImportError:
        return ()

    names = ("Fail", "InvalidArgument", "InvalidGraph", "InvalidProtobuf", "NoSuchFile", "RuntimeException")
    return tuple(getattr(state, n) for n in names if hasattr(state, n))


def session(path: Path, threads: int = 0) -> Any:
    """An ONNX Runtime session on the CPU with every graph optimisation, as the encoder runs it."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    # Idle workers sleep instead of spinning: spinning ones took the cores from the rest of the scorer, and a
    # whole offline turn took 1.6-1.7x as long (paired A/B over the 40 strong answers, two runs: 0.615, 0.591).
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


class OnnxMiniLM:
    """Same interface and results as `LeanMiniLM`, computed by ONNX Runtime in fp32."""

    runtime = "onnxruntime"
    precision = "fp32"

    def __init__(self, st_model: Any, cache_dir: Path, threads: int = 0) -> None:
        self.tokenizer = st_model.tokenizer
        self.max_len = int(st_model.max_seq_length)
        self._lock = threading.Lock()
        failures: tuple[type[BaseException], ...] = (ImportError, OSError, RuntimeError, ValueError, *_ort_errors())
        try:
            self.session = self._session(st_model[0].auto_model, cache_dir, threads)
        except failures as exc:
            raise OnnxUnavailable(
                f"could not export or load the MiniLM encoder for ONNX Runtime in {cache_dir} ({exc}); "
                "check that the folder is writable (MOCKSIM_CACHE_DIR) and that `onnx` and `onnxruntime` are "
                "installed (`pip install -e .`)"
            ) from exc

    @staticmethod
    def _session(bert: Any, cache_dir: Path, threads: int) -> Any:
        path = export(bert, cache_dir)
        try:
            return session(path, threads)
        except _ort_errors():  # a damaged file left by an earlier run: export it again, once
            path.unlink(missing_ok=True)
            return session(export(bert, cache_dir), threads)

    def run(self, texts: Sequence[str]) -> Pass:
        if not texts:
            return Pass([], [])
        ids = self.tokenizer(list(texts), truncation=True, max_length=self.max_len)["input_ids"]
        out = Pass([], [])
        for chunk in _chunks(ids, TOKENS_PER_PASS):  # attention is masked over the whole pass: keep it short
            lengths = [len(x) for x in chunk]
            feed = {
                "ids": np.fromiter((t for x in chunk for t in x), dtype=np.int64),
                "positions": np.concatenate([np.arange(n, dtype=np.int64) for n in lengths]),
                "segments": np.repeat(np.arange(len(lengths), dtype=np.int64), lengths),
            }
            with self._lock:
                hidden = self.session.run(None, feed)[0]
            pool(hidden, lengths, out)
        return out
