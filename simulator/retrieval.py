"""The question index: Chroma, embedded in the data dir by default, or a Chroma server (`CHROMA_HOST`).

The index is rebuilt only when the corpus content (or the embedder) changes: a content hash is kept in the
collection's metadata. Embeddings are computed by our embedder and handed to Chroma, so Chroma never loads
a model of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from chromadb.errors import ChromaError, NotFoundError

from simulator.contracts import Question
from simulator.embeddings import ChromaEmbedding, Embedder
from simulator.errors import IndexError_
from simulator.index_vectors import Progress, VectorCache
from simulator.settings import Settings

COLLECTION_PREFIX = "mocksim_questions_"
ROUND_NAMES = ("behavioral", "coding", "system_design", "technical")
BATCH = 256


def corpus_hash(questions: Sequence[Question], embedder_name: str) -> str:
    h = hashlib.sha256(embedder_name.encode())
    for q in sorted(questions, key=lambda q: q.id):
        h.update(json.dumps(q.model_dump(mode="json"), sort_keys=True).encode())
    return h.hexdigest()[:32]


def make_client(settings: Settings) -> Any:
    """A Chroma client: HTTP when `CHROMA_HOST` is set, else persistent in the data dir."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except (ValueError, OSError, ConnectionError) as exc:
        where = (
            f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_host
            else f"the embedded index at {settings.chroma_path}"
        )
        raise IndexError_(
            f"cannot open {where}: {exc}",
            "start the Chroma server, or unset CHROMA_HOST to use the embedded index"
            if settings.chroma_host
            else "check the data dir is writable (MOCKSIM_HOME), or delete its chroma/ folder to rebuild",
        ) from exc


@dataclass(frozen=True)
class Hit:
    id: str
    similarity: float


def collection_name(round_name: str) -> str:
    """One collection per round: a round filter is then a collection choice, not a slow metadata scan."""
    return COLLECTION_PREFIX + round_name


class QuestionIndex:
    def __init__(self, settings: Settings, embedder: Embedder, client: Any | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self._client = client
        self._collections: dict[str, Any] = {}

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    def _get(self, round_name: str) -> Any | None:
        try:
            return self.client.get_collection(
                collection_name(round_name), embedding_function=ChromaEmbedding(self.embedder.name)
            )
        except NotFoundError:
            return None
        except ChromaError as exc:
            raise IndexError_(f"cannot read the question index: {exc}", "run `mocksim index --rebuild`") from exc

    def stored_hash(self) -> str | None:
        """The corpus hash the index was built from; None when any round's collection is missing or differs."""
        hashes = set()
        for r in ROUND_NAMES:
            col = self._get(r)
            if col is None:
                return None
            hashes.add(str((col.metadata or {}).get("corpus_hash", "")))
        return hashes.pop() if len(hashes) == 1 and "" not in hashes else None

    def is_current(self, questions: Sequence[Question]) -> bool:
        return self.stored_hash() == corpus_hash(questions, self.embedder.name)

    def build(self, questions: Sequence[Question], progress: Progress | None = None, force: bool = False) -> bool:
        """Make the index match `questions`. Returns True when it was (re)built."""
        digest = corpus_hash(questions, self.embedder.name)
        if not force and self.stored_hash() == digest:
            return False
        self._collections = {}
        cache = VectorCache(self.settings.model_cache, self.embedder, BATCH)
        found = cache.vectors([q.search_text() for q in questions], progress)
        vectors = {q.id: v for q, v in zip(questions, found, strict=True)}
        for r in ROUND_NAMES:
            if self._get(r) is not None:
                self.client.delete_collection(collection_name(r))
            col = self.client.create_collection(
                collection_name(r),
                embedding_function=ChromaEmbedding(self.embedder.name),
                metadata={"corpus_hash": "building"},
            )
            subset = [q for q in questions if q.round == r]
            for start in range(0, len(subset), BATCH):
                chunk = subset[start : start + BATCH]
                col.add(
                    ids=[q.id for q in chunk],
                    embeddings=[vectors[q.id] for q in chunk],
                    documents=[q.prompt for q in chunk],
                    metadatas=[
                        {
                            "round": q.round,
                            "difficulty": q.difficulty,
                            "seniority": q.seniority,
                            "topics": ",".join(q.topics),
                        }
                        for q in chunk
                    ],
                )
        # stamp the hash last, so an interrupted build is never taken for a current one
        for r in ROUND_NAMES:
            col = self._get(r)
            if col is not None:
                col.modify(metadata={"corpus_hash": digest})
                self._collections[r] = col
        return True

    def collection(self, round_name: str) -> Any:
        if round_name not in self._collections:
            col = self._get(round_name)
            if col is None:
                raise IndexError_("the question index has not been built", "run `mocksim index`")
            self._collections[round_name] = col
        return self._collections[round_name]

    def vectors(self) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for r in ROUND_NAMES:
            got = self.collection(r).get(include=["embeddings"])
            for i, v in zip(got["ids"], got["embeddings"], strict=True):
                out[i] = np.asarray(v, dtype=np.float32)
        return out

    def query_vector(self, vector: np.ndarray, limit: int = 10, where: dict[str, Any] | None = None) -> list[Hit]:
        where = dict(where or {})
        round_name = where.pop("round", None)
        rounds = [round_name] if round_name else list(ROUND_NAMES)
        hits: list[Hit] = []
        for r in rounds:
            col = self.collection(r)
            count = col.count()
            if count == 0:
                continue
            res = col.query(
                query_embeddings=[vector.tolist()],
                n_results=max(1, min(limit, count)),
                where=where or None,
                include=["distances"],
            )
            ids = res["ids"][0]
            dists = res["distances"][0] if res.get("distances") else [1.0] * len(ids)
            hits += [Hit(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]
        return sorted(hits, key=lambda h: -h.similarity)[:limit]

    def query(self, text: str, limit: int = 10, where: dict[str, Any] | None = None) -> list[Hit]:
        return self.query_vector(self.embedder.embed([text])[0], limit, where)
