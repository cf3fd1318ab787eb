"""One pass over an answer: sentences, their vectors, and the cue matches every signal reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from simulator.embeddings import DIM
from simulator.scoring.calibration import CoverageCalibration
from simulator.scoring.encoder import Encoded, Encoder
from simulator.scoring.lexicon import Lexicon
from simulator.scoring.quantities import find as find_quantities
from simulator.scoring.sentences import Sentence, split_sentences
from simulator.scoring.text import content_stems, word_count
from simulator.scoring.tuning import SignalTuning

SUBJECT_I = re.compile(r"\bi(?:'ll|'d|'ve|'m)?\s+(?:(?:\w+ly|also|then|first|just|personally)\s+)?(\w+)")
SUBJECT_WE = re.compile(r"\b(?:we|the team|our team)(?:'ll|'d|'ve|'re)?\s+(?:(?:\w+ly|also|then|first|just)\s+)?(\w+)")
CLAUSE = re.compile(r";\s+|\s+(?:→|->|—|–)\s+|:\s+(?=\S)")
MAX_CLAUSES = 3  # points one dense sentence can count for
MAX_ENCODED_CHARS = 2000  # characters of one sentence handed to the encoder; the rest is not read
NEAR_DUPLICATE = 0.96  # cosine at which two sentences say the same thing (checked on the padding benchmark)
PAST = re.compile(
    r"\b(?:i|we)\s+(?:\w+ly\s+|then\s+|also\s+|first\s+|just\s+)?(?:\w+ed|was|were|had|did|made|built|ran|wrote|found|took|"
    r"led|set|cut|got|went|saw|spent|told|broke|chose|moved|shipped|kept|sent|began|brought|drove|caught|put|"
    r"sat|paired|rewrote|split|knew|thought|felt|heard|left|lost|won|gave|held|met|paid|read|said|sold|stood|"
    r"taught|understood|wound|wrapped|dug)\b"
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
    past: bool = False  # a first-person past narrative ("I moved…", "we had…")


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
    repeated: int = 0  # sentences dropped because they repeat an earlier one

    @property
    def prose(self) -> list[SentenceInfo]:
        return [s for s in self.sentences if not s.sentence.is_code]

    @property
    def tuning(self) -> SignalTuning:
        return self.lex.tuning

    @property
    def total_words(self) -> int:
        return sum(s.words for s in self.sentences)

    @cached_property
    def sentence_vectors(self) -> np.ndarray:
        """(sentences, DIM) unit rows, in sentence order."""
        return np.stack([e.vector for e in self.encoded]) if self.encoded else np.zeros((0, DIM), np.float32)

    @cached_property
    def answer_vector(self) -> np.ndarray:
        """The mean of the sentence vectors (repeats already dropped): what the learned detectors read."""
        vecs = self.sentence_vectors
        return vecs.mean(axis=0).astype(np.float32) if len(vecs) else np.zeros(DIM, np.float32)

    @cached_property
    def token_vectors(self) -> np.ndarray:
        """Every token vector of the answer, stacked."""
        mats = [e.tokens for e in self.encoded if e.tokens.size]
        return np.concatenate(mats) if mats else np.zeros((0, DIM), dtype=np.float32)

    @cached_property
    def stems(self) -> frozenset[str]:
        return content_stems(self.text)

    def hits(self, sents: list[SentenceInfo], *cues: str) -> int:
        """Clauses carrying any of `cues` across `sents`: a dense sentence ("estimate: 40 writes/s; storage:
        6 TB → shard by user") packs several points, so it counts up to `MAX_CLAUSES`, not once."""
        n = 0
        for s in sents:
            parts = [c for c in CLAUSE.split(s.lower) if c.strip()] or [s.lower]
            n += min(MAX_CLAUSES, max(1, sum(1 for c in parts if any(self.lex.has(cue, c) for cue in cues))))
        return n

    def matching(self, cue: str, prose_only: bool = True) -> list[SentenceInfo]:
        pool = self.prose if prose_only else self.sentences
        return [s for s in pool if self.lex.has(cue, s.lower)]


def quantities(lower: str, lex: Lexicon) -> list[str]:
    """Numbers that carry a unit, a percentage or a currency, in digits or in words: the facts that make a
    claim checkable ("p95 from 1.8 s to 250 ms", "from six hours to about forty seconds", "in half")."""
    return find_quantities(lower, lex.units, lex.numbers)


def _is_action(word: str, lex: Lexicon) -> bool:
    if word in lex.word_sets.words.helper_verbs or lex.is_word("action_verbs", word):
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


def _terms(text: str, lex: Lexicon) -> list[str]:
    listed = lex.tech_terms(text)
    known = {t.lower() for t in listed}
    return listed + [t for t in lex.shaped_terms(text) if t.lower() not in known]


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def analyse(text: str, encoder: Encoder, lex: Lexicon, calibration: CoverageCalibration) -> Analysis:
    """Split, read and encode an answer. A sentence that repeats an earlier one (the same words, or the same
    meaning at a cosine of `NEAR_DUPLICATE` or more) counts once, so saying something twice never pays."""
    seen: set[str] = set()
    infos = []
    repeated = 0
    for s in split_sentences(text):
        key = _key(s.text)
        if key and key in seen and len(key) > 12:
            repeated += 1
            continue
        seen.add(key)
        lower = s.text.lower()
        infos.append(
            SentenceInfo(
                sentence=s,
                lower=lower,
                words=word_count(s.text),
                quantities=[] if s.is_code else quantities(lower, lex),
                tech=_terms(s.text, lex),
                i_actions=_verbs_with(SUBJECT_I, lower, lex),
                we_actions=_verbs_with(SUBJECT_WE, lower, lex),
                past=bool(PAST.search(lower)),
            )
        )
    encoded = encoder.encode([s.sentence.text[:MAX_ENCODED_CHARS] for s in infos]) if infos else []
    keep = _distinct(encoded, infos)
    repeated += len(infos) - len(keep)
    infos, encoded = [infos[i] for i in keep], [encoded[i] for i in keep]
    return Analysis(text, infos, encoded, lex, encoder, calibration, repeated=repeated)


def _distinct(encoded: list[Encoded], infos: list[SentenceInfo]) -> list[int]:
    """Indices of sentences that do not restate an earlier one in other words."""
    if len(encoded) < 2:
        return list(range(len(encoded)))
    vecs = np.stack([e.vector for e in encoded])
    sims = vecs @ vecs.T
    keep: list[int] = []
    for i in range(len(encoded)):
        if infos[i].sentence.is_code or infos[i].words < 6 or not any(sims[i, j] >= NEAR_DUPLICATE for j in keep):
            keep.append(i)
    return keep
