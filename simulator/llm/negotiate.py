"""Which structured-output mode an endpoint offers, and how fast it is: probed once, remembered in the data dir.

`auto` tries json_schema, then tools, then json_mode, each with a tiny request. A mode counts as offered when
the reply parses; a 400/422/500 naming the mode, or a reply that ignores it, moves on to the next. Anything
else (unreachable server, refused key, unknown model) stops the probe: the endpoint itself is the problem.
The first mode that works is stored per base URL and model in `<data dir>/llm_endpoints.json`, with the
measured speed, so the next session starts without probing.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from simulator.llm.base import ChatModel, Limits, ModelError, ModeUnsupported, RawReply

AUTO_ORDER = ("json_schema", "tools", "json_mode")
PROBE_TOKENS = 24
PREFILL_RATIO = 8  # a prompt token costs about an eighth of a generated one on CPU servers
MIN_TIMEOUT, MARGIN = 15.0, 2.0
_FILE = "llm_endpoints.json"
_lock = threading.Lock()


class Ping(BaseModel):
    ok: bool


def endpoint_key(model: ChatModel) -> str:
    return f"{getattr(model, 'endpoint', model.provider)}|{model.model}"


@dataclass
class ProbeResult:
    mode: str | None
    tried: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    error: ModelError | None = None
    reply: RawReply | None = None  # the reply that worked: its time is the first measure of the server's speed

    def public(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "tried": self.tried,
            "seconds": round(self.seconds, 2),
            "error": self.error.message if self.error else None,
        }


class EndpointMemory:
    """A small JSON file in the data dir: per endpoint and model, the working mode and seconds per token."""

    def __init__(self, home: Path | None) -> None:
        self.path = home / _FILE if home is not None else None
        self._mem: dict[str, dict[str, Any]] = {}

    def _load(self) -> dict[str, dict[str, Any]]:
        if self.path is None or not self.path.exists():
            return self._mem
        try:
            data = json.loads(self.path.read_text())
        except (OSError, json.JSONDecodeError):
            return self._mem  # a damaged file is re-learned, not fatal
        return data if isinstance(data, dict) else self._mem

    def get(self, key: str) -> dict[str, Any]:
        with _lock:
            return dict(self._load().get(key) or {})

    def update(self, key: str, **values: Any) -> None:
        with _lock:
            data = self._load()
            entry = {**(data.get(key) or {}), **values, "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            data[key] = {k: v for k, v in entry.items() if v is not None}
            self._mem = data
            if self.path is not None:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = self.path.with_suffix(".tmp")
                    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
                    tmp.replace(self.path)
                except OSError:
                    pass  # a read-only data dir only means probing again next time

    def forget_mode(self, key: str) -> None:
        self.update(key, mode=None)


def probe(model: ChatModel, order: tuple[str, ...] = AUTO_ORDER) -> ProbeResult:
    """One tiny request per mode until one works. Stops at the first error that is not about the mode."""
    result = ProbeResult(None)
    messages = [
        ("system", 'You answer with JSON only, exactly {"ok": true}.'),
        ("user", "Are you there? Reply with the JSON object."),
    ]
    start = time.monotonic()
    for mode in order:
        try:
            reply = model.chat(messages, Ping, mode, None, Limits(PROBE_TOKENS, 60.0))  # type: ignore[arg-type]
        except ModeUnsupported as exc:
            result.tried.append({"mode": mode, "outcome": "unsupported", "detail": exc.message[:300]})
            continue
        except ModelError as exc:
            if exc.kind in ("length", "no_tool_call", "empty"):  # the server took the request but ignored the mode
                result.tried.append({"mode": mode, "outcome": "ignored", "detail": exc.message[:300]})
                continue
            result.tried.append({"mode": mode, "outcome": "error", "detail": exc.message[:300]})
            result.error = exc
            break
        try:
            from simulator.llm.structured import parse

            parse(reply.text, Ping)
        except (json.JSONDecodeError, ValidationError):
            result.tried.append(
                {"mode": mode, "outcome": "ignored", "detail": f"reply was not the JSON: {reply.text[:80]}"}
            )
            continue
        result.tried.append({"mode": mode, "outcome": "ok", "detail": f"{reply.seconds:.2f} s"})
        result.mode = mode
        result.reply = reply
        break
    result.seconds = time.monotonic() - start
    return result


@dataclass
class Speed:
    """Seconds per generated token (prompt tokens weighted by PREFILL_RATIO), as measured on this endpoint."""

    per_token: float | None = None

    def observe(self, seconds: float, prompt_tokens: int, completion_tokens: int) -> None:
        work = completion_tokens + prompt_tokens / PREFILL_RATIO
        if seconds <= 0 or work < 3:
            return
        sample = seconds / work
        self.per_token = sample if self.per_token is None else 0.5 * self.per_token + 0.5 * sample

    def timeout(self, prompt_tokens: int, max_tokens: int, default: float, cap: float) -> float:
        """Twice the expected time for a full-length reply plus 5 s, at most `cap`; before any measurement,
        `default` (MOCKSIM_LLM_TIMEOUT). Never below MIN_TIMEOUT, unless `default` is set lower than that."""
        if self.per_token is None:
            return min(default, cap)
        expected = self.per_token * (max_tokens + prompt_tokens / PREFILL_RATIO)
        return round(min(cap, max(min(MIN_TIMEOUT, default), MARGIN * expected + 5.0)), 1)
