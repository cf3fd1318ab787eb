"""`streamlit run streamlit_app.py` serves the app: the health endpoint answers ok."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from simulator.settings import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_app_serves_and_reports_healthy(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "MOCKSIM_HOME": str(tmp_path), "MOCKSIM_EMBEDDER": "fake"}
    streamlit = Path(sys.executable).parent / "streamlit"
    proc = subprocess.Popen(
        [
            str(streamlit),
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
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = ""
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                    body = r.read().decode()
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("streamlit exited early")
                time.sleep(0.2)
        assert body == "ok"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert r.status == 200 and "<html" in r.read().decode().lower()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
