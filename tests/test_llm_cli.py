"""What the terminal says about the model: the start-up check, the fallback reason once, the real request
count in the wrap-up, `mocksim config`, and rewrites the model made worse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.facts import unsupported
from simulator.llm.fake import FakeChatModel
from simulator.llm.testserver import FakeOpenAIServer
from simulator.rewriting import Rewriter
from simulator.runtime import Runtime

from .servers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("fake_embedder")]  # real HTTP servers on loopback


def answers(tmp_path: Path) -> str:
    f = tmp_path / "answers.txt"
    f.write_text("I would add an index on the slow query.\n---\nI would cache the result in Redis for a minute.\n")
    return str(f)


def test_a_wrong_url_is_reported_before_the_first_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    monkeypatch.setenv("MOCKSIM_LLM_BASE_URL", url)
    args = ["practice", "--backend", "openai", "--round", "technical", "--questions", "2"]
    code = main([*args, "--answers-file", answers(tmp_path), "--format", "jsonl"])
    captured = capsys.readouterr()
    events = [json.loads(line) for line in captured.out.splitlines()]
    assert code == 0
    assert f"Start-up check: The model server at {url} is unreachable" in captured.err
    first = events[0]
    assert first["type"] == "session" and first["backend"] == "offline" and first["requested_backend"] == "openai"
    assert first["startup_check"]["ok"] is False
    summary = events[-1]
    assert summary["usage"]["model_requests"] == 0, "a refused connection is not a request"
    assert all(e.get("fallback") is None for e in events if e["type"] == "scorecard")


def test_the_fallback_reason_is_said_once_and_every_request_is_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeOpenAIServer(default=lambda body: {"status": 500, "message": "CUDA out of memory"}) as server:
        monkeypatch.setenv("MOCKSIM_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("MOCKSIM_LLM_MODEL", "fake-model")
        args = ["practice", "--backend", "openai", "--round", "technical", "--questions", "2"]
        code = main([*args, "--answers-file", answers(tmp_path)])
        out = " ".join(capsys.readouterr().out.split())
        chats = len(server.chats)
    assert code == 0
    assert out.count("Note: The model server at") == 1, out
    assert "CUDA out of memory" in out and "this turn was scored offline" in out
    assert chats == 4, "each turn: one request and one retry after the 500"
    assert "Model use: 5 requests (2 of them retries)" in out, "the probe and every retry are counted"


def test_config_shows_structured_output_and_follow_ups(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["structured_output"] == "auto" and shown["max_follow_ups"] == 2


QID = "bh-bottleneck-slow-endpoint-story"
ANSWER = (
    "Our checkout endpoint was slow. I profiled it with EXPLAIN ANALYZE and found a sequential scan on orders, "
    "so I added a composite index on customer_id and created_at. p95 dropped from 900 ms to 120 ms."
)


def test_an_all_default_rewrite_is_not_accepted(fake_runtime: Runtime) -> None:
    fake = FakeChatModel([{}, {"situation": "", "task": "", "action": "", "result": ""}])
    r = Rewriter(fake_runtime, fake).rewrite(ANSWER, question=fake_runtime.question_map[QID])
    assert r.backend == "offline" and len(fake.calls) == 2, "one repair request, then the offline rewrite"
    assert any("rewritten offline" in n for n in r.notices)


def test_a_model_rewrite_that_scores_below_the_answer_is_replaced(fake_runtime: Runtime) -> None:
    rt = fake_runtime
    worse = {
        "rewrite": "Something was slow at work. I had to fix it somehow. I fixed it in the end. It was better "
        "afterwards, more or less, and that was about it as far as I can remember now."
    }
    r = Rewriter(rt, FakeChatModel([worse])).rewrite(ANSWER, question=rt.question_map[QID])
    assert r.backend == "offline" and r.after.overall >= r.before.overall
    assert any("points below your answer" in n for n in r.notices)


def test_names_from_the_question_are_not_invented_facts(fake_runtime: Runtime) -> None:
    lex = fake_runtime.scorer.lex
    question = "Tell me about a time you fixed a slow endpoint at Initech."
    rewrite = "Tell: at Initech the checkout endpoint was slow; I added an index."
    assert unsupported(rewrite, [ANSWER], lex, context=question) == []
    assert {f.text for f in unsupported(rewrite, [ANSWER], lex)} == {"Tell", "Initech"}
    assert unsupported("It served 40000 users.", [ANSWER], lex, context="A service with 40000 users") != []
