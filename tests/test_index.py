"""The question index: built once per corpus hash, queried offline, on embedded Chroma and a Chroma server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
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
    # its own model cache, so every question is embedded here (the run's shared cache holds their vectors already)
    settings = Settings(home=tmp_path, resources=PROJECT_ROOT, cache_dir=tmp_path / "cache")
    rt = Runtime(settings, embedder_override=minilm)
    assert rt.ensure_index() is True
    assert list((tmp_path / "cache").glob("index-vectors-minilm-*.npz")), "the vectors are kept for the next build"
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


class CountingEmbedder(FakeEmbedder):
    def __init__(self, identity: str = FakeEmbedder.identity) -> None:
        self.identity, self.texts = identity, []  # type: ignore[misc]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += list(texts)
        return super().embed(texts)


def test_a_build_embeds_only_what_it_has_not_embedded_before(tmp_path: Path) -> None:
    cache = tmp_path / "cache"

    def runtime(home: str, embedder: CountingEmbedder) -> Runtime:
        settings = Settings(home=tmp_path / home, resources=PROJECT_ROOT, embedder="fake", cache_dir=cache)
        return Runtime(settings, embedder_override=embedder)

    progress: list[tuple[int, int]] = []
    emb = CountingEmbedder()
    rt = runtime("a", emb)
    questions = list(rt.questions)
    assert rt.index.build(questions, progress=lambda d, t: progress.append((d, t)))
    assert len(emb.texts) == len(questions) and progress[-1] == (len(questions), len(questions))

    emb.texts.clear()  # a corpus edit: only the edited question is embedded again
    questions[0] = questions[0].model_copy(update={"prompt": questions[0].prompt + " (edited)"})
    assert rt.index.build(questions) and emb.texts == [questions[0].search_text()]

    other = CountingEmbedder()  # a new data dir sharing the cache: nothing to embed, the same vectors stored
    assert runtime("b", other).index.build(questions) and other.texts == []
    stored = runtime("b", other).index.collection(questions[0].round).get(ids=[questions[0].id], include=["embeddings"])
    assert np.allclose(stored["embeddings"][0], FakeEmbedder().embed([questions[0].search_text()])[0])

    newer = CountingEmbedder("fake/2")  # another model version never reads these vectors
    assert runtime("c", newer).index.build(questions) and len(newer.texts) == len(questions)

    for damaged in cache.glob("index-vectors-*.npz"):  # a damaged file is embedded again, not fatal
        damaged.write_bytes(b"not a numpy file")
    emb.texts.clear()
    assert rt.index.build(questions, force=True) and len(emb.texts) == len(questions)


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
