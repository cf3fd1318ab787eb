"""Token accounting, context trimming and a cost estimate from the price table in settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.interviewer.events import UsageReport
from simulator.tokens import encoding_for

# The transcript window sits in the prompt's variable suffix (re-read on every turn), so it holds only what
# the judge uses: one line per earlier turn and the last exchange, shortened.
HISTORY_TOKENS = 160
VERBATIM_TURNS = 1
SUMMARY_LINES = 5
ASKED_TOKENS, ANSWER_TOKENS = 25, 35


@dataclass
class Usage:
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    per_turn: list[tuple[int, int]] = field(default_factory=list)

    def add(self, prompt: int, completion: int, requests: int = 1) -> None:
        self.requests += requests
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        self.per_turn.append((prompt, completion))

    def cost(self, prices: dict[str, tuple[float, float]], model: str | None) -> float | None:
        """Estimated USD from a table of (input, output) dollars per million tokens; None when unpriced."""
        if not model or model not in prices:
            return None
        pin, pout = prices[model]
        return round((self.prompt_tokens * pin + self.completion_tokens * pout) / 1_000_000, 6)


def history_text(summary_lines: list[str], recent: list[tuple[str, str]], model: str | None) -> str:
    """A running summary of earlier turns plus the last few exchanges verbatim, trimmed to a token budget."""
    counter = encoding_for(model)
    parts = []
    for asked, answer in recent[-VERBATIM_TURNS:]:
        q, _ = counter.truncate(asked, ASKED_TOKENS)
        short, cut = counter.truncate(answer, ANSWER_TOKENS)
        parts.append(f"Q: {q}\nA: {short}" + (" …" if cut else ""))
    text = "\n".join([*summary_lines[-SUMMARY_LINES:], *parts])
    trimmed, _ = counter.truncate(text, HISTORY_TOKENS)
    return trimmed


def describe_usage(usage: UsageReport | None) -> str | None:
    """One line for the wrap-up: model requests, tokens and the cost estimate. None for offline sessions."""
    if usage is None or not usage.model_requests:
        return None
    cost = usage.estimated_cost_usd
    price = f"about ${cost:.4f}" if cost is not None else "no price set for this model (MOCKSIM_LLM_PRICES)"
    retries = usage.model_retries or 0
    requests = f"{usage.model_requests} requests" + (f" ({retries} of them retries)" if retries else "")
    about = "about " if usage.tokens_estimated else ""
    return (
        f"Model use: {requests}, {about}{usage.prompt_tokens:,} prompt and "
        f"{usage.completion_tokens:,} completion tokens; {price}."
    )
