"""Any OpenAI-compatible endpoint (OpenAI, Azure, Ollama, vLLM, llama.cpp, LM Studio) through langchain-openai.

Structured output in three modes: json_schema (response_format with the schema), json_mode (response_format
json_object with the schema beside it, which llama.cpp and Ollama use to constrain the output, and in the
prompt) and tools (one forced function call). Every request is bounded: `max_tokens` from the caller's
Limits and a deadline for the whole request; replies are streamed so that giving up (deadline, Ctrl-C, an app
rerun) closes the connection and the server stops generating. The openai client's own retries are off: a
4xx is never retried, a 5xx or a dropped connection once. Each request that reached the server is counted in
`ledger`, with its tokens.
"""

from __future__ import annotations

import json
import re
import time
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import openai
from pydantic import BaseModel

from simulator.llm.base import Ledger, Limits, Message, ModelError, ModeUnsupported, OnText, RawReply
from simulator.llm.providers.openai_compatible import EndpointSettings
from simulator.tokens import count_tokens

_SAYS = re.compile(r'"interviewer_says"\s*:\s*"((?:[^"\\]|\\.)*)')
OPENAI_URL = "https://api.openai.com/v1"
MODE_WORDS = ("response_format", "json_schema", "json_object", "tools", "tool_choice")
MODE_STATUSES = (400, 422, 500)


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


def names_a_mode(status: int, body: str) -> bool:
    """A 400, 422 or 500 whose body names response_format, json_schema or tools: this mode is not offered."""
    low = body.lower()
    return status in MODE_STATUSES and any(w in low for w in MODE_WORDS)


def _body(exc: openai.APIStatusError) -> str:
    try:
        return exc.response.text[:2000]
    except (httpx.ResponseNotRead, AttributeError):
        return str(exc)[:2000]


def _short(text: str, n: int = 160) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[: n - 1] + "…"


