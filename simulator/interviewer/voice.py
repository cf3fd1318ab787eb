"""The interviewer's voice offline: acknowledgements that quote the candidate, transitions and a closing
line, from templates in `prompts/voice/interviewer_voice.yaml`. Never a verdict: a quote, not a judgement."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError

from simulator.contracts.base import Strict
from simulator.errors import DataFileError
from simulator.loaders import read_yaml

QUOTE_WORDS = (3, 9)  # a quoted phrase is this many words, so it reads as the candidate's and stays short
_CLAUSE_END = re.compile(r"[;:!?,\n]|\.(?!\d)")  # a decimal point does not end a clause
_FILLER = re.compile(r"^(so|and|but|then|well|um|uh|also|i think|basically)\b[\s,]*", re.I)


class VoiceTemplates(Strict):
    id: str
    version: str
    acknowledge: list[str] = Field(min_length=1)
    acknowledge_plain: list[str] = Field(min_length=1)
    deepen: list[str] = Field(min_length=1)
    phase: list[str] = Field(min_length=1)
    transition: list[str] = Field(min_length=1)
    closing: list[str] = Field(min_length=1)


@lru_cache(maxsize=4)
def load_voice(prompts_dir: Path) -> VoiceTemplates:
    path = prompts_dir / "voice" / "interviewer_voice.yaml"
    try:
        v = VoiceTemplates.model_validate(read_yaml(path, prompts_dir.parent))
    except ValidationError as err:
        raise DataFileError(
            [f"prompts/voice/{path.name}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()]
        ) from err
    for t in v.acknowledge:
        if "{quote}" not in t:
            raise DataFileError([f"prompts/voice/{path.name}: acknowledge: '{t}' must contain {{quote}}"])
    return v


def pick(options: list[str], *seed: object) -> str:
    """A stable choice: the same session and turn always say the same thing (resume replays match)."""
    digest = hashlib.sha256("|".join(map(str, seed)).encode()).digest()
    return options[digest[0] % len(options)]


def quote_from(answer: str, evidence: list[str]) -> str | None:
    """A short phrase in the candidate's own words: the clause that carries the most specifics, taken from
    the scorer's evidence quotes or from the answer itself."""
    clauses = [_FILLER.sub("", c.strip()) for source in [*evidence, answer] for c in _CLAUSE_END.split(source)]
    ranked = sorted(dict.fromkeys(clauses), key=lambda c: -_weight(c))
    for c in ranked:
        words = c.split()
        if len(words) >= QUOTE_WORDS[0]:
            start = _focus(words)
            cut = words[start : start + QUOTE_WORDS[1]]
            return " ".join(cut).rstrip(",") + ("…" if start + QUOTE_WORDS[1] < len(words) else "")
    return None


def _focus(words: list[str]) -> int:
    """Where a long clause's specifics start, so the quote keeps "tracing in Datadog" and not "I started"."""
    if len(words) <= QUOTE_WORDS[1]:
        return 0
    for i, w in enumerate(words):
        if i and (any(ch.isdigit() for ch in w) or w[:1].isupper()):
            return max(0, min(i - 2, len(words) - QUOTE_WORDS[1]))
    return 0


def _weight(clause: str) -> float:
    """Prefer clauses that carry specifics: digits, capitalised names, technical words."""
    words = clause.split()
    if len(words) < QUOTE_WORDS[0]:
        return -1
    specific = sum(1 for w in words if any(ch.isdigit() for ch in w) or (w[:1].isupper() and w != words[0]))
    return specific * 2 + min(len(words), 12) / 12


class Voice:
    def __init__(self, templates: VoiceTemplates) -> None:
        self.t = templates

    def acknowledge(self, answer: str, evidence: list[str], *seed: object) -> str:
        q = quote_from(answer, evidence)
        if q is None:
            return pick(self.t.acknowledge_plain, *seed)
        return pick(self.t.acknowledge, *seed).format(quote=q.replace("“", "").replace("”", ""))

    def deepen(self, *seed: object) -> str:
        return pick(self.t.deepen, *seed)

    def phase(self, name: str, *seed: object) -> str:
        return pick(self.t.phase, *seed).format(phase=name.lower())

    def transition(self, *seed: object) -> str:
        return pick(self.t.transition, *seed)

    def closing(self, *seed: object) -> str:
        return pick(self.t.closing, *seed)
