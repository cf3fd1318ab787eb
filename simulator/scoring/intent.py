"""What a question asks for, from its meaning: a past story, a hypothetical, an opinion, an explanation, a design
or a coding answer.

A logistic regression over the prompt's MiniLM vector, trained on labelled exemplar prompts
(`rubrics/training/intent_prompts.yaml` and the bank's own questions), gives each intent a probability. The
answer's own form is a second, weaker vote: a first-person past narrative leans to a story, a plan to a
hypothetical, code or big-O to coding. The round, when it is known, rules out intents that cannot occur in it.
The settings live in `rubrics/calibration/intents.yaml`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulator.contracts.question import ROUNDS, Intent, Question
from simulator.errors import DataFileError
from simulator.loaders import read_yaml
from simulator.scoring.datafile import load_model
from simulator.scoring.encoder import Encoder
from simulator.scoring.fitted import SHIPPED, Weights, cached, logistic

INTENTS: tuple[Intent, ...] = ("story", "hypothetical", "opinion", "explanation", "design", "coding")
PAST_I = re.compile(
    r"\b(?:i|we)\s+(?:\w+ly\s+|then\s+|also\s+|first\s+)?(\w+ed|was|were|had|did|made|built|ran|wrote|"
    r"found|took|led|set|cut|got|went|saw|spent|told|broke|chose|moved|shipped|kept|sent)\b"
)
FUTURE_I = re.compile(r"\b(?:i|we)(?:'d| would| will|'ll)\b|\b(?:i|you) (?:should|could|might)\b")
CODE_FORM = re.compile(r"```|\bo\([^)]{1,12}\)|\bdef \w+\(|\breturn\b|\bfor \w+ in\b|\bhash ?map\b")


class IntentRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rounds: list[str] = Field(min_length=1, description="rounds in which this intent can occur")
    rubrics: list[str] = Field(min_length=1, description="rubrics shown and scored for this intent")
    when_decision: list[str] = Field(
        default_factory=list, description="rubrics added only when the answer turns on a decision"
    )


class IntentConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    c: float = Field(gt=0, description="inverse regularisation strength of the prompt model")
    max_iter: int = Field(ge=100, description="iterations the prompt model's solver may take")
    prompt_chars: int = Field(ge=1, description="characters of a prompt the model reads")
    answer_vote: float = Field(ge=0, le=1, description="weight of the answer's own form against the prompt")
    answer_vote_base: float = Field(ge=0, description="multiplier of a prompt vote the answer's form does not touch")
    intents: dict[str, IntentRule]

    def usual_round(self, intent: str, given: str | None) -> str:
        """The round of a free-text question: as given, else the first round listed for its intent."""
        return given if given in ROUNDS else self.intents[intent].rounds[0]


class _Exemplar(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=5)
    intent: Intent
    author: str = ""


@dataclass
class IntentDecision:
    intent: Intent
    confidence: float
    prompt_votes: dict[str, float]
    answer_votes: dict[str, float]


def load_intent_config(rubrics_dir: Path) -> IntentConfig:
    return load_model(IntentConfig, rubrics_dir, "calibration/intents.yaml")


def load_exemplars(rubrics_dir: Path) -> list[_Exemplar]:
    data = read_yaml(rubrics_dir / "training" / "intent_prompts.yaml", rubrics_dir.parent)
    rows = data.get("prompts") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise DataFileError(["rubrics/training/intent_prompts.yaml: expected 'prompts:' with a list of {text, intent}"])
    out, problems = [], []
    for i, r in enumerate(rows):
        try:
            out.append(_Exemplar.model_validate(r))
        except ValidationError as err:
            problems.append(f"rubrics/training/intent_prompts.yaml: prompt #{i + 1}: {err.errors()[0]['msg']}")
    if problems:
        raise DataFileError(problems)
    return out


def answer_form(sentences: Sequence[str]) -> dict[str, float]:
    """A soft vote from how the answer is written: past narrative, future/conditional plan, code."""
    if not sentences:
        return {}
    n = len(sentences)
    low = [s.lower() for s in sentences]
    past = sum(1 for s in low if PAST_I.search(s)) / n
    future = sum(1 for s in low if FUTURE_I.search(s)) / n
    code = sum(1 for s in low if CODE_FORM.search(s)) / n
    return {"story": past, "hypothetical": future, "coding": code}


class IntentModel:
    def __init__(
        self, encoder: Encoder, rubrics_dir: Path, bank: Sequence[Question] = (), cache_dir: Path | None = None
    ) -> None:
        self.encoder, self.rubrics_dir, self.cache_dir = encoder, rubrics_dir, cache_dir
        self.config = load_intent_config(rubrics_dir)
        self._bank = [(q.prompt, q.intent) for q in bank if q.intent is not None]
        self._lock = threading.Lock()
        self._weights: tuple[np.ndarray, np.ndarray] | None = None

    def _rows(self) -> list[tuple[str, Intent]]:
        return [(e.text, e.intent) for e in load_exemplars(self.rubrics_dir)] + self._bank

    def key(self) -> str:
        """Everything the weights depend on: the exemplars and the bank's prompts, the encoder, the settings."""
        settings = f"{self.config.c}/{self.config.max_iter}/{self.config.prompt_chars}"
        return "\n".join(f"{i}\t{t}" for t, i in self._rows()) + self.encoder.identity + settings

    def _fit(self) -> Weights:
        rows = self._rows()

        def fit() -> Weights:
            chars = self.config.prompt_chars
            x = np.stack([e.vector for e in self.encoder.encode([t.strip()[:chars] for t, _ in rows])])
            return logistic(x, np.array([INTENTS.index(i) for _, i in rows]), self.config.c, self.config.max_iter)

        return cached(self.cache_dir, "intent", self.key(), fit, shipped=self.rubrics_dir / SHIPPED)

    def weights(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            if self._weights is None:
                self._weights = self._fit()
            return self._weights

    def prompt_votes(self, prompt: str, round: str | None = None) -> dict[str, float]:
        coef, intercept = self.weights()
        q = self.encoder.encode([prompt.strip()[: self.config.prompt_chars]])[0].vector
        logits = coef @ q + intercept
        for i, name in enumerate(INTENTS):
            if round and round not in self.config.intents[name].rounds:
                logits[i] = -np.inf
        logits = logits - logits.max()
        p = np.exp(logits)
        p /= p.sum()
        return {name: float(p[i]) for i, name in enumerate(INTENTS)}

    def decide(self, prompt: str, round: str | None, sentences: Sequence[str]) -> IntentDecision:
        votes = self.prompt_votes(prompt, round)
        form = answer_form(sentences)
        w = self.config.answer_vote
        base = self.config.answer_vote_base
        mixed = {k: (1 - w) * v + w * v * (base + form.get(k, 0.0)) for k, v in votes.items()}
        total = sum(mixed.values()) or 1.0
        mixed = {k: v / total for k, v in mixed.items()}
        best = max(mixed, key=lambda k: mixed[k])
        return IntentDecision(best, mixed[best], votes, form)  # type: ignore[arg-type]
