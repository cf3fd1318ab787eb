"""The question index: built once per corpus hash, queried offline, on embedded Chroma and a Chroma server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.embeddings import FakeEmbedder, MiniLMEmbedder
from simulator.retrieval import QuestionIndex, corpus_hash
from simulator.runtime import Runtime
from simulator.settings import PROJECT_ROOT, Settings

from .conftest import NetworkBlocked
from .servers import free_port


@pytest.mark.slow
def test_index_builds_offline_and_answers_queries(tmp_path: Path, minilm: MiniLMEmbedder) -> None:
    """The embedded default (MiniLM + embedded Chroma) with all non-loopback sockets refused."""
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("8.8.8.8", 53), timeout=1)
    rt = Runtime(Settings(home=tmp_path, resources=PROJECT_ROOT), embedder_override=minilm)
    assert rt.ensure_index() is True
    hits = rt.bank().search("make a payment API safe to retry without double charging", limit=5)
    assert hits and any("idempot" in q.id or "idempotency" in q.topics for q, _ in hits)


def test_index_rebuilds_only_when_the_corpus_changes(fake_runtime: Runtime) -> None:
    assert fake_runtime.ensure_index() is True
    assert fake_runtime.ensure_index() is False
    again = Runtime(fake_runtime.settings, embedder_override=FakeEmbedder())
    assert again.index.is_current(again.questions)
    changed = list(again.questions)
    changed[0] = changed[0].model_copy(update={"prompt": changed[0].prompt + " (edited)"})
    assert not again.index.is_current(changed)
    assert again.index.build(changed) is True
    assert again.index.stored_hash() == corpus_hash(changed, "fake")


def test_search_filters_by_round(fake_runtime: Runtime) -> None:
    bank = fake_runtime.bank()
    hits = bank.search("cache", round="technical", limit=8)
    assert hits and all(q.round == "technical" for q, _ in hits)


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("chroma run exited before it listened")
                time.sleep(0.1)
        else:
            pytest.fail("chroma server did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.slow
def test_index_on_a_real_chroma_server(chroma_server: int, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, resources=PROJECT_ROOT, chroma_host="127.0.0.1", chroma_port=chroma_server)
    rt = Runtime(settings, embedder_override=FakeEmbedder())
    assert "chroma server 127.0.0.1" in settings.masked()["question_index"]
    assert rt.ensure_index() is True
    # a second client sees the same, current index
    other = QuestionIndex(settings, FakeEmbedder())
    assert other.is_current(rt.questions)
    hits = rt.bank().search("rate limiter token bucket", limit=3)
    assert len(hits) == 3


def test_unreachable_chroma_server_says_what_to_do(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, resources=PROJECT_ROOT, chroma_host="127.0.0.1", chroma_port=free_port())
    rt = Runtime(settings, embedder_override=FakeEmbedder())
    from simulator.errors import IndexError_

    with pytest.raises(IndexError_, match="Chroma server"):
        rt.ensure_index()
