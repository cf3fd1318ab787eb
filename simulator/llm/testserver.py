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

Action = dict[str, Any]


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
    def __init__(self, default: Callable[[dict[str, Any]], Action] | None = None) -> None:
        self.queue: deque[Action] = deque()
        self.requests: list[dict[str, Any]] = []
        self.default = default
        self.transcription = "transcribed text"
        self.in_flight = 0  # chat requests being answered right now
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

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
                action = server._next(body)
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
                    self._send_json(400, {"error": err})
                    return
                status = int(action.get("status", 200))
                if status != 200:
                    headers = {"Retry-After": str(action["retry_after"])} if "retry_after" in action else {}
                    self._send_json(status, {"error": {"message": action.get("message", f"error {status}")}}, headers)
                    return
                content = action.get("content")
                if content is None:
                    content = json.dumps(action.get("json", {}))
                if action.get("truncate"):
                    content = content[: len(content) // 2]
                prompt_tokens = sum(len(str(m.get("content", ""))) for m in body.get("messages", [])) // 4
                usage = {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": max(1, len(content) // 4),
                    "total_tokens": prompt_tokens + max(1, len(content) // 4),
                }
                use_tool = bool(body.get("tools")) and body.get("tool_choice") not in (None, "none", "auto")
                if body.get("stream"):
                    self._stream(body, content, use_tool, usage, bool(action.get("cut_stream")))
                    return
                message: dict[str, Any] = {"role": "assistant", "content": None if use_tool else content}
                if use_tool:
                    message["tool_calls"] = [
                        {
                            "id": "call_" + uuid.uuid4().hex[:8],
                            "type": "function",
                            "function": {"name": body["tools"][0]["function"]["name"], "arguments": content},
                        }
                    ]
                self._send_json(
                    200,
                    {
                        "id": "chatcmpl-" + uuid.uuid4().hex[:10],
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "fake-model"),
                        "choices": [
                            {"index": 0, "message": message, "finish_reason": "tool_calls" if use_tool else "stop"}
                        ],
                        "usage": usage,
                    },
                )

            def _stream(
                self, body: dict[str, Any], content: str, use_tool: bool, usage: dict[str, int], cut: bool
            ) -> None:
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

                def send(delta: dict[str, Any], finish: str | None = None) -> None:
                    chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()

                send({"role": "assistant", "content": ""})
                pieces = [content[i : i + 24] for i in range(0, len(content), 24)] or [""]
                for n, piece in enumerate(pieces):
                    if cut and n >= 3:
                        self.connection.shutdown(socket.SHUT_RDWR)
                        self.connection.close()
                        return
                    send({"content": piece})
                send({}, "stop")
                if (body.get("stream_options") or {}).get("include_usage"):
                    self.wfile.write(f"data: {json.dumps({**base, 'choices': [], 'usage': usage})}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        return Handler
