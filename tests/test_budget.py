"""Token accounting per turn, context trimmed to a budget, and the cost estimate from the price table."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.interviewer.budget import HISTORY_TOKENS, Usage, describe_usage, history_text
from simulator.interviewer.events import UsageReport
from simulator.settings import Settings
from simulator.tokens import count_tokens


def test_history_is_a_summary_plus_the_last_turns_within_the_budget() -> None:
    summary = [f"- q{i}: overall {40 + i}, weakest star.result" for i in range(30)]
    long = "we measured the p95 latency and added an index " * 80
    recent = [(f"Question {i}?", f"answer {i} {long}") for i in range(30)]
    text = history_text(summary, recent, "gpt-4o-mini")
    assert count_tokens(text, "gpt-4o-mini") <= HISTORY_TOKENS
    assert "Question 29?" in text and "answer 29" in text, "the last exchange is kept verbatim (shortened)"
    assert "Question 28?" not in text, "older exchanges live only in the running summary"
    assert "- q29: overall 69" in text and "- q0:" not in text, "the summary keeps the latest lines"
    assert history_text([], [], None) == ""


def test_usage_adds_up_and_prices_a_session() -> None:
    usage = Usage()
    usage.add(2_000, 300)
    usage.add(2_500, 200, requests=2)  # a repaired reply costs two requests
    assert (usage.requests, usage.prompt_tokens, usage.completion_tokens) == (3, 4_500, 500)
    assert usage.per_turn == [(2_000, 300), (2_500, 200)]
    prices = Settings().llm_prices
    assert usage.cost(prices, "gpt-4o-mini") == round((4_500 * 0.15 + 500 * 0.60) / 1_000_000, 6)
    assert usage.cost(prices, "my-local-llama") is None, "an unpriced model gives no estimate, not zero"
    assert usage.cost({"my-local-llama": (0.0, 0.0)}, "my-local-llama") == 0.0


def test_prices_can_be_set_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSIM_LLM_PRICES", '{"qwen2.5:7b": [0, 0], "gpt-4o-mini": [0.2, 0.8]}')
    prices = Settings().llm_prices
    assert prices["gpt-4o-mini"] == (0.2, 0.8) and prices["qwen2.5:7b"] == (0.0, 0.0)


def used(**figures: Any) -> UsageReport:
    return UsageReport(encoding="cl100k_base", **figures)


def test_the_wrap_up_names_model_use_and_cost() -> None:
    assert describe_usage(None) is None
    assert describe_usage(used(model_requests=0, prompt_tokens=0, completion_tokens=0)) is None, "offline"
    line = describe_usage(
        used(model_requests=12, prompt_tokens=29_059, completion_tokens=2_400, estimated_cost_usd=0.005798)
    )
    assert line == "Model use: 12 requests, 29,059 prompt and 2,400 completion tokens; about $0.0058."
    unpriced = describe_usage(used(model_requests=1, prompt_tokens=9, completion_tokens=3, estimated_cost_usd=None))
    assert unpriced is not None and "MOCKSIM_LLM_PRICES" in unpriced
