"""Encoder runtimes A/B, in one process, on the 40 strong answers that benchmarks/turns.py sends.

Paths, all over the same MiniLM weights and the same sentences (each answer split as the scorer splits it):
- `onednn`: the pass the scorer ran before issue 17, with weights prepacked for oneDNN by private
  `torch.ops.mkldnn` operators; removed from the package, rebuilt here only as the A/B's reference;
- `torch`: the package's plain torch pass, public torch only: the default (`auto`) on CPUs with native bf16;
- `onnxruntime`: the same maths exported once with `torch.onnx.export` and run by ONNX Runtime (fp32): the
  default elsewhere;
- `compiled`: the torch path with each layer's dense part compiled by `torch.compile` (inductor, dynamic shapes).
Each pass times every answer cold on every path, the order of the paths rotating from answer to answer, so
a busy machine slows them alike. Prints JSON: p50/p90 per path, the median paired ratio to `onednn` (same
answer, same pass), warm-up (build and first calls), the lowest cosine of sentence and token vectors to
`onednn`, which path the issue's rule keeps, which one the encoder uses by default, and whether that one is
within 10% of the best on this machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from turns import recorded

from simulator.embeddings import MiniLMEmbedder
from simulator.scoring.encoder import MiniLMEncoder
from simulator.scoring.onnx_minilm import OnnxMiniLM
from simulator.scoring.sentences import split_sentences
from simulator.scoring.transformer import LeanMiniLM, Pass, resolve_precision

AGREE = 0.9999  # lowest cosine to the current pass that counts as the same output
PUBLIC_WITHIN = 0.10  # the rule: keep the fastest public path if within 10% of the best
PRIVATE_MARGIN = 0.20  # private operators stay only if they win by more than 20%


class _Prepacked:
    """A dense layer through oneDNN's private operators: the weight reordered once, GELU fused into the product."""

    def __init__(self, weight: Any, bias: Any) -> None:
        import torch

        self.bias = bias
        self.packed = torch.ops.mkldnn._reorder_linear_weight(weight, 512)

    def __call__(self, x: Any, gelu: bool = False) -> Any:
        import torch

        return torch.ops.mkldnn._linear_pointwise(x, self.packed, self.bias, "gelu" if gelu else "none", [], "none")


def onednn(model: Any, precision: str) -> LeanMiniLM:
    """The torch pass with every dense weight prepacked for oneDNN: the scorer's pass before issue 17."""
    lean = LeanMiniLM(model, precision)  # type: ignore[arg-type]
    lean.layers = [
        dataclasses.replace(p, **{k: _Prepacked(d.weight, d.bias) for k, d in vars(p).items() if hasattr(d, "weight")})
        for p in lean.layers
    ]
    return lean


