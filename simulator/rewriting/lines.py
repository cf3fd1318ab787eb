"""Text laid out one item per line (jotted notes, bullet lists, numbered steps), often with no full stops, read as
separate items. The scorer's sentence splitter joins unbulleted lines into one sentence, which is right for prose
but turns "run time down to 22 minutes / no missed exports since" into one claim. Here each line is its own
item, its bullet dropped, unless it ends mid-sentence ("…twice a week," or "…and") or the
next line carries it on ("and …"). Prose broken at a fixed width, with sentences running across line ends,
stays one block; fenced code stays whole. A part label the candidate wrote ("Result: …", or "What I did:" over
the lines below it) is dropped from the text and kept as the item's part. The words behind each rule are data
(`rubrics/lexicon/rewrite.yaml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from simulator.rewriting.words import RewriteWords

_FENCE = re.compile(r"```.*?(?:```|$)", re.S)
_ENDS = re.compile(r"""(?:[.!?]+|…)['"’”)\]]*$""")  # a line that ends its sentence
_RUNS_ON = re.compile(r"""(?:[.!?]+|…)['"’”)\]]*\s+\S""")  # a sentence end inside a line, with more after it


@dataclass(frozen=True)
class Item:
    text: str
    part: str | None = None  # the part the candidate labelled it with, if any


def items(text: str, w: RewriteWords) -> list[Item]:
    """The items of an answer or of notes, in order; each may still hold several sentences."""
    out: list[Item] = []
    pos = 0
    for m in _FENCE.finditer(text):
        out += _lines(text[pos : m.start()], w)
        out.append(Item(m.group()))
        pos = m.end()
    return out + _lines(text[pos:], w)


def _wrapped(lines: list[str], w: RewriteWords) -> bool:
    """Prose broken at a fixed width: most lines that run on into the next also end a sentence inside them."""
    pairs = pairwise(lines)
    runs = [a for a, b in pairs if a and b and not _ENDS.search(a) and not w.bullet.match(b)]
    return bool(runs) and 2 * sum(bool(_RUNS_ON.search(w.bullet.sub("", a))) for a in runs) >= len(runs)


def _heading(item: str, w: RewriteWords) -> bool:
    """'What I changed:' or 'Result:' over the lines below it: a heading, not a fact."""
    return item.endswith(":") and len(item.split()) <= w.data.heading_max_words and not re.search(r"\d", item)


def _lines(text: str, w: RewriteWords) -> list[Item]:
    lines = [line.strip() for line in text.split("\n")]
    if sum(1 for line in lines if line) < 2 or _wrapped(lines, w):
        return [Item(text)] if text.strip() else []
    out: list[Item] = []
    current, part = "", None
    heading: str | None = None  # the part a heading names for the lines below it
    under = 0  # items under that heading so far
    for line in lines:
        bullet = w.bullet.match(line)
        item = line[bullet.end() :] if bullet else line
        label = w.part_label.match(item)
        named = w.label_part[label.group(1).lower()] if label else None
        item = item[label.end() :].strip() if label else item
        if current and (not item or _heading(item, w) or bullet or label or not _carries_on(current, item, w)):
            out.append(Item(current, part))
            current = ""
        if not line:  # a blank line ends a heading's section once it has lines
            heading = heading if not under else None
        elif not item or _heading(item, w):  # "Result:" or "Things I tried:" over the lines below
            heading, under = named, 0
        elif current:
            current = f"{current} {item}"
        else:
            heading = None if label else heading  # a line with its own label ends the heading's lines
            current, part, under = item, named or heading, under + 1
    return out + ([Item(current, part)] if current else [])


def _carries_on(current: str, line: str, w: RewriteWords) -> bool:
    return bool(w.line_end.search(current) or w.line_start.match(line))
