"""Text laid out one item per line (jotted notes, bullet lists, numbered steps), often with no full stops, read as
separate items. The scorer's sentence splitter joins unbulleted lines into one sentence, which is right for prose
but turns "run time down to 22 minutes / no missed exports since" into one claim. Here each line is its own
item, its bullet and any part label dropped, unless it ends mid-sentence ("…twice a week," or "…and") or the
next line carries it on ("and …"). Prose broken at a fixed width, with sentences running across line ends,
stays one block; fenced code stays whole. The words behind each rule are data (`rubrics/lexicon/rewrite.yaml`)."""

from __future__ import annotations

import re
from itertools import pairwise

from simulator.rewriting.words import RewriteWords

_FENCE = re.compile(r"```.*?(?:```|$)", re.S)
_ENDS = re.compile(r"""(?:[.!?]+|…)['"’”)\]]*$""")  # a line that ends its sentence
_RUNS_ON = re.compile(r"""(?:[.!?]+|…)['"’”)\]]*\s+\S""")  # a sentence end inside a line, with more after it


def items(text: str, w: RewriteWords) -> list[str]:
    """The items of an answer or of notes, in order; each may still hold several sentences."""
    out: list[str] = []
    pos = 0
    for m in _FENCE.finditer(text):
        out += _lines(text[pos : m.start()], w)
        out.append(m.group())
        pos = m.end()
    return out + _lines(text[pos:], w)


def _wrapped(lines: list[str], w: RewriteWords) -> bool:
    """Prose broken at a fixed width: most lines that run on into the next also end a sentence inside them."""
    pairs = pairwise(lines)
    runs = [a for a, b in pairs if a and b and not _ENDS.search(a) and not w.bullet.match(b)]
    return bool(runs) and 2 * sum(bool(_RUNS_ON.search(a)) for a in runs) >= len(runs)


def _heading(item: str, w: RewriteWords) -> bool:
    """'What I changed:' or 'Result:' over the lines below it: a heading, not a fact."""
    return item.endswith(":") and len(item.split()) <= w.data.heading_max_words and not re.search(r"\d", item)


def _lines(text: str, w: RewriteWords) -> list[str]:
    lines = [line.strip() for line in text.split("\n")]
    if sum(1 for line in lines if line) < 2 or _wrapped(lines, w):
        return [text] if text.strip() else []
    out: list[str] = []
    current = ""
    for line in lines:
        bullet = w.bullet.match(line)
        item = line[bullet.end() :] if bullet else line
        label = w.heading_label.match(item)
        item = item[label.end() :].strip() if label else item
        if not item or _heading(item, w):
            out += [current] if current else []
            current = ""
            continue
        if current and not bullet and (w.line_end.search(current) or w.line_start.match(item)):
            current = f"{current} {item}"
        else:
            out += [current] if current else []
            current = item
    return out + ([current] if current else [])