def compiled(model: Any, precision: str) -> LeanMiniLM:
    """The torch path with `_project` and `_finish` compiled; weights are inputs, so six layers share a graph."""
    import torch
    import torch.nn.functional as F

    lean = LeanMiniLM(model, precision)  # type: ignore[arg-type]
    dtype, heads, eps = lean.dtype, lean.heads, lean.eps

    @torch.compile(dynamic=True)
    def project(x: Any, w: Any, b: Any) -> Any:
        total, width = x.shape
        y = F.linear(x.to(dtype), w, b).view(total, 3, heads, width // heads).permute(1, 2, 0, 3)
        return y.float().contiguous()

    @torch.compile(dynamic=True)
    def finish(ctx: Any, x: Any, ws: tuple[Any, ...]) -> Any:
        ow, ob, l1w, l1b, uw, ub, dw, db, l2w, l2b = ws
        total, width = x.shape
        flat = ctx.transpose(0, 1).reshape(total, width).to(dtype)
        h = F.layer_norm(F.linear(flat, ow, ob).float() + x, (width,), l1w, l1b, eps)
        ff = F.linear(F.gelu(F.linear(h.to(dtype), uw, ub)), dw, db).float()
        return F.layer_norm(ff + h, (width,), l2w, l2b, eps)

    def weights(p: Any) -> tuple[Any, ...]:
        return (p.out.weight, p.out.bias, *p.ln1, p.up.weight, p.up.bias, p.down.weight, p.down.bias, *p.ln2)

    lean._project = lambda p, x: project(x, p.qkv.weight, p.qkv.bias)  # type: ignore[method-assign]
    lean._finish = lambda p, ctx, x: finish(ctx, x, weights(p))  # type: ignore[method-assign]
    return lean


def cosine_floor(a: Pass, b: Pass) -> tuple[float, float]:
    def low(xs: list[np.ndarray], ys: list[np.ndarray]) -> float:
        x, y = np.vstack(xs), np.vstack(ys)
        return float(np.min(np.sum(x * y, 1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)))

    return low(a.sentence, b.sentence), low(a.tokens, b.tokens)


def pct(xs: list[float], q: float) -> float:
    return round(float(np.percentile(xs, q)), 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--skip", default="", help="comma-separated paths to leave out, e.g. compiled")
    args = ap.parse_args()
    load_before = os.getloadavg()
    answers = [[s.text[:2000] for s in split_sentences(t["answer"])] for t in recorded()]
    model = MiniLMEmbedder._load()
    precision = resolve_precision("auto")
    cache = Path(tempfile.mkdtemp(prefix="mocksim-onnx-"))
    builders: dict[str, Callable[[], Any]] = {
        "onednn": lambda: onednn(model, precision),
        "torch": lambda: LeanMiniLM(model, precision),  # type: ignore[arg-type]
        "onnxruntime": lambda: OnnxMiniLM(model, cache),
        "compiled": lambda: compiled(model, precision),
    }
    skip = set(filter(None, args.skip.split(",")))
    paths, warmup = {}, {}
    for name, build in builders.items():
        if name in skip:
            continue
        start = time.perf_counter()
        paths[name] = build()
        built = time.perf_counter() - start
        firsts = []
        for texts in answers[:3]:  # first calls: compilation and lazy initialisation land here
            t0 = time.perf_counter()
            paths[name].run(texts)
            firsts.append(round((time.perf_counter() - t0) * 1000, 1))
        warmup[name] = {"build_s": round(built, 2), "first_calls_ms": firsts}
    for texts in answers[3:8]:  # the same warm-up for every path before timing
        for p in paths.values():
            p.run(texts)
    shutil.rmtree(cache)  # every path is built; the exported file is loaded
    reference = {i: paths["onednn"].run(texts) for i, texts in enumerate(answers)}
    agree = {name: [cosine_floor(reference[i], p.run(t)) for i, t in enumerate(answers)] for name, p in paths.items()}
    times: dict[str, list[float]] = {name: [] for name in paths}
    ratios: dict[str, list[float]] = {name: [] for name in paths}
    names = list(paths)
    for n in range(args.passes):
        for i, texts in enumerate(answers):
            k = (i + n) % len(names)
            this: dict[str, float] = {}
            for name in names[k:] + names[:k]:
                t0 = time.perf_counter()
                paths[name].run(texts)
                this[name] = (time.perf_counter() - t0) * 1000
                times[name].append(this[name])
            for name in names:
                ratios[name].append(this[name] / this["onednn"])
    p50 = {name: statistics.median(t) for name, t in times.items()}
    best = min(p50.values())
    public = {k: v for k, v in p50.items() if k != "onednn"}
    fastest_public = min(public, key=lambda k: public[k])
    private_wins = p50["onednn"] < public[fastest_public] / (1 + PRIVATE_MARGIN)
    ok = {name: min(min(s for s, _ in a), min(t for _, t in a)) >= AGREE for name, a in agree.items()}
    keep = "onednn" if private_wins or not ok[fastest_public] else fastest_public
    default = MiniLMEncoder().runtime
    print(
        json.dumps(
            {
                "benchmark": "encoder_runtimes",
                "answers": len(answers),
                "passes": args.passes,
                "mean_sentences": round(statistics.mean(len(a) for a in answers), 1),
                "precision_torch": precision,
                "precision_onnxruntime": "fp32",
                "torch_threads": __import__("torch").get_num_threads(),
                "load_average_before_after": [round(load_before[0], 1), round(os.getloadavg()[0], 1)],
                "paths": {
                    name: {
                        "p50_ms": round(p50[name], 2),
                        "p90_ms": pct(times[name], 90),
                        "ratio_p50_to_best": round(p50[name] / best, 3),
                        "paired_ratio_to_onednn_median": round(statistics.median(ratios[name]), 3),
                        "min_sentence_cosine": round(min(s for s, _ in agree[name]), 6),
                        "min_token_cosine": round(min(t for _, t in agree[name]), 6),
                        "agrees": ok[name],
                        "warmup": warmup[name],
                    }
                    for name in paths
                },
                "fastest_public": fastest_public,
                "public_within_10pct_of_best": p50[fastest_public] <= best * (1 + PUBLIC_WITHIN),
                "private_wins_by_more_than_20pct": private_wins,
                "keep": keep,
                "default": default,
                # the default (`auto`, decided by the CPU's bf16 support, not by a timing) is a public path; this
                # says whether it is also within the 10% of the best path on this machine
                "default_within_10pct_of_best": p50[default] <= best * (1 + PUBLIC_WITHIN) if default in p50 else None,
            }
        )
    )


if __name__ == "__main__":
    main()
