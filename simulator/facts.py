"""The no-invented-facts rule: numbers, named technologies and proper nouns in a rewrite must come from the
candidate's own answer or notes, or sit inside a [bracketed placeholder]."""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.scoring.lexicon import Lexicon

BRACKETS = re.compile(r"\[[^\[\]]*\]")
NUMBER = re.compile(r"\d[\d,.]*")
CAPITALISED = re.compile(r"\b[A-Z][a-zA-Z0-9]+(?:[.\-][A-Za-z0-9]+)*\b")
COMMON_CAPITALS = frozenset(
    """I I'm I've I'd I'll My We Our The A An It This That These Those Then So And But Or When While After Before
    Situation Task Action Result As At In On For From To By With Without Because Since Once First Next Finally
    Also Later Last Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December He She They Their His Her One Two Three Four Five If
    What Why How Which Who Where There Here Yes No Not Now Today Tomorrow Yesterday Each Every Some Most""".split()
)


@dataclass(frozen=True)
class Fact:
    kind: str  # number | technology | name
    text: str


def outside_brackets(text: str) -> str:
    return BRACKETS.sub(" ", text)


def facts_in(text: str, lex: Lexicon) -> list[Fact]:
    plain = outside_brackets(text)
    found: dict[tuple[str, str], Fact] = {}
    for m in NUMBER.finditer(plain):
        value = m.group().rstrip(".,")
        found[("number", value)] = Fact("number", value)
    for t in lex.tech_terms(plain):
        found[("technology", t.lower())] = Fact("technology", t)
    for m in CAPITALISED.finditer(plain):
        word = m.group()
        if word in COMMON_CAPITALS:
            continue
        found.setdefault(("name", word.lower()), Fact("name", word))
    return list(found.values())


def _normalise_number(s: str) -> str:
    return s.replace(",", "")


def unsupported(rewrite: str, sources: list[str], lex: Lexicon, context: str = "") -> list[Fact]:
    """Facts in `rewrite` (outside brackets) that appear in none of `sources`.

    `context` (the question) vouches for names only: a word the interviewer used ("Tell", a company in the
    prompt) is not invented, but a number or a technology from the question is not the candidate's fact."""
    source = " ".join(sources)
    low = source.lower()
    asked = context.lower()
    numbers = {_normalise_number(n.rstrip(".,")) for n in NUMBER.findall(source)}
    terms = {t.lower() for t in lex.tech_terms(source)}
    bad = []
    for f in facts_in(rewrite, lex):
        if f.kind == "number":
            ok = _normalise_number(f.text) in numbers
        elif f.kind == "technology":
            ok = f.text.lower() in terms or f.text.lower() in low
        else:
            word = r"(?<![a-z0-9])" + re.escape(f.text.lower()) + r"(?![a-z0-9])"
            ok = re.search(word, low) is not None or re.search(word, asked) is not None
        if not ok:
            bad.append(f)
    return bad


def repair(rewrite: str, bad: list[Fact]) -> str:
    """Replace each unsupported fact (outside brackets) with a placeholder asking the candidate for it."""
    parts = re.split(r"(\[[^\[\]]*\])", rewrite)
    for f in bad:
        label = {"number": "[number?]", "technology": "[which tool?]", "name": "[name?]"}[f.kind]
        pattern = re.compile(r"(?<![A-Za-z0-9])" + re.escape(f.text) + r"(?![A-Za-z0-9])", re.I)
        parts = [p if p.startswith("[") else pattern.sub(label, p) for p in parts]
    return "".join(parts)
