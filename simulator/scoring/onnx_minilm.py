"""The bundled MiniLM on ONNX Runtime: the lean pass's maths exported once from the same weights, then cached.

The graph takes every sentence of a call packed into one row of tokens (as `transformer.LeanMiniLM` does),
with each token's position and sentence number; attention is masked to the token's own sentence, so the
result is the per-sentence pass without padding. The export runs offline with `torch.onnx.export` on first
use and is kept in a cache folder, keyed by the weights, so later processes only load it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from simulator.scoring.transformer import Pass, _chunks, pool

log = logging.getLogger(__name__)
EXPORT_VERSION = "1"  # bump when the exported graph changes, so old cached files are not reused
TOKENS_PER_PASS = 1024  # attention scores are (heads, tokens, tokens) over a pass, so passes stay short


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
    tmp = path.with_suffix(f".{threading.get_ident()}.tmp")
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
    tmp.replace(path)
    log.info("exported MiniLM to ONNX at %s", path)
    return path


class OnnxMiniLM:
    """Same interface and results as `LeanMiniLM`, computed by ONNX Runtime in fp32."""

    def __init__(self, st_model: Any, cache_dir: Path, threads: int = 0) -> None:
        import onnxruntime as ort

        self.tokenizer = st_model.tokenizer
        self.max_len = int(st_model.max_seq_length)
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        path = export(st_model[0].auto_model, cache_dir)
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()

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
