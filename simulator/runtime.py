"""Wiring: build the long-lived objects (corpus, rubrics, embedder, index, bank) from settings, once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from simulator.bank import QuestionBank
from simulator.contracts import Question, Rubric
from simulator.embeddings import Embedder, get_embedder
from simulator.errors import DataFileError
from simulator.loaders import check_rubric_refs, load_questions, load_rubrics
from simulator.retrieval import QuestionIndex
from simulator.settings import Settings, get_settings

if TYPE_CHECKING:
    from simulator.scoring import Scorer
    from simulator.store import SessionStore


def _db_password(settings: Settings) -> str | None:
    url = settings.database_url or ""
    if "://" in url and "@" in url:
        creds = url.split("://", 1)[1].rsplit("@", 1)[0]
        return creds.split(":", 1)[1] if ":" in creds else None
    return None


Progress = Callable[[int, int], None]


@dataclass
class Runtime:
    """Everything that is expensive to build; one per process (the UI keeps it in st.cache_resource)."""

    settings: Settings
    embedder_override: Embedder | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._bank: QuestionBank | None = None

    @cached_property
    def questions(self) -> list[Question]:
        return load_questions(self.settings.corpus_dir, self.settings.resources)

    @cached_property
    def question_map(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def rubrics(self) -> dict[str, Rubric]:
        rubrics = load_rubrics(self.settings.rubrics_dir, self.settings.resources)
        problems = check_rubric_refs(self.questions, rubrics) if self.settings.corpus_dir.exists() else []
        if problems:
            raise DataFileError(problems)
        return rubrics

    @cached_property
    def embedder(self) -> Embedder:
        return self.embedder_override or get_embedder(self.settings.embedder)

    @cached_property
    def index(self) -> QuestionIndex:
        return QuestionIndex(self.settings, self.embedder)

    def ensure_index(self, progress: Progress | None = None, force: bool = False) -> bool:
        """Build the index when it is missing or stale. Returns True when it was built."""
        return self.index.build(self.questions, progress=progress, force=force)

    @cached_property
    def scorer(self) -> Scorer:
        from simulator.scoring import Scorer
        from simulator.scoring.encoder import get_encoder

        s = self.settings
        encoder = get_encoder(self.embedder.name, s.encoder_precision, s.encoder_runtime, s.model_cache)
        return Scorer(self.rubrics, s.rubrics_dir, encoder, cache_dir=s.model_cache, bank=self.questions)

    @cached_property
    def store(self) -> SessionStore:
        from simulator.store import SessionStore

        key = self.settings.llm_api_key.get_secret_value() if self.settings.llm_api_key else None
        return SessionStore(self.settings.effective_database_url, secrets=[key, _db_password(self.settings)])

    def bank(self, progress: Progress | None = None) -> QuestionBank:
        with self._lock:
            if self._bank is None:
                self.ensure_index(progress)
                self._bank = QuestionBank(self.questions, self.index)
            return self._bank


_default: Runtime | None = None
_default_lock = threading.Lock()


def get_runtime() -> Runtime:
    global _default
    with _default_lock:
        if _default is None:
            _default = Runtime(get_settings())
        return _default
