"""Real servers the tests start on loopback: free ports and the Streamlit app."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from simulator.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def streamlit_app(
    env: dict[str, str],
    log_path: Path,
    *,
    port: int | None = None,
    args: Sequence[str] = (),
    script: str = "mocksim_server.py",
) -> Iterator[str]:
    """`streamlit run mocksim_server.py` (what `make run` serves: streamlit_app.py behind the sign-in middleware), or
    `script`, on a loopback port (a free one unless given) with extra command-line `args`; yields its URL once
    /_stcore/health says ok."""
    port = port or free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "streamlit"),
                "run",
                script,
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                *args,
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                        if r.read() == b"ok":
                            break
                except OSError:
                    if proc.poll() is not None:
                        pytest.fail("streamlit exited: " + log_path.read_text()[-2000:])
                    time.sleep(0.2)
            else:
                pytest.fail("streamlit did not become healthy")
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in Path(f"/proc/{p}/task").iterdir():
                children = (tid / "children").read_text().split()
                todo += [int(c) for c in children]
        except OSError:
            continue
    return out


def _hex_address(text: str) -> tuple[str, int]:
    """'0100007F:1F90' (from /proc/net/tcp, little-endian IPv4) or a 32-hex-digit IPv6 -> ('127.0.0.1', 8080)."""
    import ipaddress

    host, port = text.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        addr = str(ipaddress.IPv4Address(raw[::-1]))
    else:
        addr = str(ipaddress.IPv6Address(b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))))
    return addr, int(port, 16)


def listening_addresses(pid: int) -> set[tuple[str, int]]:
    """The (address, port) pairs that a process and its children listen on, read from /proc (no connection made)."""
    inodes: set[str] = set()
    for p in _descendants(pid):
        try:
            for fd in Path(f"/proc/{p}/fd").iterdir():
                try:
                    target = fd.readlink().as_posix()
                except OSError:
                    continue
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "0A" and cols[9] in inodes:  # 0A = LISTEN
                found.add(_hex_address(cols[1]))
    return found
