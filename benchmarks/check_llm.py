"""A 3-question LLM session in `auto` mode against a real OpenAI-compatible server (see scripts/check-llm.sh).

Runs the practice engine as the CLI does: the start-up check (mode probe), then three main questions answered
with the strong answers from benchmarks/data/strong_answers.yaml (no follow-ups, so every turn is a new
question). The data dir is a fresh temporary one, so negotiation really happens. Prints JSON: the mode chosen
and what the probe saw, HTTP requests (with retries), tokens, fallbacks and their reasons, seconds per turn,
and the server's process still generating after the session (it should not be).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from _common import ROOT

from simulator.cli.practice import startup_check
from simulator.interviewer.backends import LLMBackend
from simulator.interviewer.engine import Interviewer, Plan, SimulatedClock
from simulator.interviewer.events import wire
from simulator.llm import get_chat_model
from simulator.runtime import Runtime
from simulator.settings import Settings

QUESTIONS = ["bh-bottleneck-slow-endpoint-story", "tq-ops-exactly-once-payments", "sd-url-shortener"]


def answers() -> dict[str, str]:
    data = yaml.safe_load((ROOT / "benchmarks" / "data" / "strong_answers.yaml").read_text())["answers"]
    return {a["question_id"]: " ".join(s["text"] for s in a["segments"]) for a in data}


def server_cpu_after(pid: int, seconds: float = 3.0) -> float | None:
    """CPU seconds the server used in the few seconds after the session: near 0 when nothing is left running
    (a request the client gave up on was cancelled, not left generating)."""
    stat = Path(f"/proc/{pid}/stat")
    if not pid or not stat.exists():
        return None

    def cpu() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    first = cpu()
    time.sleep(seconds)
    return round(cpu() - first, 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--server-pid", type=int, default=0)
    ap.add_argument("--timeout-cap", type=float, default=900.0, help="MOCKSIM_LLM_TIMEOUT_CAP for this run")
    args = ap.parse_args()
    bank = answers()
    ids = [q for q in QUESTIONS if q in bank] or list(bank)[:3]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            home=Path(tmp),
            resources=ROOT,
            backend="openai",
            llm_base_url=args.base_url,
            llm_model=args.model,
            structured_output="auto",
            max_follow_ups=0,
            llm_timeout_cap=args.timeout_cap,
        )  # type: ignore[call-arg]
        rt = Runtime(settings)
        rt.bank()
        model = get_chat_model("openai", settings)
        start = time.monotonic()
        backend, check = startup_check(LLMBackend(rt, model, "auto"), interactive=False)
        probe_seconds = time.monotonic() - start
        iv = Interviewer(rt, backend, rt.store, "check-llm", max_follow_ups=0, clock=SimulatedClock())
        iv.start(Plan(rounds=["behavioral", "technical", "system_design"], questions=len(ids), question_ids=ids))
        turns: list[dict[str, Any]] = []
        summary: dict[str, Any] = {}
        while not iv.finished and len(turns) < 6:
            cur = iv.current
            assert cur is not None
            t0, before = time.monotonic(), iv.usage.requests
            events = [wire(e) for e in iv.respond(bank[cur.question.id])]  # as on the JSONL stream
            seconds = time.monotonic() - t0
            card = next((e for e in events if e["type"] == "scorecard"), None)
            if card is not None:
                turns.append(
                    {
                        "question_id": card["question_id"],
                        "seconds": round(seconds, 1),
                        "backend": card["backend"],
                        "fallback": card["fallback"],
                        "http_requests": iv.usage.requests - before,
                        "reached_model": iv.usage.requests > before and card["fallback"] != "connection",
                        "fallback_reason": card.get("fallback_reason"),
                        "overall": card["overall"],
                        "flags": card["flags"],
                    }
                )
            summary = next((e for e in events if e["type"] == "summary"), summary)
        if not iv.finished:
            summary = next((e for e in map(wire, iv.wrap_up()) if e["type"] == "summary"), summary)
    usage = summary.get("usage", {})
    idle = server_cpu_after(args.server_pid)
    fallbacks = [t for t in turns if t["fallback"]]
    negotiation = [t for t in fallbacks if t["fallback"] in ("unsupported",)]
    print(
        json.dumps(
            {
                "benchmark": "check_llm",
                "server": "llama-cpp-python",
                "model": args.model,
                "mode_chosen": (check or {}).get("mode"),
                "probe": (check or {}).get("tried"),
                "probe_seconds": round(probe_seconds, 1),
                "turns": len(turns),
                "turns_reaching_the_model": sum(1 for t in turns if t["reached_model"]),
                "turns_scored_by_the_model": sum(1 for t in turns if t["backend"] == "openai"),
                "http_requests": usage.get("model_requests"),
                "retries": usage.get("model_retries"),
                "prompt_tokens": usage.get("prompt_tokens"),
                "completion_tokens": usage.get("completion_tokens"),
                "fallbacks": len(fallbacks),
                "fallbacks_from_mode_negotiation": len(negotiation),
                "seconds_per_turn": [t["seconds"] for t in turns],
                "median_seconds_per_turn": round(statistics.median([t["seconds"] for t in turns]), 1)
                if turns
                else None,
                "server_cpu_seconds_in_3s_after_session": idle,
                "per_turn": turns,
            }
        )
    )


if __name__ == "__main__":
    main()
