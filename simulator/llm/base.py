"""The one interface every chat-model provider implements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


class ModelError(MocksimError):
    """A model call failed after the provider's own retries: timeout, 429/5xx, reset, refusal or empty reply."""

    def __init__(self, message: str, kind: str = "error", hint: str | None = None) -> None:
        super().__init__(message, hint or "the offline engine takes this turn; check the endpoint in Settings")
        self.kind = kind


class ModeUnsupported(ModelError):
    """The endpoint rejected this structured-output mode (e.g. no json_schema support)."""


class ChatModel(Protocol):
    provider: str
    model: str

    def chat(
        self, messages: Sequence[Message], schema: type[BaseModel], mode: str, on_text: OnText | None = None
    ) -> RawReply:
        """One request. `mode` is json_schema | json_mode | tools. Raises ModelError / ModeUnsupported."""
        ...
