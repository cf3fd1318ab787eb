"""The one interface every chat-model provider implements, and the ledger of what went over the wire."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from pydantic import BaseModel

from simulator.errors import MocksimError

Role = Literal["system", "user", "assistant"]
Message = tuple[Role, str]
OnText = Callable[[str], None]


@dataclass
class RawReply:
    """The model's reply as JSON text (for tool calls: the arguments), with token counts when reported."""

    text: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    mode: str = ""
    streamed: bool = False
    finish_reason: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class Limits:
    """Bounds for one request: the reply's token budget and the whole request's deadline in seconds."""

    max_tokens: int | None = None
    timeout: float | None = None


@dataclass
class Ledger:
    """Every HTTP request a model made (retries, repairs and probes included) and the tokens they carried.

    Prompt tokens are the server's count when it reports usage, else counted with tiktoken on what was sent;
    a request that never reached the server (connection refused) is not counted."""

    requests: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, prompt: int, completion: int, retry: bool = False, estimated: bool = False) -> None:
        with self._lock:
            self.requests += 1
            self.retries += int(retry)
            self.prompt_tokens += prompt
            self.completion_tokens += completion
            self.estimated = self.estimated or estimated

    def snapshot(self) -> tuple[int, int, int, int]:
        with self._lock:
            return self.requests, self.retries, self.prompt_tokens, self.completion_tokens


class ModelError(MocksimError):
    """A model call failed: timeout, 4xx, 5xx after one retry, reset, refusal, cut-off or unusable reply."""

    def __init__(self, message: str, kind: str = "error", hint: str | None = None) -> None:
        super().__init__(message, hint or "the offline engine takes this turn; check the endpoint in Settings")
        self.kind = kind


class ModeUnsupported(ModelError):
    """The endpoint rejected this structured-output mode (e.g. no json_schema support)."""


class ChatModel(Protocol):
    provider: str
    model: str
    endpoint: str
    ledger: Ledger

    def chat(
        self,
        messages: Sequence[Message],
        schema: type[BaseModel],
        mode: str,
        on_text: OnText | None = None,
        limits: Limits | None = None,
    ) -> RawReply:
        """One request (plus at most one retry after a 5xx). `mode` is json_schema | json_mode | tools.
        Raises ModelError / ModeUnsupported."""
        ...
