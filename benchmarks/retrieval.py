"""Question-index speed: build time, and p50/p95 query latency at corpus size and at 100,000 synthetic
questions in embedded Chroma. Prints JSON. Usage: python benchmarks/retrieval.py [--synthetic N]"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import ROOT

from simulator.retrieval import ROUND_NAMES, QuestionIndex, collection_name, make_client
from simulator.runtime import Runtime
from simulator.settings import Settings

QUERIES = [
    "idempotent payment retries",
    "cache stampede protection",
    "kafka consumer lag",
    "zero downtime migration",
    "tell me about an outage",
    "design a url shortener",
    "rate limiter token bucket",
    "isolation levels anomalies",
    "slow endpoint debugging",
    "oauth pkce flow",
    "sharding hot keys",
    "LRU cache implementation",
]


def percentiles(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {"p50_ms": round(statistics.median(s) * 1000, 2), "p95_ms": round(s[int(0.95 * (len(s) - 1))] * 1000, 2)}


def timed_queries(index: QuestionIndex, vectors: np.ndarray, rounds: int = 20) -> dict[str, float]:
    for v in vectors[:3]:
        index.query_vector(v, limit=10)
    samples = []
    for _ in range(rounds):
        for v in vectors:
            t = time.perf_counter()
            index.query_vector(v, limit=10, where={"round": "technical"})
            samples.append(time.perf_counter() - t)
    return percentiles(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--synthetic", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rt = Runtime(Settings(home=Path(tmp) / "home", resources=ROOT))
        t = time.perf_counter()
        rt.embedder.embed(["warm up"])
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        rt.ensure_index()
        build_s = time.perf_counter() - t
        qv = rt.embedder.embed(QUERIES)
        at_corpus = timed_queries(rt.index, qv)
        embed_samples = []
        for q in QUERIES * 5:
            t = time.perf_counter()
            rt.embedder.embed([q])
            embed_samples.append(time.perf_counter() - t)
        end_to_end = []
        bank = rt.bank()
        for q in QUERIES * 3:
            t = time.perf_counter()
            bank.search(q, round="technical", limit=10)
            end_to_end.append(time.perf_counter() - t)

        # 100k synthetic questions: corpus vectors jittered, with the same metadata shape
        settings = Settings(home=Path(tmp) / "synthetic", resources=ROOT)
        big = QuestionIndex(settings, rt.embedder, client=make_client(settings))
        from simulator.embeddings import ChromaEmbedding

        cols = {
            r: big.client.create_collection(
                collection_name(r), embedding_function=ChromaEmbedding("minilm"), metadata={"corpus_hash": "synthetic"}
            )
            for r in ROUND_NAMES
        }
        base = np.stack(list(bank.vectors().values()))
        rng = np.random.default_rng(0)
        rounds = ["behavioral", "coding", "system_design", "technical"]
        t = time.perf_counter()
        for start in range(0, args.synthetic, 5000):
            n = min(5000, args.synthetic - start)
            v = base[rng.integers(0, len(base), n)] + rng.normal(0, 0.05, (n, base.shape[1])).astype(np.float32)
            v /= np.linalg.norm(v, axis=1, keepdims=True)
            for k, r in enumerate(rounds):
                part = v[k::4]
                cols[r].add(
                    ids=[f"syn-{r}-{start + k + 4 * i}" for i in range(len(part))],
                    embeddings=list(part),
                    metadatas=[{"round": r, "difficulty": "medium"} for _ in range(len(part))],
                )
        synth_build_s = time.perf_counter() - t
        big._collections = cols
        at_scale = timed_queries(big, qv, rounds=10)
    print(
        json.dumps(
            {
                "benchmark": "retrieval",
                "corpus_questions": len(rt.questions),
                "model_load_s": round(load_s, 2),
                "index_build_s": round(build_s, 2),
                "query_at_corpus_size": at_corpus,
                "query_embedding": percentiles(embed_samples),
                "search_end_to_end_at_corpus_size": percentiles(end_to_end),
                "synthetic_questions": args.synthetic,
                "synthetic_insert_s": round(synth_build_s, 1),
                "query_at_synthetic_size": at_scale,
                "targets": {"p50_ms_at_corpus_size": 15, "p50_ms_at_100k": 50},
            }
        )
    )


if __name__ == "__main__":
    main()
