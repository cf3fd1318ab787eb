"""A loopback OpenAI-compatible HTTP server with scripted replies and injected faults.

Ships in the package so tests (and demos without a model) can drive the real openai client and langchain
over real HTTP. It listens on 127.0.0.1 only. Script it with `enqueue()`:
  {"json": {...}} / {"content": "..."}   a normal reply (a tool call when the request forces a tool)
  {"status": 429, "retry_after": 0.1}     an HTTP error (also 500, 503, 400 with "message")
  {"delay": 2.0, ...}                     wait first (to trip client timeouts)
  {"reset": True}                         drop the connection without answering
  {"truncate": True, "json": {...}}       send only the first half of the JSON text
  {"cut_stream": True, "json": {...}}     when streaming, stop after a few chunks
  {"reject": ["json_schema", "tools"]}    400 for those modes (the action stays queued for the next mode)
  {"runaway": True, "json": {...}}        keep generating past the JSON until max_tokens (or the context) ends it
  {"chunk_delay": 0.2, ...}               when streaming, wait between chunks (a slow server)

`profile` makes the server answer as llama-cpp-python, Ollama, vLLM or OpenAI do (see server_profiles.py):
their refusals of unsupported modes, tool-call shapes, token-limit fields and finish reasons. The start-up
probe (a tiny request whose schema is {"ok": bool}) is answered without using up a scripted action, unless
its mode is refused or listed in `ignore_modes` (then the server answers in prose, as servers that ignore
response_format do). `cancelled` counts streams the client closed before the end.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simulator.llm.server_profiles import PROFILES, Profile, request_mode

Action = dict[str, Any]


def is_probe(body: dict[str, Any]) -> bool:
    rf = body.get("response_format") or {}
    schemas = [
        (rf.get("json_schema") or {}).get("schema"),
        rf.get("schema"),
        *[(t.get("function") or {}).get("parameters") for t in body.get("tools") or []],
    ]
    return any(isinstance(x, dict) and set(x.get("properties") or {}) == {"ok"} for x in schemas)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a killed process, a timeout) is part of the script, not an error."""
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | BrokenPipeError | TimeoutError):
            return
        super().handle_error(request, client_address)


