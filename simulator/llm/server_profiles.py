"""How real OpenAI-compatible servers answer, for the loopback test server: which structured-output modes
each offers, the status code and error body when it does not, how it shapes tool calls, which token-limit
field it reads, and whether it reports usage while streaming.

The shapes were written from the servers' own behaviour as users meet it:
- llama_cpp: llama-cpp-python's server (0.3.x). `response_format: json_schema` fails request validation and
  comes back as HTTP 500 naming the literal error; `json_object` takes a `schema` and constrains with it;
  forced tool calls come back with `finish_reason: tool_calls` and a legacy `function_call`, and when streamed
  every delta repeats the call's id and name; no usage while streaming; without max_tokens it generates up to
  the context size.
- ollama: Ollama's /v1 (0.5 and later). json_schema and json_object accepted; tool calls arrive in one chunk
  with the whole argument string; errors as {"error": {...}} with 400.
- vllm: vLLM's server. Everything offered through guided decoding; errors are top-level
  {"object": "error", "message": ..., "code": 400}; a named tool choice finishes with "stop".
- openai: OpenAI. json_schema is refused with 400 for models that predate it (gpt-3.5, gpt-4-turbo); a
  forced tool call finishes with "stop"; reads max_completion_tokens and reports cached prompt tokens.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Body = dict[str, Any]


def request_mode(body: Body) -> str | None:
    fmt = (body.get("response_format") or {}).get("type")
    if body.get("tools"):
        return "tools"
    return {"json_schema": "json_schema", "json_object": "json_mode"}.get(str(fmt))


@dataclass(frozen=True)
class Profile:
    name: str
    refuse: Callable[[Body, int], tuple[int, Body] | None] = lambda body, ctx: None  # (status, error body)
    tool_call_id: Callable[[], str] = lambda: "call_" + uuid.uuid4().hex[:8]
    forced_tool_finish: str = "tool_calls"
    legacy_function_call: bool = False
    tool_args_in_one_chunk: bool = False
    tool_chunk_repeats_header: bool = False  # every streamed tool-call delta carries the id, type and name again
    stream_usage: bool = True
    max_fields: tuple[str, ...] = ("max_tokens", "max_completion_tokens")
    context_tokens: int = 8192
    cached_tokens: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def max_tokens(self, body: Body) -> int | None:
        for f in self.max_fields:
            if isinstance(body.get(f), int):
                return int(body[f])
        return None


def _llama_cpp_refuse(body: Body, context: int) -> tuple[int, Body] | None:
    fmt = (body.get("response_format") or {}).get("type")
    if fmt not in (None, "text", "json_object"):
        detail = (
            "[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be "
            f"'text' or 'json_object'\", 'input': '{fmt}', 'ctx': {{'expected': \"'text' or 'json_object'\"}}}}]"
        )
        return 500, {"error": {"message": detail, "type": "internal_server_error", "param": None, "code": None}}
    return None


def _openai_refuse(body: Body, context: int) -> tuple[int, Body] | None:
    fmt = (body.get("response_format") or {}).get("type")
    model = str(body.get("model", ""))
    if fmt == "json_schema" and model.startswith(("gpt-3.5", "gpt-4-turbo", "gpt-4-0")):
        message = "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model."
        return 400, {
            "error": {"message": message, "type": "invalid_request_error", "param": "response_format", "code": None}
        }
    if body.get("max_tokens") is not None and model.startswith(("o1", "o3", "o4", "gpt-5")):
        message = "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens'."
        return 400, {
            "error": {"message": message, "type": "invalid_request_error", "param": "max_tokens", "code": None}
        }
    return None


def _vllm_refuse(body: Body, context: int) -> tuple[int, Body] | None:
    asked = body.get("max_tokens") or body.get("max_completion_tokens")
    prompt = sum(len(str(m.get("content", ""))) for m in body.get("messages", [])) // 4
    limit = context
    if isinstance(asked, int) and prompt + asked > limit:
        message = (
            f"'max_tokens' or 'max_completion_tokens' is too large: {asked}. This model's maximum context length "
            f"is {limit} tokens and your request has {prompt} input tokens ({asked} > {limit} - {prompt})."
        )
        return 400, {"object": "error", "message": message, "type": "BadRequestError", "param": None, "code": 400}
    return None


def _ollama_refuse(body: Body, context: int) -> tuple[int, Body] | None:
    fmt = (body.get("response_format") or {}).get("type")
    if fmt not in (None, "text", "json_object", "json_schema"):
        return 400, {"error": {"message": "invalid response format", "type": "invalid_request_error"}}
    return None


PROFILES: dict[str, Profile] = {
    "llama_cpp": Profile(
        "llama_cpp",
        refuse=_llama_cpp_refuse,
        tool_call_id=lambda: "call__0_reply_cmpl-" + str(uuid.uuid4()),
        legacy_function_call=True,
        tool_chunk_repeats_header=True,
        stream_usage=False,
        max_fields=("max_tokens",),
    ),
    "ollama": Profile(
        "ollama",
        refuse=_ollama_refuse,
        tool_call_id=lambda: "call_" + uuid.uuid4().hex[:8],
        tool_args_in_one_chunk=True,
        max_fields=("max_tokens",),
    ),
    "vllm": Profile(
        "vllm",
        refuse=_vllm_refuse,
        tool_call_id=lambda: "chatcmpl-tool-" + uuid.uuid4().hex,
        forced_tool_finish="stop",
        context_tokens=8192,  # a 7B model served with an 8k window
    ),
    "openai": Profile(
        "openai",
        refuse=_openai_refuse,
        tool_call_id=lambda: "call_" + uuid.uuid4().hex[:24],
        forced_tool_finish="stop",
        max_fields=("max_completion_tokens", "max_tokens"),
        context_tokens=128_000,
        cached_tokens=True,
    ),
    "generic": Profile("generic"),
}
