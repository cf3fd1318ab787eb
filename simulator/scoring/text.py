"""Text handling for the scorer: sentence segmentation, words, stems, and light normalisation."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import pysbd

_seg_local = threading.local()
_FENCE = re.compile(r"```.*?(?:```|$)", re.S)
WORD = re.compile(r"[a-z0-9][a-z0-9'+#.-]*[a-z0-9+#]|[a-z0-9]")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "is",
        "are",
        "be",
        "by",
        "it",
        "its",
        "this",
        "that",
        "with",
        "as",
        "at",
        "from",
        "which",
        "can",
        "into",
        "than",
        "then",
        "there",
        "their",
        "they",
        "them",
        "these",
        "those",
        "was",
        "were",
        "has",
        "have",
        "had",
        "not",
        "no",
        "do",
        "does",
        "done",
        "so",
        "if",
        "when",
        "what",
        "how",
        "why",
        "who",
        "whom",
        "will",
        "would",
        "should",
        "could",
        "may",
        "might",
        "must",
        "also",
        "each",
        "any",
        "all",
        "other",
        "such",
        "more",
        "most",
        "some",
        "use",
        "used",
        "using",
        "i",
        "we",
        "you",
        "he",
        "she",
        "me",
        "my",
        "our",
        "us",
        "your",
        "his",
        "her",
        "just",
        "very",
        "really",
        "about",
        "up",
        "out",
        "over",
        "only",
        "been",
        "being",
        "get",
        "got",
        "like",
    ]
)


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    is_code: bool = False


def _segmenter() -> pysbd.Segmenter:
    seg = getattr(_seg_local, "seg", None)
    if seg is None:
        seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
        _seg_local.seg = seg
    return seg


def split_sentences(text: str, max_sentences: int = 400) -> list[Sentence]:
    """Sentences with character spans. Fenced code blocks are kept whole, as one 'sentence'."""
    out: list[Sentence] = []
    pos = 0
    for m in _FENCE.finditer(text):
        out.extend(_prose(text[pos : m.start()], pos))
        if m.group().strip():
            out.append(Sentence(m.group(), m.start(), m.end(), is_code=True))
        pos = m.end()
    out.extend(_prose(text[pos:], pos))
    return out[:max_sentences]


def _prose(chunk: str, offset: int) -> list[Sentence]:
    if not chunk.strip():
        return []
    out = []
    for block_start, block in _blocks(chunk):
        try:
            spans = _segmenter().segment(block)
        except (ValueError, IndexError, RecursionError):  # pysbd can trip on odd input; fall back to lines
            spans = []
        if not spans:
            out.append(Sentence(block.strip(), offset + block_start, offset + block_start + len(block)))
            continue
        for s in spans:
            sent = s.sent.strip()
            if sent and re.search(r"[A-Za-z0-9]", sent):
                out.append(Sentence(sent, offset + block_start + s.start, offset + block_start + s.end))
    return out


def _blocks(chunk: str) -> list[tuple[int, str]]:
    """Paragraphs and bullet lines, so a list without full stops still splits into items."""
    blocks = []
    for m in re.finditer(r"[^\n]+(?:\n(?![ \t]*(?:[-*•]|\d+[.)])\s)[^\n]+)*", chunk):
        if m.group().strip():
            blocks.append((m.start(), m.group()))
    return blocks


def stem(word: str) -> str:
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


@lru_cache(maxsize=50_000)
def content_stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1)


def word_count(text: str) -> int:
    return len(words(text))
