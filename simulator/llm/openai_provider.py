"""Any OpenAI-compatible endpoint (OpenAI, Azure, Ollama, vLLM, llama.cpp) through langchain-openai.

Structured output in three modes: json_schema (response_format with the schema), json_mode
(response_format json_object, the schema in the prompt) and tools (one forced function call). The openai
client retries timeouts, 429 (honouring Retry-After), 5xx and resets with backoff; what still fails becomes a
ModelError, which the caller answers with the offline engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import openai
from pydantic import BaseModel

from simulator.llm.base import Message, ModelError, ModeUnsupported, OnText, RawReply
from simulator.llm.registry import register_provider
from simulator.settings import Settings

_SAYS = re.compile(r'"interviewer_says"\s*:\s*"((?:[^"\\]|\\.)*)')


def _partial_says(buffer: str) -> str:
    """The interviewer's words so far, read out of a JSON reply that is still arriving."""
    m = _SAYS.search(buffer)
    if not m:
        return ""
    raw = m.group(1)
    if raw.endswith("\\"):
        raw = raw[:-1]
    try:
        return str(json.loads(f'"{raw}"'))
    except json.JSONDecodeError:
        return raw


class OpenAICompatibleModel:
    provider = "openai"

    def __init__(self, settings: Settings, streaming: bool = True) -> None:
        from langchain_openai import ChatOpenAI

        self.model = settings.llm_model
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
        self.streaming = streaming
        self._llm = ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=key,  # type: ignore[arg-type]
            timeout=settings.llm_timeout,
            max_retries=settings.llm_retries,
            temperature=0.2,
            use_responses_api=False,
            stream_usage=True,
        )

    def _bound(self, schema: type[BaseModel], mode: str) -> Any:
        if mode == "json_schema":
            return self._llm.bind(
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": schema.__name__, "schema": schema.model_json_schema(), "strict": False},
                }
            )
        if mode == "json_mode":
            return self._llm.bind(response_format={"type": "json_object"})
        if mode == "tools":
            tool = {
                "type": "function",
                "function": {
                    "name": "reply",
                    "description": "Send the judgement.",
                    "parameters": schema.model_json_schema(),
                },
            }
            return self._llm.bind(tools=[tool], tool_choice={"type": "function", "function": {"name": "reply"}})
        raise ModeUnsupported(f"unknown structured output mode '{mode}'", kind="config")

    def chat(
        self, messages: Sequence[Message], schema: type[BaseModel], mode: str, on_text: OnText | None = None
    ) -> RawReply:
        from langchain_core.messages import AIMessage, AIMessageChunk

        msgs = list(messages)
        if mode == "json_mode":
            msgs = [
                *msgs[:-1],
                (msgs[-1][0], msgs[-1][1] + "\n\nJSON schema of the reply:\n" + json.dumps(schema.model_json_schema())),
            ]
        runnable = self._bound(schema, mode)
        try:
            if self.streaming and on_text is not None and mode != "tools":
                return self._stream(runnable, msgs, mode, on_text, AIMessageChunk)
            msg = runnable.invoke(msgs)
        except openai.BadRequestError as exc:
            text = str(exc).lower()
            if any(w in text for w in ("response_format", "json_schema", "tool", "not supported", "unsupported")):
                raise ModeUnsupported(f"the endpoint does not support {mode}: {exc}", kind="unsupported") from exc
            raise ModelError(f"the endpoint rejected the request: {exc}", kind="bad_request") from exc
        except openai.APITimeoutError as exc:
            raise ModelError("the model did not answer in time", kind="timeout") from exc
        except openai.RateLimitError as exc:
            raise ModelError("the endpoint is rate limiting (429) after retries", kind="rate_limit") from exc
        except openai.APIConnectionError as exc:
            raise ModelError(f"cannot reach the model endpoint: {exc}", kind="connection") from exc
        except openai.APIStatusError as exc:
            raise ModelError(f"the endpoint answered {exc.status_code}", kind=f"http_{exc.status_code}") from exc
        assert isinstance(msg, AIMessage)
        return self._reply(msg, mode)

    def _stream(self, runnable: Any, msgs: list[Message], mode: str, on_text: OnText, chunk_type: Any) -> RawReply:
        acc: Any = None
        shown = ""
        for chunk in runnable.stream(msgs):
            acc = chunk if acc is None else acc + chunk
            says = _partial_says(str(acc.content))
            if len(says) > len(shown):
                on_text(says[len(shown) :])
                shown = says
        if acc is None:
            raise ModelError("the model sent an empty stream", kind="empty")
        reply = self._reply(acc, mode)
        reply.streamed = True
        return reply

    def _reply(self, msg: Any, mode: str) -> RawReply:
        usage = getattr(msg, "usage_metadata", None) or {}
        if mode == "tools":
            calls = getattr(msg, "tool_calls", None) or []
            if not calls:
                raise ModelError("the model answered without calling the reply tool", kind="no_tool_call")
            text = json.dumps(calls[0]["args"])
        else:
            text = msg.content if isinstance(msg.content, str) else json.dumps(msg.content)
        refusal = (getattr(msg, "additional_kwargs", {}) or {}).get("refusal")
        if refusal:
            raise ModelError(f"the model refused: {refusal}", kind="refusal")
        if not text.strip():
            raise ModelError("the model sent an empty reply", kind="empty")
        return RawReply(text, usage.get("input_tokens"), usage.get("output_tokens"), mode=mode)


@register_provider("openai")
def _factory(settings: Settings, streaming: bool = True) -> OpenAICompatibleModel:
    return OpenAICompatibleModel(settings, streaming=streaming)