class FakeOpenAIServer:
    def __init__(
        self,
        default: Callable[[dict[str, Any]], Action] | None = None,
        profile: str = "generic",
        ignore_modes: tuple[str, ...] = (),
        context_tokens: int | None = None,
    ) -> None:
        self.profile: Profile = PROFILES[profile]
        self.ignore_modes = set(ignore_modes)
        self.context_tokens = context_tokens or self.profile.context_tokens
        self.cancelled = 0  # streams the client closed before the end
        self.rejected: set[str] = set()  # modes a scripted `reject` has refused: probes are refused too
        self.queue: deque[Action] = deque()
        self.requests: list[dict[str, Any]] = []
        self.default = default
        self.transcription = "transcribed text"
        self.in_flight = 0  # chat requests being answered right now
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def chats(self) -> list[dict[str, Any]]:
        """Chat requests other than the start-up probes."""
        return [r for r in self.requests if "messages" in r and not is_probe(r)]

    @property
    def probes(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if "messages" in r and is_probe(r)]

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def enqueue(self, *actions: Action) -> FakeOpenAIServer:
        with self._lock:
            self.queue.extend(actions)
        return self

    def _next(self, body: dict[str, Any]) -> Action:
        with self._lock:
            self.requests.append(body)
            if self.queue:
                return self.queue.popleft()
        if self.default is not None:
            return self.default(body)
        return {"status": 500, "message": "the fake server has no scripted reply"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send_json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
                else:
                    self._send_json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.endswith("/audio/transcriptions"):
                    server.requests.append({"path": self.path, "bytes": len(raw)})
                    self._send_json(200, {"text": server.transcription})
                    return
                if not self.path.endswith("/chat/completions"):
                    self._send_json(404, {"error": {"message": "not found"}})
                    return
                body = json.loads(raw or b"{}")
                with server._lock:
                    server.in_flight += 1
                try:
                    self._chat(body)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _chat(self, body: dict[str, Any]) -> None:
                profile = server.profile
                refusal = profile.refuse(body, server.context_tokens)
                mode = request_mode(body)
                if is_probe(body):
                    with server._lock:
                        server.requests.append(body)
                    if refusal:
                        self._send_json(*refusal)
                        return
                    if mode in server.rejected:
                        err = {"message": f"{mode} is not supported by this model", "type": "invalid_request_error"}
                        self._send_json(400, {"error": {**err, "param": "response_format"}})
                        return
                    text = "Sure, I am here!" if mode in server.ignore_modes else '{"ok": true}'
                    self._answer(body, text, finish=None)
                    return
                action = server._next(body)
                if refusal:
                    with server._lock:
                        server.queue.appendleft(dict(action))  # a refused request uses up no scripted reply
                    self._send_json(*refusal)
                    return
                if action.get("delay"):
                    time.sleep(float(action["delay"]))
                if action.get("reset"):
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.connection.close()
                    return
                fmt = (body.get("response_format") or {}).get("type")
                rejected = set(action.get("reject", ()))
                if (fmt and fmt in rejected) or ("tools" in rejected and body.get("tools")):
                    what = f"response_format {fmt}" if fmt in rejected else "tools"
                    err = {"message": f"{what} is not supported by this model", "type": "invalid_request_error"}
                    with server._lock:
                        server.queue.appendleft(dict(action))  # the same reply waits for the next mode
                        server.rejected |= {m for m in rejected if m in ("json_schema", "json_object", "tools")}
                        server.rejected |= {"json_mode"} if "json_object" in rejected else set()
                    self._send_json(400, {"error": err})
                    return
                status = int(action.get("status", 200))
                if status != 200:
                    headers = {"Retry-After": str(action["retry_after"])} if "retry_after" in action else {}
                    error = {"error": {"message": action.get("message", f"error {status}")}}
                    self._send_json(status, action.get("body", error), headers)
                    return
                content = action.get("content")
                if content is None:
                    content = json.dumps(action.get("json", {}))
                if mode in server.ignore_modes:
                    content = "Here is my assessment of the answer. " + content
                if action.get("truncate"):
                    content = content[: len(content) // 2]
                if action.get("runaway"):
                    content = content[:-1] + ', "notes": "' + "and so on " * 40_000
                self._answer(body, content, None, float(action.get("chunk_delay", 0)), bool(action.get("cut_stream")))

            def _answer(
                self, body: dict[str, Any], content: str, finish: str | None, pause: float = 0, cut: bool = False
            ) -> None:
                profile = server.profile
                prompt_tokens = sum(len(str(m.get("content", ""))) for m in body.get("messages", [])) // 4
                room = max(1, server.context_tokens - prompt_tokens)
                limit = min(profile.max_tokens(body) or room, room)
                if len(content) // 4 > limit:
                    content, finish = content[: limit * 4], "length"
                completion = max(1, len(content) // 4)
                usage: dict[str, Any] = {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion,
                    "total_tokens": prompt_tokens + completion,
                }
                use_tool = bool(body.get("tools")) and body.get("tool_choice") not in (None, "none", "auto")
                finish = finish or (profile.forced_tool_finish if use_tool else "stop")
                if body.get("stream"):
                    self._stream(body, content, use_tool, usage, cut, finish, pause)
                    return
                message: dict[str, Any] = {"role": "assistant", "content": None if use_tool else content}
                if use_tool:
                    name = body["tools"][0]["function"]["name"]
                    call = {"name": name, "arguments": content}
                    message["tool_calls"] = [{"id": profile.tool_call_id(), "type": "function", "function": call}]
                    if profile.legacy_function_call:
                        message["function_call"] = call
                self._send_json(
                    200,
                    {
                        "id": "chatcmpl-" + uuid.uuid4().hex[:10],
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "fake-model"),
                        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                        "usage": usage,
                    },
                )

            def _stream(
                self,
                body: dict[str, Any],
                content: str,
                use_tool: bool,
                usage: dict[str, Any],
                cut: bool,
                finish: str,
                pause: float,
            ) -> None:
                profile = server.profile
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                base = {
                    "id": "chatcmpl-" + uuid.uuid4().hex[:10],
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": body.get("model", "fake-model"),
                }

                def send(delta: dict[str, Any], end: str | None = None) -> None:
                    chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": end}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()

                size = len(content) if use_tool and profile.tool_args_in_one_chunk else 24
                pieces = [content[i : i + size] for i in range(0, len(content), size)] or [""]
                call = {"index": 0, "id": profile.tool_call_id(), "type": "function"}
                name = body["tools"][0]["function"]["name"] if use_tool else ""
                try:
                    if use_tool:
                        send(
                            {
                                "role": "assistant",
                                "content": None,
                                "tool_calls": [{**call, "function": {"name": name, "arguments": ""}}],
                            }
                        )
                    else:
                        send({"role": "assistant", "content": ""})
                    for n, piece in enumerate(pieces):
                        if cut and n >= 3:
                            self.connection.shutdown(socket.SHUT_RDWR)
                            self.connection.close()
                            return
                        if pause:
                            time.sleep(pause)
                        if use_tool and profile.tool_chunk_repeats_header:
                            fn = {"name": name, "arguments": piece}
                            send({"function_call": fn, "tool_calls": [{**call, "function": fn}]})
                        elif use_tool:
                            send({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
                        else:
                            send({"content": piece})
                    send({}, finish)
                    wants_usage = (body.get("stream_options") or {}).get("include_usage")
                    if wants_usage and profile.stream_usage:
                        self.wfile.write(f"data: {json.dumps({**base, 'choices': [], 'usage': usage})}\n\n".encode())
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    with server._lock:
                        server.cancelled += 1  # the client gave up and closed the connection: stop generating
                self.close_connection = True

        return Handler
