"""Real servers the tests start on loopback: free ports and the Streamlit app."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from simulator.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def streamlit_app(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """`streamlit run streamlit_app.py` on a free loopback port; yields its URL once /_stcore/health says ok."""
    port = free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "streamlit"),
                "run",
                "streamlit_app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
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
