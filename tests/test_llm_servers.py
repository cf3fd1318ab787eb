"""LLM mode against the shapes real servers answer with: llama-cpp-python, Ollama, vLLM and OpenAI (loopback
profiles of the test server), over real HTTP through langchain-openai and the openai client."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from simulator.interviewer.backends import LLMBackend, TurnContext
from simulator.llm import get_chat_model
from simulator.llm.negotiate import EndpointMemory
from simulator.llm.testserver import FakeOpenAIServer
from simulator.runtime import Runtime
from simulator.settings import PROJECT_ROOT, Settings

from .llm_helpers import judged

pytestmark = pytest.mark.slow  # real HTTP servers on loopback

QID = "tq-ops-exactly-once-payments"
ANSWER = (
    "I would store an idempotency key per payment in PostgreSQL with a unique constraint, because two retries "
    "can race. A repeated key returns the stored response instead of charging again."
)


def settings_for(server: FakeOpenAIServer, home: Path, **kw: Any) -> Settings:
    values: dict[str, Any] = {
        "home": home,
        "resources": PROJECT_ROOT,
        "embedder": "fake",
        "llm_base_url": server.base_url,
        "llm_model": "fake-model",
        "llm_api_key": "sk-test-not-real-0000000000",
        "llm_timeout": 5.0,
        **kw,
    }
    return Settings(**values)


def backend(rt: Runtime, server: FakeOpenAIServer, mode: str = "auto", **kw: Any) -> LLMBackend:
    settings = settings_for(server, rt.settings.home, structured_output=mode, **kw)
    return LLMBackend(rt, get_chat_model("openai", settings), mode)


def turn_ctx(rt: Runtime, answer: str = ANSWER, probes: list[str] | None = None) -> TurnContext:
    q = rt.question_map[QID]
    return TurnContext(q, q.prompt, answer, "", 2, probes or [], set())


def reply(rt: Runtime, **kw: Any) -> dict[str, Any]:
    return {"json": judged(rt, rt.question_map[QID], ANSWER, **kw)}


@pytest.mark.parametrize(
    ("profile", "model", "mode", "token_field"),
    [
        ("llama_cpp", "smollm2", "tools", "max_tokens"),  # json_schema: HTTP 500 literal_error
        ("ollama", "llama3.2", "json_schema", "max_tokens"),
        ("vllm", "Qwen2.5-7B-Instruct", "json_schema", "max_tokens"),
        ("openai", "gpt-4o-mini", "json_schema", "max_tokens"),
        ("openai", "gpt-4-turbo", "tools", "max_tokens"),  # json_schema: 400 for older models
        ("openai", "o3-mini", "json_schema", "max_completion_tokens"),  # refuses max_tokens by name: switched
    ],
)
def test_auto_negotiates_the_mode_each_server_offers(
    fake_runtime: Runtime, profile: str, model: str, mode: str, token_field: str
) -> None:
    rt = fake_runtime
    with FakeOpenAIServer(profile=profile) as server:
        b = backend(rt, server, llm_model=model)
        probe = b.prepare()
        assert probe.mode == mode and b.disabled is None
        outcomes = [t["outcome"] for t in probe.tried]
        assert outcomes[-1] == "ok" and set(outcomes[:-1]) <= {"unsupported"}
        switched = token_field == "max_completion_tokens"  # one more request, with the field it asked for
        assert len(server.probes) == len(probe.tried) + switched, "a refused mode is never retried, not even a 500"
        says = "Good. What happens when two retries with the same key arrive at once?"
        server.enqueue(reply(rt, says=says, move="follow_up"), reply(rt))
        pieces: list[str] = []
        first = b.turn(turn_ctx(rt), on_text=pieces.append)
        second = b.turn(turn_ctx(rt, probes=[says]))
        for r in (first, second):
            assert r.fallback is None and r.meta["structured_output"] == mode
            assert r.scorecard.backend == "openai"
        assert second.requests == 1
        assert "".join(pieces) == says, "the interviewer's words stream in every mode, tool calls included"
        body = server.chats[-1]
        assert body["stream"] is True and isinstance(body.get(token_field), int)
        other = "max_tokens" if token_field == "max_completion_tokens" else "max_completion_tokens"
        assert other not in body, "one token-limit field, the one this server reads"
        if mode == "tools":
            assert body["tool_choice"]["function"]["name"] == "reply"
        remembered = EndpointMemory(rt.settings.home).get(f"{server.base_url}|{model}")
        assert remembered["mode"] == mode and remembered["seconds_per_token"] > 0


def test_llama_cpp_json_mode_sends_the_schema_and_a_token_budget(fake_runtime: Runtime) -> None:
    rt = fake_runtime
    with FakeOpenAIServer(profile="llama_cpp") as server:
        b = backend(rt, server, mode="json_mode")
        server.enqueue(reply(rt))
        assert b.turn(turn_ctx(rt)).fallback is None
        body = server.chats[0]
        fmt = body["response_format"]
        assert fmt["type"] == "json_object" and set(fmt["schema"]["required"]) >= {"scores", "next_move"}
        n = sum(len(rt.rubrics[r].criteria) for r in rt.question_map[QID].rubrics)
        assert 220 + 130 * n >= body["max_tokens"] > 100 * n
        assert "JSON schema of the reply" in body["messages"][0]["content"], "the schema sits in the stable prefix"


def test_a_runaway_reply_is_cut_by_the_server_and_not_sent_again(fake_runtime: Runtime) -> None:
    rt = fake_runtime
    with FakeOpenAIServer(profile="llama_cpp") as server:
        b = backend(rt, server, mode="json_mode")
        server.enqueue({**reply(rt), "runaway": True})
        result = b.turn(turn_ctx(rt))
        assert result.fallback == "length" and len(server.chats) == 1
        assert result.notice and "token budget" in result.notice


def test_a_4xx_from_vllm_is_reported_and_not_retried(fake_runtime: Runtime) -> None:
    rt = fake_runtime
    with FakeOpenAIServer(profile="vllm", context_tokens=1200) as server:
        b = backend(rt, server)
        server.enqueue(reply(rt))
        result = b.turn(turn_ctx(rt))
        assert result.fallback == "http_400" and len(server.chats) == 1
        assert "maximum context length" in str(result.meta["fallback_reason"])


def test_a_server_that_ignores_json_schema_gets_tools(fake_runtime: Runtime) -> None:
    rt = fake_runtime
    with FakeOpenAIServer(profile="ollama", ignore_modes=("json_schema",)) as server:
        probe = backend(rt, server).prepare()
        assert [t["outcome"] for t in probe.tried] == ["ignored", "ok"] and probe.mode == "tools"


def test_no_usable_mode_turns_the_model_off_for_the_session(fake_runtime: Runtime) -> None:
    rt = fake_runtime
    with FakeOpenAIServer(profile="llama_cpp", ignore_modes=("tools", "json_mode")) as server:
        b = backend(rt, server)
        probe = b.prepare()
        assert probe.mode is None and b.disabled is not None and b.disabled[0] == "unsupported"
        before = len(server.requests)
        result = b.turn(turn_ctx(rt))
        assert result.fallback == "unsupported" and len(server.requests) == before, "no request per turn"


def test_a_5xx_is_retried_once_and_both_requests_are_counted(fake_runtime: Runtime) -> None:
    rt = fake_runtime
    with FakeOpenAIServer(profile="vllm") as server:
        b = backend(rt, server)
        b.prepare()
        server.enqueue({"status": 502}, reply(rt))
        result = b.turn(turn_ctx(rt))
        assert result.fallback is None and result.requests == 2 and b.chat.ledger.retries == 1
        server.enqueue({"status": 500}, {"status": 500}, reply(rt))
        result = b.turn(turn_ctx(rt))
        assert result.fallback == "http_500" and result.requests == 2 and b.chat.ledger.retries == 2


def test_giving_up_closes_the_connection_so_the_server_stops(fake_runtime: Runtime) -> None:
    rt = fake_runtime
    with FakeOpenAIServer(profile="llama_cpp") as server:
        b = backend(rt, server, mode="json_mode", llm_timeout=1.0, llm_timeout_cap=1.0)
        server.enqueue({**reply(rt), "chunk_delay": 0.2})
        result = b.turn(turn_ctx(rt))
        assert result.fallback == "timeout" and len(server.chats) == 1, "a timeout is not retried"
        for _ in range(100):  # the server notices at its next write
            if server.cancelled and not server.in_flight:
                break
            time.sleep(0.05)
        assert server.cancelled == 1 and server.in_flight == 0


def test_a_judge_reply_must_name_the_real_criteria(fake_runtime: Runtime) -> None:
    rt = fake_runtime
    q = rt.question_map[QID]
    with FakeOpenAIServer(profile="openai") as server:
        b = backend(rt, server)
        b.prepare()
        server.enqueue({"json": {"criteria": [], "next_move": "next_question", "interviewer_says": "Ok."}})
        server.enqueue({"json": {"criteria": [], "next_move": "next_question", "interviewer_says": "Ok."}})
        empty = b.turn(turn_ctx(rt))
        assert empty.fallback == "invalid_reply" and empty.requests == 2 and empty.scorecard.backend == "offline"
        wrong = judged(rt, q, ANSWER)
        for c in wrong["criteria"]:
            c["criterion"] = "clarity"
        server.enqueue({"json": wrong}, reply(rt))
        fixed = b.turn(turn_ctx(rt))
        assert fixed.fallback is None and fixed.meta["repaired"] is True
        repair = json.dumps(server.chats[-1]["messages"])
        assert "unknown criteria" in repair and f'\\"criterion\\": \\"{q.rubrics[0]}' not in repair
        partial = judged(rt, q, ANSWER)
        partial["criteria"] = partial["criteria"][:2]
        server.enqueue({"json": partial}, {"json": partial})
        half = b.turn(turn_ctx(rt))
        assert half.fallback == "invalid_reply" and "missing criteria" in str(half.meta["fallback_reason"])
        assert "judge_incomplete" not in half.scorecard.flags and half.scorecard.backend == "offline"
        defaults = {"criteria": [{"rubric": q.rubrics[0], "criterion": "x", "level": 3}]}
        server.enqueue({"json": defaults}, {"json": defaults})
        assert b.turn(turn_ctx(rt)).fallback == "invalid_reply", "required fields are required"
