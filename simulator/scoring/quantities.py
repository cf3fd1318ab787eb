"""Quantities in any form: digits with units, numbers in words, approximate and relative amounts.

"From six hours to about forty seconds", "roughly twenty a day down to three", "cut the bill in half", "a
tenth of the time" and "ninety percent" are all checkable figures, the same as "p95 from 1.8 s to 250 ms".
The vocabulary lives in `rubrics/lexicon/numbers.yaml`; this module only reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from simulator.errors import DataFileError
from simulator.loaders import read_yaml

DIGITS = re.compile(r"(?<![a-z0-9])(?:\$|€|£)?\d[\d,]*(?:\.\d+)?\s?(?:%|[a-z]+\b)?")
WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
FILLERS = frozenset({"more", "fewer", "less", "extra", "additional", "of", "the", "whole", "full", "odd", "or", "so"})
CURRENCY = "$€£"
NUMERIC = re.compile(r"[$€£]?[\d,.]*\d")
SHORT_UNITS = frozenset({"k", "m", "x", "ms", "s", "b", "bn", "mb", "gb", "tb", "kb", "h", "hr", "hrs", "min", "mins"})


@dataclass(frozen=True)
class NumberWords:
    values: dict[str, float]
    weak: frozenset[str]
    relative: re.Pattern[str]
    rates: tuple[str, ...]
    change: tuple[str, ...]


def _compile(phrases: list[str]) -> re.Pattern[str]:
    body = "|".join(sorted(phrases, key=len, reverse=True))
    return re.compile(r"(?<![a-z0-9])(?:" + body + r")(?![a-z])")


@lru_cache(maxsize=4)
def load_number_words(rubrics_dir: Path) -> NumberWords:
    path = rubrics_dir / "lexicon" / "numbers.yaml"
    raw = read_yaml(path, rubrics_dir.parent)
    need = ("units_of_number", "weak_number_words", "relative", "rates", "change_words")
    missing = [k for k in need if not isinstance(raw, dict) or not raw.get(k)]
    if missing:
        raise DataFileError([f"rubrics/lexicon/numbers.yaml: missing or empty: {', '.join(missing)}"])
    try:
        relative = _compile([str(p) for p in raw["relative"]])
    except re.error as exc:
        raise DataFileError([f"rubrics/lexicon/numbers.yaml: relative: a pattern does not compile: {exc}"]) from exc
    return NumberWords(
        values={str(k): float(v) for k, v in raw["units_of_number"].items()},
        weak=frozenset(str(w) for w in raw["weak_number_words"]),
        relative=relative,
        rates=tuple(str(r) for r in raw["rates"]),
        change=tuple(str(c) for c in raw["change_words"]),
    )


def _is_number_word(word: str, nw: NumberWords) -> bool:
    return all(part in nw.values for part in word.split("-"))


def _unit_after(lower: str, end: int, is_unit: UnitTest, nw: NumberWords) -> int | None:
    """End offset of the unit that follows a number ending at `end` ("seconds", "a day", "percent"), if any."""
    rest = lower[end:]
    for rate in nw.rates:
        if rest.startswith(" " + rate) and not rest[len(rate) + 1 : len(rate) + 2].isalpha():
            return end + len(rate) + 1
    pos = end
    for _ in range(3):  # "forty more seconds", "a third of the time"
        m = WORD.match(lower, pos + 1) if lower[pos : pos + 1] == " " else None
        if m is None:
            return None
        word = m.group(0)
        if is_unit(word) or word in ("percent", "cent"):
            return m.end()
        if word not in FILLERS:
            return None
        pos = m.end()
    return None


class UnitTest:
    """Callable: is this word a unit (from the cue list `units`)?"""

    def __init__(self, units: frozenset[str]) -> None:
        self.units = units

    def __call__(self, word: str) -> bool:
        return word in self.units or (word.endswith("s") and word[:-1] in self.units)


def _framed(lower: str, start: int, nw: NumberWords) -> bool:
    """A bare number at the far end of a change: "down to three", "from twenty to three"."""
    before = lower[max(0, start - 12) : start].rstrip()
    return any(before.endswith(" " + c) or before == c for c in nw.change)


def find(lower: str, units: frozenset[str], nw: NumberWords) -> list[str]:
    """Every quantity in a lowercase sentence, as written, in order of appearance."""
    is_unit = UnitTest(units)
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    bare: list[tuple[int, str]] = []

    def take(start: int, end: int) -> None:
        taken.append((start, end))
        found.append((start, lower[start:end].strip()))

    for m in nw.relative.finditer(lower):
        take(m.start(), m.end())
    for m in DIGITS.finditer(lower):
        if any(s <= m.start() < e for s, e in taken):
            continue
        token = m.group(0).strip()
        number = NUMERIC.match(token)
        num_end = m.start() + (number.end() if number else len(token))
        attached = token[num_end - m.start() :].strip()
        if (
            token[:1] in CURRENCY
            or attached == "%"
            or (
                attached
                and token[num_end - m.start() : num_end - m.start() + 1] != " "
                and attached.isalpha()
                and (is_unit(attached) or attached in SHORT_UNITS)
            )
        ):
            take(m.start(), m.end())
        elif (unit_end := _unit_after(lower, num_end, is_unit, nw)) is not None:
            take(m.start(), unit_end)
        elif _framed(lower, m.start(), nw):
            bare.append((m.start(), lower[m.start() : num_end]))
    words = list(WORD.finditer(lower))
    i = 0
    while i < len(words):
        if not _is_number_word(words[i].group(0), nw) or any(s <= words[i].start() < e for s, e in taken):
            i += 1
            continue
        j = i
        while j + 1 < len(words) and (
            _is_number_word(words[j + 1].group(0), nw)
            or (words[j + 1].group(0) == "and" and j + 2 < len(words) and _is_number_word(words[j + 2].group(0), nw))
        ):
            j += 1
        start = words[i].start()
        if i > 0 and words[i - 1].group(0) in ("a", "an") and words[i].group(0) in ("hundred", "thousand", "dozen"):
            start = words[i - 1].start()
        run = [w.group(0) for w in words[i : j + 1]]
        unit_end = _unit_after(lower, words[j].end(), is_unit, nw)
        weak = len(run) == 1 and run[0] in nw.weak
        if unit_end is not None and not (weak and not _framed(lower, start, nw) and not _approx(lower, start)):
            take(start, unit_end)
        elif not weak and _framed(lower, start, nw):
            bare.append((start, lower[start : words[j].end()]))
        i = j + 1
    if found:  # "twenty a day down to three": the bare far end counts once a measured quantity frames it
        found += bare
    return [t for _, t in sorted(found)]


def _approx(lower: str, start: int) -> bool:
    before = lower[max(0, start - 10) : start].rstrip()
    return before.endswith(("about", "around", "roughly", "under", "over", "nearly", "almost", "within", "in", "~"))
