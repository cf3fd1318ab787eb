"""Evidence in the candidate's own words: a quote the model gives is mapped back onto the answer.

The model may change case, spacing and punctuation (smart quotes, dashes, a dropped comma). The quote is found
in a folded copy of the answer (lowercase, quotes and dashes made plain, whitespace runs as one space) that
keeps, for every character, where it came from; the span shown is then cut out of the answer itself. So a
quote is always an exact substring of the answer, or it is dropped.
"""

from __future__ import annotations

import difflib

_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "…": "...",
    }
)
_EDGES = " .,;:!?\"'"  # trimmed from either end of a quote before it is looked for
MIN_QUOTE = 4  # characters of a folded quote: anything shorter proves nothing


def fold(text: str) -> tuple[str, list[int]]:
    """`text` folded for matching, and for each folded character the index in `text` it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                where.append(i)
            continue
        for c in ch.translate(_FOLD).lower():
            out.append(c)
            where.append(i)
    return "".join(out), where


def _span(answer: str, where: list[int], start: int, end: int) -> str | None:
    """The answer's own text behind folded characters [start, end), without loose ends."""
    text = answer[where[start] : where[end - 1] + 1].strip(_EDGES + "\n\t")
    return text if len(fold(text)[0]) >= MIN_QUOTE else None


def _whole_words(folded: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and folded[start - 1].isalnum() and folded[start].isalnum():
        start -= 1
    while end < len(folded) and folded[end].isalnum() and folded[end - 1].isalnum():
        end += 1
    return start, end


def verify_quote(quote: str, answer: str, threshold: float = 0.85) -> str | None:
    """The span of `answer` that `quote` reproduces, cut from the answer itself, or None when the quote is not
    in the answer: at least `threshold` of the quote's folded characters must match one stretch of it."""
    q = fold(quote)[0].strip(_EDGES)
    if len(q) < MIN_QUOTE:
        return None
    folded, where = fold(answer)
    idx = folded.find(q)
    if idx >= 0:
        return _span(answer, where, idx, idx + len(q))
    anchor = difflib.SequenceMatcher(None, folded, q, autojunk=False).find_longest_match(0, len(folded), 0, len(q))
    if anchor.size == 0:
        return None
    slack = len(q) // 5 + 2  # room for characters the model dropped or added
    lo = max(0, anchor.a - anchor.b - slack)
    hi = min(len(folded), anchor.a + len(q) - anchor.b + slack)
    blocks = [
        b for b in difflib.SequenceMatcher(None, folded[lo:hi], q, autojunk=False).get_matching_blocks() if b.size
    ]
    if sum(b.size for b in blocks) / len(q) < threshold:
        return None
    start, end = _whole_words(folded, lo + blocks[0].a, lo + blocks[-1].a + blocks[-1].size)
    return _span(answer, where, start, end)
