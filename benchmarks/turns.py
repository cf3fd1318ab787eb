"""Model use per turn and offline turn speed, on a recorded session.

The recorded session is the strong answers in benchmarks/data/strong_answers.yaml, sent as a 45-minute
practice session (one answer per turn, the engine choosing follow-ups and next questions). LLM mode runs
against the loopback OpenAI-compatible server with a scripted judge, through the real openai client.
Prints JSON: model requests per candidate turn, median prompt tokens per turn and per session (counted with
tiktoken on what was actually sent), the share of prompt tokens a prefix cache could reuse (the longest prefix
each request shares with an earlier request of the session, as OpenAI's prompt caching, vLLM's prefix caching
and llama.cpp's slot cache reuse it; and, stricter, with the request just before it, as a single-slot
llama.cpp server does), the start-up probe requests, and the offline turn latency p50/p95 after warm-up: every answer is
timed cold in each of three passes, and the p50 is taken over all of them. Beside it, `dense_floor_p50` is the
time of the encoder's dense products alone for the same answers, on the runtime the encoder runs on (ONNX
Runtime by default), measured right after each turn, and `p50_to_dense_floor` the ratio of the two (target 1.5).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from _common import ROOT, scripted_judge

from simulator.embeddings import DIM, MiniLMEmbedder
from simulator.interviewer.backends import LLMBackend, OfflineBackend, TurnContext
from simulator.interviewer.engine import Interviewer, Plan, SimulatedClock
from simulator.llm import get_chat_model
from simulator.llm.testserver import FakeOpenAIServer
from simulator.runtime import Runtime
from simulator.scoring.encoder import MiniLMEncoder
from simulator.scoring.onnx_minilm import session
from simulator.scoring.sentences import split_sentences
from simulator.scoring.transformer import LeanMiniLM
from simulator.settings import Settings
from simulator.store import SessionStore
from simulator.tokens import encoding_for

PASSES = 3


def recorded() -> list[dict[str, Any]]:
    data = yaml.safe_load((ROOT / "benchmarks" / "data" / "strong_answers.yaml").read_text())["answers"]
    return [{"question_id": a["question_id"], "answer": " ".join(s["text"] for s in a["segments"])} for a in data]


def judge_reply(rt: Runtime, body: dict[str, Any]) -> dict[str, Any]:
    """A plausible judge: level 3 everywhere, quoting the first words of the answer, then next question."""
    return {"json": scripted_judge(rt.rubrics, body, quote_words=8)}


def dense_floor(rt: Runtime) -> Callable[[str], float] | None:
    """Times only the encoder's dense products (6 layers x query, key and value, out, up with GELU, down) for an
    answer's token count, on the runtime the encoder runs on: the arithmetic no code change can remove without
    changing the model. Shows how much of a turn is that floor, and how fast the machine was during this run."""
    encoder = rt.scorer.encoder
    if not isinstance(encoder, MiniLMEncoder):
        return None
    runner = encoder._model()
    count = runner.tokenizer

    def tokens(answer: str) -> int:
        texts = [s.text for s in split_sentences(answer)]
        return sum(len(x) for x in count(texts, truncation=True, max_length=runner.max_len)["input_ids"])

    if isinstance(runner, LeanMiniLM):
        lean = runner

        def run_torch(answer: str) -> float:
            x = torch.randn(tokens(answer), lean.hidden).to(lean.dtype)
            start = time.perf_counter()
            with torch.inference_mode():
                for layer in lean.layers:
                    layer.qkv(x)
                    layer.down(layer.up(layer.out(x), gelu=True))
            return (time.perf_counter() - start) * 1000

        return run_torch
    dense = session(_export_dense(rt.settings.home / "dense-floor"))

    def run_onnx(answer: str) -> float:
        x = np.random.default_rng(0).standard_normal((tokens(answer), DIM), dtype=np.float32)
        start = time.perf_counter()
        dense.run(None, {"x": x})
        return (time.perf_counter() - start) * 1000

    return run_onnx


def _export_dense(folder: Path) -> Path:
    """The dense products of the exported encoder graph alone, from the same weights, as an ONNX file."""
    import torch.nn.functional as F

    bert = MiniLMEmbedder._load()[0].auto_model

    class Dense(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert  # its weights are the module's parameters, so they are exported as weights

        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
            outs = []
            for layer in self.bert.encoder.layer:
                att = layer.attention
                outs += [att.self.query(x), att.self.key(x), att.self.value(x)]
                outs.append(layer.output.dense(F.gelu(layer.intermediate.dense(att.output.dense(x)))))
            return tuple(outs)

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "dense.onnx"
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
        torch.onnx.export(
            Dense().eval(),
            (torch.randn(7, bert.config.hidden_size),),
            str(path),
            dynamo=False,
            input_names=["x"],
            dynamic_axes={"x": [0]},
            opset_version=17,
        )
    return path


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def cacheable(token_lists: list[list[int]]) -> dict[str, float]:
    """Shares of prompt tokens a prefix cache could reuse: from any earlier request once the first turn has
    warmed the cache (the figure the target is about), the same counting the cold first request, and from
    only the request just before (a single-slot server)."""
    hits = [max((_common_prefix(t, e) for e in token_lists[:i]), default=0) for i, t in enumerate(token_lists)]
    previous = [_common_prefix(t, token_lists[i - 1]) if i else 0 for i, t in enumerate(token_lists)]
    sizes = [len(t) for t in token_lists]
    return {
        "cacheable_prompt_share": round(sum(hits[1:]) / max(1, sum(sizes[1:])), 3),
        "cacheable_prompt_share_with_cold_start": round(sum(hits) / max(1, sum(sizes)), 3),
        "cacheable_prompt_share_previous_request": round(sum(previous) / max(1, sum(sizes)), 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-latency", action="store_true", help="only the model-use figures")
    args = ap.parse_args()
    turns = recorded()
    with tempfile.TemporaryDirectory() as tmp:
        with FakeOpenAIServer() as server:
            settings = Settings(
                home=Path(tmp),
                resources=ROOT,
                llm_base_url=server.base_url,
                llm_model="gpt-4o-mini",
                llm_api_key="sk-bench-not-a-real-key-000000",
            )
            rt = Runtime(settings)
            rt.bank()
            server.default = lambda body: judge_reply(rt, body)
            store = SessionStore(settings.effective_database_url)
            backend = LLMBackend(rt, get_chat_model("openai", settings, streaming=False))
            iv = Interviewer(rt, backend, store, "bench", clock=SimulatedClock())
            ids = list(dict.fromkeys(t["question_id"] for t in turns))[:12]
            iv.start(
                Plan(
                    rounds=["behavioral", "technical", "system_design", "coding"],
                    questions=len(ids),
                    minutes=45,
                    question_ids=ids,
                )
            )
            answers = {t["question_id"]: t["answer"] for t in turns}
            candidate_turns = 0
            while not iv.finished and candidate_turns < 40:
                cur = iv.current
                assert cur is not None
                text = (
                    answers[cur.question.id] if not cur.answers else "To add to that: " + answers[cur.question.id][:300]
                )
                iv.respond(text)
                candidate_turns += 1
            if not iv.finished:
                iv.wrap_up()
            enc = encoding_for("gpt-4o-mini")
            per_request = [sum(enc.count(str(m.get("content", ""))) for m in r["messages"]) for r in server.chats]
            rendered = [
                enc.encoding.encode("".join(f"<|{m['role']}|>{m.get('content', '')}" for m in r["messages"]))
                for r in server.chats
            ]
            shares = cacheable(rendered)
            probes = len(server.probes)
            session_minutes = iv.clock()
        latency = None if args.skip_latency else offline_latency(rt, turns)  # the loopback server has stopped
    print(
        json.dumps(
            {
                "benchmark": "turns",
                "candidate_turns": candidate_turns,
                "model_requests": len(per_request),
                "model_requests_per_turn": round(len(per_request) / max(1, candidate_turns), 3),
                "median_prompt_tokens_per_turn": int(statistics.median(per_request)) if per_request else 0,
                "prompt_tokens_per_session": sum(per_request),
                "session_minutes_simulated": round(session_minutes, 1),
                "prompt_tokens_per_45_min": int(sum(per_request) * 45 / max(session_minutes, 1e-6)),
                **shares,
                "probe_requests_per_session": probes,
                "offline_turn_latency_ms": latency,
                "targets": {
                    "model_requests_per_turn": 1,
                    "median_prompt_tokens_per_turn": 3000,
                    "prompt_tokens_per_45_min_session": 40000,
                    "cacheable_prompt_share": 0.7,
                    "offline_turn_p50_ms": 50,
                    "offline_turn_p50_to_dense_floor": 1.5,
                },
            }
        )
    )


def offline_latency(rt: Runtime, turns: list[dict[str, Any]]) -> dict[str, Any]:
    """The offline engine's turn time on each recorded answer, cold (no sentence cached), after a warm-up."""
    off = OfflineBackend(rt)
    qmap = rt.question_map
    for t in turns[:5]:  # warm-up
        off.turn(TurnContext(qmap[t["question_id"]], "", t["answer"], "", 2, [], set()))
    floor = dense_floor(rt)
    runner = rt.scorer.encoder._model() if isinstance(rt.scorer.encoder, MiniLMEncoder) else None
    lat, pass_p50, floors = [], [], []
    for _ in range(PASSES):  # each pass starts cold: no answer sentence is cached
        rt.scorer.forget()
        this_pass = []
        for t in turns:
            q = qmap[t["question_id"]]
            rt.scorer.prepare(q)  # the engine does this when it asks the question
            start = time.perf_counter()
            off.turn(TurnContext(q, q.prompt, t["answer"], "", 2, [], set()))
            this_pass.append((time.perf_counter() - start) * 1000)
            if floor is not None:  # right after the turn, so both see the machine in the same state
                floors.append(floor(t["answer"]))
        pass_p50.append(round(statistics.median(this_pass), 1))
        lat += this_pass
    lat.sort()
    return {
        "p50": round(statistics.median(lat), 1),
        "p95": round(lat[int(0.95 * (len(lat) - 1))], 1),
        "passes_p50": pass_p50,
        "answers": len(turns),
        "samples": len(lat),
        "mean_words": int(statistics.mean(len(t["answer"].split()) for t in turns)),
        "encoder_runtime": runner.runtime if runner else "n/a",
        "encoder_precision": runner.precision if runner else "n/a",
        "dense_floor_p50": round(statistics.median(floors), 1) if floors else None,
        "p50_to_dense_floor": round(statistics.median(lat) / statistics.median(floors), 2) if floors else None,
    }


if __name__ == "__main__":
    main()
