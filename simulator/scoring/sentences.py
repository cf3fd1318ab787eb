"""Sentence splitting for answers: a single linear scan, with the spans of each sentence kept.

Rules, in order: fenced code blocks stay whole; paragraphs and bullet items are separate blocks; inside a
block a sentence ends at `.`, `!`, `?` or an ellipsis (plus any closing quote or bracket) followed by
whitespace, except after a known abbreviation ("e.g.", "vs.", "No. 5"), a single capital initial, a list
marker ("1." opening a line), a number running on into a number, or an ellipsis running on into lowercase.
A period inside a token ("a.b", "1.5") never ends a sentence, because whitespace must follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"```.*?(?:```|$)", re.S)
_BLOCK = re.compile(r"[^\n]+(?:\n(?![ \t]*(?:[-*•]|\d+[.)])\s)[^\n]+)*")
_END = re.compile(r"""(?:[.!?]+|…)['"’”)\]]*(?=\s|$)""")
_WORD_BEFORE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z.]*)\.$")
_LIST_MARKER = re.compile(r"\s*(?:\d+|[a-zA-Z])\.$")
_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")
_HAS_TEXT = re.compile(r"[A-Za-z0-9]")
ABBREVIATIONS = frozenset(
    "e.g i.e eg ie etc vs cf al viz resp approx incl excl fig mr mrs dr prof sr jr inc ltd".split()
)
BEFORE_NUMBERS = frozenset("no nos jan feb mar apr jun jul aug sep sept oct nov dec".split())  # "No. 5", "Jan. 3"


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    is_code: bool = False


def split_sentences(text: str, max_sentences: int = 400) -> list[Sentence]:
    """Sentences with character spans into `text`. Fenced code blocks are kept whole, as one 'sentence'."""
    out: list[Sentence] = []
    pos = 0
    for m in _FENCE.finditer(text):
        out.extend(_prose(text, pos, m.start()))
        code = m.group().rstrip()  # a fence left open runs to the end of the text, trailing blanks and all
        if code.strip():
            out.append(Sentence(code, m.start(), m.start() + len(code), is_code=True))
        pos = m.end()
        if len(out) >= max_sentences:
            break
    else:
        out.extend(_prose(text, pos, len(text)))
    return out[:max_sentences]


def _prose(text: str, lo: int, hi: int) -> list[Sentence]:
    out = []
    for block in _BLOCK.finditer(text, lo, hi):
        for a, b in _spans(block.group()):
            raw = block.group()[a:b]
            sent = raw.strip()
            if sent and _HAS_TEXT.search(sent):
                start = block.start() + a + (len(raw) - len(raw.lstrip()))
                out.append(Sentence(sent, start, start + len(sent)))
    return out


def _spans(block: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in _END.finditer(block):
        rest = block[m.end() :].lstrip()
        if rest and not _is_boundary(block, start, m, rest[0]):
            continue
        spans.append((start, m.end()))
        start = m.end()
    if block[start:].strip():
        spans.append((start, len(block)))
    return spans


def _is_boundary(block: str, start: int, m: re.Match[str], following: str) -> bool:
    punct = m.group()
    if (punct.startswith("..") or punct.startswith("…")) and following.islower():
        return False
    if not punct.startswith(".") or punct.startswith(".."):
        return True
    if _LIST_MARKER.fullmatch(block, start, m.start() + 1):
        return False
    before = _WORD_BEFORE.search(block, start, m.start() + 1)
    if before:
        word = before.group(1)
        key = word.lower().rstrip(".")
        if key in ABBREVIATIONS or _DOTTED.fullmatch(key) or (len(word) == 1 and word.isupper()):
            return False
        if key in BEFORE_NUMBERS and following.isdigit():
            return False
    return not (m.start() > 0 and block[m.start() - 1].isdigit() and following.isdigit())