class OpenAICompatibleModel:
    provider = "openai"

    def __init__(self, settings: EndpointSettings, streaming: bool = True) -> None:
        from langchain_openai import ChatOpenAI

        self.model = settings.llm_model
        self.endpoint = (settings.llm_base_url or OPENAI_URL).rstrip("/")
        self.is_openai = "api.openai.com" in self.endpoint
        # OpenAI itself wants max_completion_tokens; other servers read max_tokens. A server that refuses
        # max_tokens by name (OpenAI's reasoning models behind a proxy) switches this once.
        self.token_field = "max_completion_tokens" if self.is_openai else "max_tokens"
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
        self.streaming = streaming
        self.timeout = settings.llm_timeout
        self.timeout_cap = settings.llm_timeout_cap
        self.retries = min(settings.llm_retries, 1)
        self.ledger = Ledger()
        self._llm = ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=key,  # type: ignore[arg-type]
            timeout=settings.llm_timeout,
            max_retries=0,  # retries are ours: never a 4xx, a 5xx once
            temperature=0.2,
            use_responses_api=False,
            stream_usage=True,
        )

    def _bound(self, schema: type[BaseModel], mode: str, limits: Limits) -> Any:
        kwargs: dict[str, Any] = {"timeout": limits.timeout or self.timeout}
        if limits.max_tokens:
            if self.token_field == "max_completion_tokens":
                kwargs["max_tokens"] = limits.max_tokens  # langchain sends it as max_completion_tokens
            else:  # llama.cpp, Ollama, LM Studio read max_tokens; vLLM and OpenAI's older models read both
                kwargs["extra_body"] = {"max_tokens": limits.max_tokens}
        js = schema.model_json_schema()
        if mode == "json_schema":
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema.__name__, "schema": js, "strict": False},
            }
        elif mode == "json_mode":
            kwargs["response_format"] = (
                {"type": "json_object"} if self.is_openai else {"type": "json_object", "schema": js}
            )
        elif mode == "tools":
            tool = {
                "type": "function",
                "function": {"name": "reply", "description": "Send the reply.", "parameters": js},
            }
            kwargs["tools"] = [tool]
            kwargs["tool_choice"] = {"type": "function", "function": {"name": "reply"}}
        else:
            raise ModeUnsupported(f"unknown structured output mode '{mode}'", kind="config")
        return self._llm.bind(**kwargs)

    def chat(
        self,
        messages: Sequence[Message],
        schema: type[BaseModel],
        mode: str,
        on_text: OnText | None = None,
        limits: Limits | None = None,
    ) -> RawReply:
        limits = limits or Limits()
        msgs = list(messages)
        if mode == "json_mode":  # the schema joins the system message: part of the stable, cacheable prefix
            note = "\n\nJSON schema of the reply:\n" + json.dumps(schema.model_json_schema())
            msgs = [(msgs[0][0], msgs[0][1] + note), *msgs[1:]] if msgs[0][0] == "system" else msgs
        runnable = self._bound(schema, mode, limits)
        sent_tokens = sum(count_tokens(text, self.model) for _, text in msgs)
        attempt = switched = 0
        while True:
            start = time.monotonic()
            try:
                reply = self._once(runnable, msgs, mode, on_text if attempt == 0 else None, limits)
            except _Failed as failed:
                if failed.reached:
                    self.ledger.add(sent_tokens, 0, retry=attempt > 0, estimated=True)
                if failed.error.kind == "token_field" and not switched:
                    self.token_field, switched = "max_completion_tokens", 1
                    runnable = self._bound(schema, mode, limits)
                    continue
                if failed.retry and attempt < self.retries:
                    attempt += 1
                    continue
                raise failed.error from None
            reply.seconds = time.monotonic() - start
            estimated = reply.prompt_tokens is None
            if reply.prompt_tokens is None:
                reply.prompt_tokens = sent_tokens
            if reply.completion_tokens is None:
                reply.completion_tokens = count_tokens(reply.text, self.model)
            self.ledger.add(reply.prompt_tokens, reply.completion_tokens, retry=attempt > 0, estimated=estimated)
            return self._check(reply, limits)

    def _once(self, runnable: Any, msgs: list[Message], mode: str, on_text: OnText | None, limits: Limits) -> RawReply:
        from langchain_core.messages import AIMessage

        try:
            with warnings.catch_warnings():
                # langchain warns before re-raising a refused json_schema; the refusal itself is handled below
                warnings.filterwarnings("ignore", message=".*does not support OpenAI's structured output.*")
                if self.streaming:
                    return self._stream(runnable, msgs, mode, on_text, limits.timeout or self.timeout)
                msg = runnable.invoke(msgs)
        except openai.LengthFinishReasonError as exc:
            cap = f" of {limits.max_tokens}" if limits.max_tokens else ""
            error = ModelError(f"the model's reply ran past its token budget{cap} and was cut off", kind="length")
            raise _Failed(error, reached=True) from exc
        except openai.APITimeoutError as exc:
            raise _Failed(ModelError("the model did not answer in time", kind="timeout"), reached=True) from exc
        except openai.APIConnectionError as exc:
            if _refused(exc):
                error = ModelError(f"cannot connect to {self.endpoint}: {exc.__cause__}", kind="connection")
                raise _Failed(error, reached=False, retry=True) from exc
            error = ModelError(f"the connection to {self.endpoint} dropped before the reply: {exc}", "disconnected")
            raise _Failed(error, reached=True, retry=True) from exc
        except openai.APIStatusError as exc:
            error = self._status_error(exc, mode)
            retry = exc.status_code >= 500 and not isinstance(error, ModeUnsupported)
            raise _Failed(error, reached=True, retry=retry) from exc
        assert isinstance(msg, AIMessage)
        return self._reply(msg, mode, (msg.response_metadata or {}).get("finish_reason"))

    def _status_error(self, exc: openai.APIStatusError, mode: str) -> ModelError:
        status, body = exc.status_code, _body(exc)
        low = body.lower()
        if (
            status == 400
            and "max_completion_tokens" in low
            and "not supported" in low
            and self.token_field == "max_tokens"
        ):
            return ModelError(f"the server wants max_completion_tokens (HTTP 400: {_short(body)})", "token_field")
        if names_a_mode(status, body):
            return ModeUnsupported(f"the server does not offer {mode} (HTTP {status}: {_short(body)})", "unsupported")
        if status in (401, 403):
            return ModelError(f"the server refused the API key (HTTP {status}: {_short(body)})", kind="auth")
        if status == 404:
            return ModelError(
                f"the server has no model '{self.model}' or no chat endpoint at {self.endpoint} (HTTP 404)",
                kind="not_found",
            )
        if status == 429:
            return ModelError(f"the server is rate limiting (HTTP 429: {_short(body)})", kind="rate_limit")
        kind = f"http_{status}"
        return ModelError(f"the server answered HTTP {status}: {_short(body)}", kind=kind)

    def _stream(
        self, runnable: Any, msgs: list[Message], mode: str, on_text: OnText | None, timeout: float
    ) -> RawReply:
        """Stream the reply; past the deadline the stream is closed, which closes the connection."""
        deadline = time.monotonic() + timeout
        acc: Any = None
        shown = ""
        chunks: Iterator[Any] = runnable.stream(msgs)
        try:
            for chunk in chunks:
                acc = chunk if acc is None else acc + chunk
                if on_text is not None:
                    says = _partial_says(self._text_so_far(acc, mode))
                    if len(says) > len(shown):
                        on_text(says[len(shown) :])
                        shown = says
                if time.monotonic() > deadline:
                    raise _Failed(
                        ModelError(f"the model did not finish within {timeout:.0f} s", kind="timeout"), reached=True
                    )
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # a generator closed early exits langchain's `with response:` and drops the connection
        if acc is None:
            raise _Failed(ModelError("the model sent an empty stream", kind="empty"), reached=True)
        reply = self._reply(acc, mode, (acc.response_metadata or {}).get("finish_reason"))
        reply.streamed = True
        return reply

    @staticmethod
    def _text_so_far(acc: Any, mode: str) -> str:
        if mode == "tools":
            calls = getattr(acc, "tool_call_chunks", None) or []
            return str(calls[0].get("args") or "") if calls else ""
        return str(acc.content)

    def _reply(self, msg: Any, mode: str, finish: str | None) -> RawReply:
        usage = getattr(msg, "usage_metadata", None) or {}
        text = ""
        if mode == "tools":
            calls = getattr(msg, "tool_calls", None) or []
            if calls:
                text = json.dumps(calls[0]["args"])
            else:
                bad = getattr(msg, "invalid_tool_calls", None) or []
                text = str(bad[0].get("args") or "") if bad else ""
            if not text.strip():
                raise _Failed(ModelError("the model answered without calling the reply tool", "no_tool_call"), True)
        else:
            text = msg.content if isinstance(msg.content, str) else json.dumps(msg.content)
        refusal = (getattr(msg, "additional_kwargs", {}) or {}).get("refusal")
        if refusal:
            raise _Failed(ModelError(f"the model refused: {refusal}", kind="refusal"), reached=True)
        return RawReply(text, usage.get("input_tokens"), usage.get("output_tokens"), mode=mode, finish_reason=finish)

    def _check(self, reply: RawReply, limits: Limits) -> RawReply:
        if reply.finish_reason == "length":
            cap = f" of {limits.max_tokens}" if limits.max_tokens else ""
            raise ModelError(f"the model's reply ran past its token budget{cap} and was cut off", kind="length")
        if not reply.text.strip():
            raise ModelError("the model sent an empty reply", kind="empty")
        return reply


def _refused(exc: BaseException) -> bool:
    """The connection was never made (refused, unknown host): the request did not reach any server."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, httpx.ConnectError | ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class _Failed(Exception):
    def __init__(self, error: ModelError, reached: bool, retry: bool = False) -> None:
        super().__init__(error.message)
        self.error, self.reached, self.retry = error, reached, retry
