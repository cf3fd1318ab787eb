"""One pass over an answer: sentences, their vectors, and the cue matches every signal reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from simulator.scoring.calibration import CoverageCalibration
from simulator.scoring.encoder import Encoded, Encoder
from simulator.scoring.lexicon import Lexicon
from simulator.scoring.sentences import Sentence, split_sentences
from simulator.scoring.text import content_stems, word_count

NUMBER = re.compile(r"(?<![a-z])(?:\$|€|£)?\d[\d,]*(?:\.\d+)?\s?(?:%|[a-z]+\b)?|\b(?:half|double|twice|triple)\b")
SUBJECT_I = re.compile(r"\bi(?:'ll|'d|'ve|'m)?\s+(?:(?:\w+ly|also|then|first|just|personally)\s+)?(\w+)")
SUBJECT_WE = re.compile(r"\b(?:we|the team|our team)(?:'ll|'d|'ve|'re)?\s+(?:(?:\w+ly|also|then|first|just)\s+)?(\w+)")
HELPERS = frozenset(
    "would will could should can need want start use add pick choose keep put make check take set run store "
    "send move split write build ask tell".split()
)


@dataclass
class SentenceInfo:
    sentence: Sentence
    lower: str
    words: int
    quantities: list[str]
    tech: list[str]
    i_actions: int
    we_actions: int


@dataclass
class CoveredPoint:
    text: str
    score: float
    covered: bool
    sentence: str | None


@dataclass
class CoverageResult:
    value: float  # 0..1
    points: list[CoveredPoint]  # empty when judged against a reference answer only


@dataclass
class Analysis:
    text: str
    sentences: list[SentenceInfo]
    encoded: list[Encoded]
    lex: Lexicon
    encoder: Encoder
    calibration: CoverageCalibration
    roles: list[str] = field(default_factory=list)
    coverage: CoverageResult | None = None

    @property
    def prose(self) -> list[SentenceInfo]:
        return [s for s in self.sentences if not s.sentence.is_code]

    @property
    def total_words(self) -> int:
        return sum(s.words for s in self.sentences)

    @cached_property
    def sentence_vectors(self) -> np.ndarray:
        """(sentences, 384) unit rows, in sentence order."""
        return np.stack([e.vector for e in self.encoded]) if self.encoded else np.zeros((0, 384), np.float32)

    @cached_property
    def token_vectors(self) -> np.ndarray:
        """Every token vector of the answer, stacked."""
        mats = [e.tokens for e in self.encoded if e.tokens.size]
        return np.concatenate(mats) if mats else np.zeros((0, 384), dtype=np.float32)

    @cached_property
    def stems(self) -> frozenset[str]:
        return content_stems(self.text)

    def matching(self, cue: str, prose_only: bool = True) -> list[SentenceInfo]:
        pool = self.prose if prose_only else self.sentences
        return [s for s in pool if self.lex.has(cue, s.lower)]


def quantities(lower: str, lex: Lexicon) -> list[str]:
    """Numbers that carry a unit, a percentage or a currency: the facts that make a claim checkable."""
    found = []
    for m in NUMBER.finditer(lower):
        token = m.group(0).strip()
        unit = re.sub(r"^[$€£]?[\d,.]+\s?", "", token)
        if (
            token[:1] in "$€£"
            or unit == "%"
            or (unit and lex.has("units", unit))
            or token in ("half", "double", "twice", "triple")
        ) or (unit == "" and re.search(re.escape(token) + r"\s*(?:x|k|m|ms|s)\b", lower)):
            found.append(token)
    return found


def _is_action(word: str, lex: Lexicon) -> bool:
    if word in HELPERS or lex.is_word("action_verbs", word):
        return True
    base = word.removesuffix("s")
    forms = {word + "ed", word + "d", base + "ed", base + "d"}
    if word.endswith("y"):
        forms.add(word[:-1] + "ied")
    if word.endswith("ies"):
        forms.add(word[:-3] + "ied")
    return any(lex.is_word("action_verbs", f) for f in forms)


def _verbs_with(pattern: re.Pattern[str], lower: str, lex: Lexicon) -> int:
    return sum(1 for m in pattern.finditer(lower) if _is_action(m.group(1), lex))


def analyse(text: str, encoder: Encoder, lex: Lexicon, calibration: CoverageCalibration) -> Analysis:
    sents = split_sentences(text)
    infos = []
    for s in sents:
        lower = s.text.lower()
        infos.append(
            SentenceInfo(
                sentence=s,
                lower=lower,
                words=word_count(s.text),
                quantities=[] if s.is_code else quantities(lower, lex),
                tech=lex.tech_terms(s.text),
                i_actions=_verbs_with(SUBJECT_I, lower, lex),
                we_actions=_verbs_with(SUBJECT_WE, lower, lex),
            )
        )
    encoded = encoder.encode([s.sentence.text[:2000] for s in infos]) if infos else []
    return Analysis(text, infos, encoded, lex, encoder, calibration)
