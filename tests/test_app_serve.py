"""`streamlit run streamlit_app.py` serves the app: the health endpoint answers ok."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest

from .servers import streamlit_app


@pytest.mark.slow
def test_app_serves_and_reports_healthy(tmp_path: Path) -> None:
    env = {**os.environ, "MOCKSIM_HOME": str(tmp_path), "MOCKSIM_EMBEDDER": "fake"}
    with streamlit_app(env, tmp_path / "streamlit.log") as url:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
            assert r.read().decode() == "ok"
        with urllib.request.urlopen(f"{url}/", timeout=5) as r:
            assert r.status == 200 and "<html" in r.read().decode().lower()
