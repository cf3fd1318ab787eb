"""Typed replies from any ChatModel: mode fallback (auto), one repair retry on invalid JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from simulator.llm.base import ChatModel, Message, ModelError, ModeUnsupported, OnText, RawReply
from simulator.prompts import Prompt

T = TypeVar("T", bound=BaseModel)
AUTO_ORDER = ("json_schema", "tools", "json_mode")
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


@dataclass
class Structured(Generic[T]):
    value: T
    replies: list[RawReply] = field(default_factory=list)
    mode: str = ""
    repaired: bool = False

    @property
    def requests(self) -> int:
        return len(self.replies)


def parse(text: str, schema: type[T]) -> T:
    cleaned = _FENCE.sub("", text.strip())
    start, end = cleaned.find("{"), cleaned.rfind("}")
    if start >= 0 and end > start:
        cleaned = cleaned[start : end + 1]
    return schema.model_validate(json.loads(cleaned))


class StructuredCaller:
    """Remembers which structured-output mode works for this endpoint once `auto` has found it."""

    def __init__(self, model: ChatModel, mode: str = "auto", repair: Prompt | None = None) -> None:
        self.model = model
        self.mode = mode
        self.repair = repair
        self._working: str | None = None if mode == "auto" else mode

    def modes(self) -> Sequence[str]:
        return (self._working,) if self._working else AUTO_ORDER

    def call(self, messages: Sequence[Message], schema: type[T], on_text: OnText | None = None) -> Structured[T]:
        last_unsupported: ModeUnsupported | None = None
        for mode in self.modes():
            try:
                result = self._call_mode(list(messages), schema, mode, on_text)
            except ModeUnsupported as exc:
                last_unsupported = exc
                if self.mode != "auto":
                    raise
                continue
            self._working = mode
            return result
        raise last_unsupported or ModelError("no structured-output mode worked", kind="unsupported")

    def _call_mode(self, messages: list[Message], schema: type[T], mode: str, on_text: OnText | None) -> Structured[T]:
        first = self.model.chat(messages, schema, mode, on_text)
        try:
            return Structured(parse(first.text, schema), [first], mode)
        except (json.JSONDecodeError, ValidationError) as exc:
            error = _describe(exc)
        if self.repair is None:
            raise ModelError(f"the model's reply was not valid JSON: {error}", kind="invalid_json")
        system, user = self.repair.render(error=error)
        retry = [*messages, ("assistant", first.text[:4000]), ("system", system), ("user", user)]
        second = self.model.chat(retry, schema, mode, None)
        try:
            return Structured(parse(second.text, schema), [first, second], mode, repaired=True)
        except (json.JSONDecodeError, ValidationError) as exc:
            raise ModelError(
                f"the model's reply was not valid JSON twice: {_describe(exc)}", kind="invalid_json"
            ) from exc


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        e = exc.errors()[0]
        return f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
    return str(exc)[:200]
