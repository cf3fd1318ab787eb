"""`streamlit run streamlit_app.py` serves the app: the health endpoint answers ok. `make serve` (what `make run`
starts) listens on loopback only; a shared address without sign-in configured shows what to do and nothing else."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from simulator.settings import PROJECT_ROOT
from simulator.ui.access import is_private

from .apptest_helpers import APP
from .servers import free_port, listening_addresses, streamlit_app


@pytest.mark.slow
def test_app_serves_and_reports_healthy(tmp_path: Path) -> None:
    env = {**os.environ, "MOCKSIM_HOME": str(tmp_path), "MOCKSIM_EMBEDDER": "fake"}
    with streamlit_app(env, tmp_path / "streamlit.log") as url:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
            assert r.read().decode() == "ok"
        with urllib.request.urlopen(f"{url}/", timeout=5) as r:
            assert r.status == 200 and "<html" in r.read().decode().lower()


@pytest.mark.slow
def test_make_run_serves_on_loopback_only(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MOCKSIM_HOME": str(tmp_path), "MOCKSIM_EMBEDDER": "fake"}
    env.pop("MOCKSIM_SERVER_ADDRESS", None)
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "serve", f"PORT={port}"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        bound: set[tuple[str, int]] = set()
        for _ in range(300):
            bound = {a for a in listening_addresses(proc.pid) if a[1] == port}
            if bound or proc.poll() is not None:
                break
            time.sleep(0.2)
        assert bound, "the server never listened: " + log.read_text()[-2000:]
        assert bound == {("127.0.0.1", port)}, f"listening on {bound}, not loopback only"
        assert "Network URL" not in log.read_text()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_bind_addresses_that_count_as_private() -> None:
    assert is_private("127.0.0.1") and is_private("::1") and is_private("localhost")
    assert not is_private("0.0.0.0") and not is_private("") and not is_private(None) and not is_private("10.0.0.5")


@pytest.mark.slow
def test_shared_address_without_sign_in_shows_only_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSIM_EMBEDDER", "fake")
    before = st.get_option("server.address")
    st.config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(APP, default_timeout=120).run()
    finally:
        st.config.set_option("server.address", before)
    assert not at.exception
    assert at.error and "sign-in is not configured" in at.error[0].value and "DEPLOY.md" in at.error[0].value
    assert not at.title, "no page is shown"
