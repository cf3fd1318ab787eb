"""Per-sentence STAR roles: a logistic regression over each sentence's MiniLM vector, its cue features, its
position in the answer and its neighbours' vectors. Trained on the labelled stories in
`rubrics/training/star_stories.yaml` (many voices) and the single sentences in `star_sentences.yaml`; the
settings live in `rubrics/calibration/star_model.yaml`. The fitted weights are cached per encoder and data."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulator.embeddings import DIM
from simulator.errors import DataFileError
from simulator.loaders import read_yaml
from simulator.scoring.datafile import load_model
from simulator.scoring.encoder import Encoder
from simulator.scoring.fitted import SHIPPED, Weights, cached, logistic
from simulator.scoring.lexicon import Lexicon

ROLES = ("situation", "task", "action", "result", "learning", "other")
_ROLE = "^(situation|task|action|result|learning|other)$"


class _Labelled(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=3)
    role: str = Field(pattern=_ROLE)


class _Story(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    voice: str
    prompt: str = ""
    sentences: list[tuple[str, str]] = Field(min_length=2, description="[role, text] in the order told")


class StarSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    c: float = Field(gt=0, description="inverse regularisation strength of the logistic regression")
    context_weight: float = Field(ge=0, le=1, description="scale of the previous and next sentence vectors")
    max_iter: int = Field(ge=100)


@dataclass
class Example:
    text: str
    role: str
    voice: str
    position: int | None  # None: a single sentence with no story around it
    length: int
    story: str


def _problems(path: str, i: int, err: ValidationError) -> str:
    return f"rubrics/training/{path}: item #{i + 1}: {err.errors()[0]['msg']}"


def load_training(rubrics_dir: Path) -> list[Example]:
    """Every labelled sentence: the stories (with their order) and the single sentences."""
    out: list[Example] = []
    problems: list[str] = []
    stories = read_yaml(rubrics_dir / "training" / "star_stories.yaml", rubrics_dir.parent)
    rows = stories.get("stories") if isinstance(stories, dict) else None
    if not isinstance(rows, list) or not rows:
        raise DataFileError(["rubrics/training/star_stories.yaml: expected 'stories:' with a list of stories"])
    for i, raw in enumerate(rows):
        try:
            st = _Story.model_validate(raw)
        except ValidationError as err:
            problems.append(_problems("star_stories.yaml", i, err))
            continue
        bad = [r for r, _ in st.sentences if r not in ROLES]
        if bad:
            problems.append(f"rubrics/training/star_stories.yaml: story '{st.id}': unknown role(s) {bad}")
        n = len(st.sentences)
        out += [Example(t, r, st.voice, k, n, st.id) for k, (r, t) in enumerate(st.sentences)]
    singles = read_yaml(rubrics_dir / "training" / "star_sentences.yaml", rubrics_dir.parent)
    srows = singles.get("sentences") if isinstance(singles, dict) else None
    if not isinstance(srows, list) or not srows:
        raise DataFileError(["rubrics/training/star_sentences.yaml: expected 'sentences:' with a list of {text, role}"])
    for i, raw in enumerate(srows):
        try:
            s = _Labelled.model_validate(raw)
        except ValidationError as err:
            problems.append(_problems("star_sentences.yaml", i, err))
            continue
        out.append(Example(s.text, s.role, "original", None, 1, f"single-{i}"))
    if problems:
        raise DataFileError(problems)
    return out


def load_settings(rubrics_dir: Path) -> StarSettings:
    return load_model(StarSettings, rubrics_dir, "calibration/star_model.yaml")


# The cue lists (rubrics/lexicon/cues.yaml) the features read: part of the fitted weights' cache key.
CUE_LISTS = (
    "first_person_singular",
    "first_person_plural",
    "action_verbs",
    "result_cues",
    "before_after",
    "platitudes",
    "vague_claims",
    "task_cues",
)


def cue_features(text: str, lex: Lexicon) -> np.ndarray:
    low = text.lower()
    return np.array(
        [
            float(lex.has("first_person_singular", low)),
            float(lex.has("first_person_plural", low)),
            float(lex.has("action_verbs", low)),
            float(lex.has("result_cues", low)),
            float(lex.has("before_after", low)),
            float(any(ch.isdigit() for ch in low)),
            float(lex.has("platitudes", low) or lex.has("vague_claims", low)),
            float(lex.has("task_cues", low)),
        ],
        dtype=np.float32,
    )


def position_features(position: int | None, length: int) -> np.ndarray:
    if position is None:
        return np.array([0.5, 0.0, 0.0, 1.0], dtype=np.float32)
    rel = position / max(1, length - 1)
    return np.array([rel, float(position == 0), float(position == length - 1), 0.0], dtype=np.float32)


def feature_matrix(
    vectors: np.ndarray,
    texts: Sequence[str],
    positions: Sequence[int | None],
    lengths: Sequence[int],
    stories: Sequence[str],
    lex: Lexicon,
    context_weight: float,
) -> np.ndarray:
    """Rows of [vector, cues, position, previous vector, next vector]; neighbours only within a story."""
    n = len(texts)
    prev = np.zeros((n, DIM), dtype=np.float32)
    nxt = np.zeros((n, DIM), dtype=np.float32)
    for i in range(n):
        if positions[i] is None:
            continue
        if i > 0 and stories[i - 1] == stories[i]:
            prev[i] = vectors[i - 1]
        if i + 1 < n and stories[i + 1] == stories[i]:
            nxt[i] = vectors[i + 1]
    cues = np.stack([cue_features(t, lex) for t in texts])
    pos = np.stack([position_features(p, m) for p, m in zip(positions, lengths, strict=True)])
    return np.hstack([vectors, cues, pos, context_weight * prev, context_weight * nxt]).astype(np.float32)


def fit(x: np.ndarray, y: np.ndarray, settings: StarSettings) -> Weights:
    return logistic(x, y, settings.c, settings.max_iter)


def training_matrix(
    examples: Sequence[Example], encoder: Encoder, lex: Lexicon, settings: StarSettings
) -> tuple[np.ndarray, np.ndarray]:
    texts = [e.text for e in examples]
    vectors = np.stack([e.vector for e in encoder.encode(texts)])
    x = feature_matrix(
        vectors,
        texts,
        [e.position for e in examples],
        [e.length for e in examples],
        [e.story for e in examples],
        lex,
        settings.context_weight,
    )
    return x, np.array([ROLES.index(e.role) for e in examples])


class StarClassifier:
    def __init__(self, encoder: Encoder, lex: Lexicon, rubrics_dir: Path, cache_dir: Path | None = None) -> None:
        self.encoder, self.lex, self.rubrics_dir, self.cache_dir = encoder, lex, rubrics_dir, cache_dir
        self.settings = load_settings(rubrics_dir)
        self._lock = threading.Lock()
        self._weights: tuple[np.ndarray, np.ndarray] | None = None

    def key(self, examples: Sequence[Example] | None = None) -> str:
        """Everything the weights depend on: the training sentences, the encoder, the settings and the cue lists
        that the features read (an edited cue list refits them)."""
        examples = load_training(self.rubrics_dir) if examples is None else examples
        key = "\n".join(f"{e.role}\t{e.story}\t{e.text}" for e in examples) + self.encoder.identity
        cues = "\n".join(f"{name}\t{self.lex.cues[name].pattern}" for name in CUE_LISTS if name in self.lex.cues)
        return key + self.settings.model_dump_json() + cues

    def _train(self) -> Weights:
        examples = load_training(self.rubrics_dir)
        return cached(
            self.cache_dir,
            "star",
            self.key(examples),
            lambda: fit(*training_matrix(examples, self.encoder, self.lex, self.settings), self.settings),
            shipped=self.rubrics_dir / SHIPPED,
        )

    def weights(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            if self._weights is None:
                self._weights = self._train()
            return self._weights

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 6) role probabilities for the sentences of one answer, in the order told."""
        if not texts:
            return np.zeros((0, len(ROLES)), dtype=np.float32)
        coef, intercept = self.weights()
        vectors = np.stack([e.vector for e in self.encoder.encode(list(texts))])
        n = len(texts)
        x = feature_matrix(
            vectors, texts, list(range(n)), [n] * n, ["answer"] * n, self.lex, self.settings.context_weight
        )
        logits = x @ coef.T + intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return (p / p.sum(axis=1, keepdims=True)).astype(np.float32)

    def roles(self, texts: Sequence[str]) -> list[str]:
        return [ROLES[int(i)] for i in self.probabilities(texts).argmax(axis=1)]
