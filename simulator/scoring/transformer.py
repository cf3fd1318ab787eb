"""A lean forward pass of the bundled MiniLM in plain, public torch.

It is the default runtime on CPUs with native bf16, where its bf16 dense layers beat ONNX Runtime's fp32 pass
(`benchmarks/encoder_runtimes.py`, quiet host: paired ratio 1.06 to the removed private pass, ONNX Runtime
1.9); elsewhere ONNX Runtime is the default (`onnx_minilm.py`) and this pass is its fallback when the export
fails. `MOCKSIM_ENCODER_RUNTIME` chooses either. The same
weights and maths as the Hugging Face model, arranged for one answer at a time: every sentence is packed into
one tensor, so the dense layers run once over the real tokens with no padding; the query, key and value
projections are fused into one matrix, with attention's 1/sqrt(head_dim) folded into the query rows; attention
runs sentence by sentence, with no mask. Dense layers run in bfloat16 when the CPU has native bf16
instructions (sentence cosine to the fp32 model >= 0.9999); attention, layer norms and the residual stream stay
in fp32. Only public torch operators are used (`F.linear`, `F.gelu`, `torch.bmm`, ...).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

Precision = Literal["auto", "fp32", "bf16"]
TOKENS_PER_PASS = 4096  # a long answer is one pass; a batch of thousands is many, so memory stays bounded


def _chunks(ids: list[list[int]], budget: int) -> list[list[list[int]]]:
    out: list[list[list[int]]] = [[]]
    used = 0
    for x in ids:
        if out[-1] and used + len(x) > budget:
            out.append([])
            used = 0
        out[-1].append(x)
        used += len(x)
    return out


@functools.cache
def cpu_has_native_bf16() -> bool:
    """True when the CPU advertises avx512_bf16 or AMX, so bf16 matrix products run natively."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="ignore")
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def resolve_precision(precision: Precision) -> Literal["fp32", "bf16"]:
    if precision == "auto":
        return "bf16" if cpu_has_native_bf16() else "fp32"
    return precision


@functools.cache
def _single_threaded_blas() -> None:
    """numpy's BLAS only sees small matrices here; its idle worker threads spin and steal the cores that torch
    needs for the forward pass, so keep it to one thread (once per process)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


class _Dense:
    """One dense layer: `x @ w.T + b`, optionally followed by GELU."""

    def __init__(self, weight: Any, bias: Any) -> None:
        self.weight, self.bias = weight, bias

    def __call__(self, x: Any, gelu: bool = False) -> Any:
        import torch.nn.functional as F

        y = F.linear(x, self.weight, self.bias)
        return F.gelu(y) if gelu else y


@dataclass(frozen=True)
class _Layer:
    qkv: _Dense
    out: _Dense
    ln1: tuple[Any, Any]
    up: _Dense
    down: _Dense
    ln2: tuple[Any, Any]


@dataclass(frozen=True)
class Pass:
    """Per text: its token vectors (without [CLS] and [SEP]) and its mean-pooled sentence vector, not normed."""

    tokens: list[np.ndarray]
    sentence: list[np.ndarray]


def pool(hidden: np.ndarray, lengths: list[int], out: Pass) -> None:
    """Appends to `out` each sentence's mean-pooled vector and its token rows, from packed hidden states."""
    offset = 0
    for n in lengths:
        rows = hidden[offset : offset + n]
        offset += n
        out.sentence.append(rows.mean(axis=0))
        out.tokens.append(rows[1:-1] if n > 2 else rows)


