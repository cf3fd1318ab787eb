"""Words, stems and stopwords for the scorer (sentence splitting is in `sentences.py`)."""

from __future__ import annotations

import re
from functools import lru_cache

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
