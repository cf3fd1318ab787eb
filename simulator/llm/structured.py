"""Typed replies from any ChatModel: the negotiated mode (auto), bounded requests, strict validation with one
repair request, then a ModelError that names the reason."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from simulator.llm.base import ChatModel, Limits, Message, ModelError, ModeUnsupported, OnText, RawReply
from simulator.llm.negotiate import AUTO_ORDER, EndpointMemory, ProbeResult, Speed, endpoint_key, probe
from simulator.prompts import Prompt

T = TypeVar("T", bound=BaseModel)
Check = Callable[[T], str | None]  # a reason the reply is unusable, or None
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")
__all__ = ["AUTO_ORDER", "Structured", "StructuredCaller", "parse"]


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
    """Finds the endpoint's mode once (probe, remembered in the data dir) and sends bounded requests in it."""

    def __init__(
        self,
        model: ChatModel,
        mode: str = "auto",
        repair: Prompt | None = None,
        memory: EndpointMemory | None = None,
        timeout: float = 60.0,
        timeout_cap: float = 300.0,
    ) -> None:
        self.model = model
        self.mode = mode
        self.repair = repair
        self.memory = memory or EndpointMemory(None)
        self.key = endpoint_key(model)
        # the model's own setting first (it was built from the settings the user gave for this endpoint)
        self.default_timeout = float(getattr(model, "timeout", timeout))
        self.timeout_cap = max(float(getattr(model, "timeout_cap", timeout_cap)), self.default_timeout)
        known = self.memory.get(self.key)
        self._working: str | None = (known.get("mode") if mode == "auto" else mode) or None
        self.speed = Speed(known.get("seconds_per_token"))
        self.last_probe: ProbeResult | None = None

    @property
    def working_mode(self) -> str | None:
        return self._working

    def negotiate(self, force: bool = False) -> ProbeResult:
        """Probe the endpoint (auto: every mode in order; a fixed mode: that one) and remember what works."""
        if self._working and not force:
            return ProbeResult(self._working, [{"mode": self._working, "outcome": "remembered", "detail": ""}])
        order = AUTO_ORDER if self.mode == "auto" else (self.mode,)
        result = probe(self.model, order)
        self.last_probe = result
        if result.mode:
            self._working = result.mode
            if result.reply is not None:
                r = result.reply
                self.speed.observe(r.seconds, r.prompt_tokens or 0, r.completion_tokens or 0)
            per_token = round(self.speed.per_token, 5) if self.speed.per_token is not None else None
            values: dict[str, object] = {"seconds_per_token": per_token}
            if self.mode == "auto":
                values["mode"] = result.mode
            self.memory.update(self.key, **values)
        return result

    def limits(self, messages: Sequence[Message], max_tokens: int) -> Limits:
        prompt = sum(len(text) for _, text in messages) // 4
        return Limits(max_tokens, self.speed.timeout(prompt, max_tokens, self.default_timeout, self.timeout_cap))

    def call(
        self,
        messages: Sequence[Message],
        schema: type[T],
        on_text: OnText | None = None,
        max_tokens: int = 1024,
        check: Check[T] | None = None,
        wire: type[BaseModel] | None = None,
    ) -> Structured[T]:
        """`schema` reads the reply; `wire` (default: the same) is the schema sent to the model."""
        mode = self._working
        if mode is None:
            result = self.negotiate()
            if result.mode is None:
                raise result.error or ModelError(
                    "the server offers none of json_schema, tools or json_mode: "
                    + "; ".join(f"{t['mode']}: {t['outcome']}" for t in result.tried),
                    kind="unsupported",
                )
            mode = result.mode
        try:
            return self._call_mode(list(messages), schema, mode, on_text, max_tokens, check, wire)
        except ModeUnsupported:
            if self.mode != "auto":
                raise
            self.memory.forget_mode(self.key)  # the server changed: find the mode again, once
            self._working = None
            result = self.negotiate(force=True)
            if result.mode is None or result.mode == mode:
                raise
            return self._call_mode(list(messages), schema, result.mode, on_text, max_tokens, check, wire)

    def _send(
        self, messages: list[Message], schema: type[BaseModel], mode: str, on_text: OnText | None, n: int
    ) -> RawReply:
        reply = self.model.chat(messages, schema, mode, on_text, self.limits(messages, n))
        self.speed.observe(reply.seconds, reply.prompt_tokens or 0, reply.completion_tokens or 0)
        if self.speed.per_token is not None:
            self.memory.update(self.key, seconds_per_token=round(self.speed.per_token, 5))
        return reply

    def _call_mode(
        self,
        messages: list[Message],
        schema: type[T],
        mode: str,
        on_text: OnText | None,
        max_tokens: int,
        check: Check[T] | None,
        wire: type[BaseModel] | None = None,
    ) -> Structured[T]:
        sent = wire or schema
        first = self._send(messages, sent, mode, on_text, max_tokens)
        value, error = _read(first.text, schema, check)
        if value is not None:
            return Structured(value, [first], mode)
        if self.repair is None:
            raise ModelError(f"the model's reply was unusable: {error}", kind="invalid_reply")
        system, user = self.repair.render(error=error)
        retry = [*messages, ("assistant", first.text[:4000]), ("system", system), ("user", user)]
        second = self._send(retry, sent, mode, None, max_tokens)
        value, error2 = _read(second.text, schema, check)
        if value is not None:
            return Structured(value, [first, second], mode, repaired=True)
        raise ModelError(f"the model's reply was unusable twice: {error2}", kind="invalid_reply")


def _read(text: str, schema: type[T], check: Check[T] | None) -> tuple[T | None, str]:
    try:
        value = parse(text, schema)
    except (json.JSONDecodeError, ValidationError) as exc:
        return None, _describe(exc)
    problem = check(value) if check is not None else None
    return (None, problem) if problem else (value, "")


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        errors = exc.errors()
        parts = [f"{'.'.join(str(p) for p in e['loc']) or 'reply'}: {e['msg']}" for e in errors[:3]]
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        return "; ".join(parts) + more
    return f"not valid JSON ({str(exc)[:160]})"