class LeanMiniLM:
    runtime = "torch"

    def __init__(self, st_model: Any, precision: Precision = "auto") -> None:
        import torch

        self.precision = resolve_precision(precision)
        self.dtype = torch.bfloat16 if self.precision == "bf16" else torch.float32
        self.tokenizer = st_model.tokenizer
        self.max_len = int(st_model.max_seq_length)
        bert = st_model[0].auto_model
        cfg = bert.config
        self.heads = int(cfg.num_attention_heads)
        self.hidden = int(cfg.hidden_size)
        self.eps = float(cfg.layer_norm_eps)
        self._lock = threading.Lock()
        _single_threaded_blas()
        e = bert.embeddings

        def own(t: Any, dtype: Any = torch.float32) -> Any:
            return t.detach().to(dtype).contiguous().clone()

        with torch.no_grad():
            self.word = own(e.word_embeddings.weight)
            self.pos = own(e.position_embeddings.weight)
            self.type0 = own(e.token_type_embeddings.weight[0])
            self.ln0 = (own(e.LayerNorm.weight), own(e.LayerNorm.bias))
            self.layers = []
            scale = (self.hidden // self.heads) ** -0.5
            for layer in bert.encoder.layer:
                att = layer.attention
                q, k, v = att.self.query, att.self.key, att.self.value
                dt = self.dtype
                self.layers.append(
                    _Layer(
                        qkv=_Dense(  # the 1/sqrt(head_dim) of attention is folded into the query rows
                            own(torch.cat([q.weight * scale, k.weight, v.weight]), dt),
                            own(torch.cat([q.bias * scale, k.bias, v.bias]), dt),
                        ),
                        out=_Dense(own(att.output.dense.weight, dt), own(att.output.dense.bias, dt)),
                        ln1=(own(att.output.LayerNorm.weight), own(att.output.LayerNorm.bias)),
                        up=_Dense(own(layer.intermediate.dense.weight, dt), own(layer.intermediate.dense.bias, dt)),
                        down=_Dense(own(layer.output.dense.weight, dt), own(layer.output.dense.bias, dt)),
                        ln2=(own(layer.output.LayerNorm.weight), own(layer.output.LayerNorm.bias)),
                    )
                )

    def run(self, texts: Sequence[str]) -> Pass:
        if not texts:
            return Pass([], [])
        ids = self.tokenizer(list(texts), truncation=True, max_length=self.max_len)["input_ids"]
        out = Pass([], [])
        for chunk in _chunks(ids, TOKENS_PER_PASS):
            with self._lock:  # torch already uses every core; one pass at a time keeps latency flat
                hidden, lengths = self._forward(chunk)
            pool(hidden, lengths, out)
        return out

    def _forward(self, ids: list[list[int]]) -> tuple[np.ndarray, list[int]]:
        import torch
        import torch.nn.functional as F

        lengths = [len(x) for x in ids]
        width = self.hidden
        with torch.inference_mode():
            flat = torch.tensor([t for x in ids for t in x], dtype=torch.long)
            positions = torch.cat([torch.arange(n) for n in lengths])
            x = F.layer_norm(self.word[flat] + self.pos[positions] + self.type0, (width,), *self.ln0, self.eps)
            for p in self.layers:
                qkv = self._project(p, x)
                parts = [
                    torch.bmm(torch.softmax(torch.bmm(q, k.transpose(1, 2)), dim=-1), v)
                    for q, k, v in zip(*(t.split(lengths, dim=1) for t in qkv), strict=True)
                ]
                x = self._finish(p, torch.cat(parts, 1), x)
            return x.numpy(), lengths

    def _project(self, p: _Layer, x: Any) -> Any:
        """q, k and v laid out by one copy as (3, heads, tokens, head_dim) in fp32, so each sentence's slice is
        a ready batch of per-head matrices and attention is three products per sentence."""
        import torch

        total, heads = x.shape[0], self.heads
        qkv = p.qkv(x.to(self.dtype)).view(total, 3, heads, self.hidden // heads).permute(1, 2, 0, 3)
        return torch.empty((3, heads, total, self.hidden // heads)).copy_(qkv)

    def _finish(self, p: _Layer, ctx: Any, x: Any) -> Any:
        """The rest of a layer from the attention context (heads, tokens, head_dim): output projection, norm,
        feed-forward, norm."""
        import torch
        import torch.nn.functional as F

        total, width = x.shape
        flat = torch.empty((total, self.heads, width // self.heads), dtype=self.dtype).copy_(ctx.transpose(0, 1))
        h = F.layer_norm(p.out(flat.view(total, width)).float() + x, (width,), *p.ln1, self.eps)
        ff = p.down(p.up(h.to(self.dtype), gelu=True)).float()
        return F.layer_norm(ff + h, (width,), *p.ln2, self.eps)
