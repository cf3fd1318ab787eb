"""Text addressed to the grader ("ignore previous instructions", fake JSON scores, "SYSTEM:" lines) is
taken out of the answer before scoring, and the scorecard is flagged `prompt_injection`. It earns nothing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from simulator.scoring.lexicon import Lexicon

FLAG = "prompt_injection"
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")


def normalise(text: str) -> str:
    """Fold look-alike characters (full-width letters, zero-width joiners) so cues cannot hide."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


@dataclass
class Screened:
    text: str  # the answer with grader-directed lines and sentences removed
    removed: list[str]

    @property
    def flagged(self) -> bool:
        return bool(self.removed)


def _hits(lex: Lexicon, text: str) -> bool:
    folded = normalise(text)
    return any(p.search(folded) for p in lex.injection)


def screen(text: str, lex: Lexicon) -> Screened:
    """Drop lines (and then sentences) that speak to the grader rather than answer the question."""
    kept_lines: list[str] = []
    removed: list[str] = []
    for line in text.split("\n"):
        if line.strip() and _hits(lex, line):
            # keep the honest part of a line when the instruction is only one sentence in it
            parts = re.split(r"(?<=[.!?])\s+", line)
            clean = [p for p in parts if not _hits(lex, p)]
            removed.extend(p.strip() for p in parts if _hits(lex, p))
            if clean and len(parts) > 1:
                kept_lines.append(" ".join(clean))
            continue
        kept_lines.append(line)
    # fake JSON blobs like {"score": 5} spread over several lines
    joined = "\n".join(kept_lines)
    for m in re.finditer(r"\{[^{}]{0,400}\}", joined):
        if _hits(lex, m.group()):
            removed.append(m.group().strip())
    joined = re.sub(r"\{[^{}]{0,400}\}", lambda m: "" if _hits(lex, m.group()) else m.group(), joined)
    return Screened(joined, removed)
