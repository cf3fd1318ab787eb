"""A scripted chat model that records what it was sent. Ships in the package for tests and demos."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel

from simulator.llm.base import Ledger, Limits, Message, ModelError, OnText, RawReply

Scripted = str | BaseModel | dict[str, Any] | Exception | Callable[[Sequence[Message]], Any]


class FakeChatModel:
    provider = "fake"

    def __init__(self, replies: Iterable[Scripted] = (), model: str = "fake-model") -> None:
        self.model = model
        self.endpoint = "fake://scripted"
        self.ledger = Ledger()
        self.queue: deque[Scripted] = deque(replies)
        self.calls: list[dict[str, Any]] = []

    def enqueue(self, *replies: Scripted) -> FakeChatModel:
        self.queue.extend(replies)
        return self

    def chat(
        self,
        messages: Sequence[Message],
        schema: type[BaseModel],
        mode: str,
        on_text: OnText | None = None,
        limits: Limits | None = None,
    ) -> RawReply:
        if schema.__name__ == "Ping":  # the start-up probe is answered without using up a scripted reply
            self.ledger.add(10, 3)
            return RawReply('{"ok": true}', prompt_tokens=10, completion_tokens=3, mode=mode)
        self.calls.append({"messages": list(messages), "schema": schema.__name__, "mode": mode, "limits": limits})
        if not self.queue:
            raise ModelError("the fake model has no scripted reply left", kind="empty")
        item = self.queue.popleft()
        if callable(item) and not isinstance(item, BaseModel):
            item = item(messages)
        if isinstance(item, Exception):
            raise item
        if isinstance(item, BaseModel):
            text = item.model_dump_json()
        elif isinstance(item, dict):
            text = json.dumps(item)
        else:
            text = str(item)
        if on_text is not None:
            on_text(text)
        prompt_chars = sum(len(c) for _, c in messages)
        self.ledger.add(prompt_chars // 4, len(text) // 4)
        return RawReply(text, prompt_tokens=prompt_chars // 4, completion_tokens=len(text) // 4, mode=mode)
