"""STAR: situation, task, action, result, and the balance of time between them."""

from __future__ import annotations

import re

from simulator.scoring.analysis import Analysis, SentenceInfo, quantities
from simulator.scoring.levels import Signal, quotes

_CLAUSE = re.compile(r",\s+|;\s+|\s+(?:and|so)\s+")


def _role(a: Analysis, role: str) -> list[SentenceInfo]:
    return [s for s, r in zip(a.prose, a.roles, strict=False) if r == role]


def outcomes(a: Analysis) -> list[SentenceInfo]:
    """Sentences read as the result. A first-person action with no outcome in it is an action, even where the
    role model leans to result: the result is never quoted from one of the candidate's steps."""
    return [
        s
        for s in _role(a, "result")
        if not (s.i_actions and not s.quantities and not a.lex.has("result_cues", s.lower))
    ]


def lessons(a: Analysis) -> list[SentenceInfo]:
    return _role(a, "learning") or [s for s in a.prose[-3:] if a.lex.has("learning_cues", s.lower)]


def result_tail(s: SentenceInfo, a: Analysis) -> str | None:
    """A measured outcome told at the end of an action sentence ("..., added an index and cut p95 to 300 ms"):
    a later clause with a result cue and a number with a unit."""
    if not s.quantities:
        return None
    for clause in _CLAUSE.split(s.sentence.text)[1:]:
        low = clause.lower()
        if (a.lex.has("before_after", low) or a.lex.has("result_cues", low)) and quantities(low, a.lex):
            return clause.strip().rstrip(".,;!")
    return None


def _tails(a: Analysis) -> list[str]:
    return [t for s in _role(a, "action") if (t := result_tail(s, a))]


def _share(a: Analysis, role: str) -> float:
    total = sum(s.words for s in a.prose) or 1
    sents = outcomes(a) + _role(a, "learning") if role == "result" else _role(a, role)
    words = sum(s.words for s in sents)
    if role in ("action", "result"):
        moved = sum(len(t.split()) for t in _tails(a))
        words += moved if role == "result" else -moved
    return words / total


def situation(a: Analysis) -> Signal:
    sents = _role(a, "situation")
    if not sents:
        return Signal(1, gap="There is no setting: say which system or team, what went wrong and why it mattered.")
    level = 3 + int(any(s.quantities or s.tech for s in sents)) + int(0.04 <= _share(a, "situation") <= 0.3)
    gap = "" if level >= 4 else "Keep the setting to two sentences, and name the system and the stakes."
    return Signal(level, quotes([s.sentence.text for s in sents], 2), gap)


def task(a: Analysis) -> Signal:
    sents = _role(a, "task")
    if not sents:
        return Signal(1, gap="Say what you personally had to achieve, and the constraint you worked under.")
    personal = any("my " in s.lower or s.lower.startswith("i ") or " i " in s.lower for s in sents)
    constraint = any(
        s.quantities or any(w in s.lower for w in ("deadline", "within", "without", "by ", "before")) for s in sents
    )
    level = 3 + int(personal) + int(constraint)
    gap = "" if level >= 4 else "State your own goal and what done looked like (a deadline, an SLA, a number)."
    return Signal(level, quotes([s.sentence.text for s in sents], 2), gap)


def action(a: Analysis) -> Signal:
    sents = _role(a, "action")
    if not sents:
        return Signal(1, gap="Walk through the steps you took yourself, one by one.")
    mine = [s for s in sents if s.i_actions]
    specific = [s for s in sents if s.tech or s.quantities]
    n = len(sents)
    level = 2
    if n >= 2 or specific:
        level = 3
    if n >= 3 and len(mine) >= 2 and specific:
        level = 4
    if n >= 4 and len(mine) >= 3 and len(specific) >= 2:
        level = 5
    gap = ""
    if level < 4:
        gap = (
            "Give more of your own concrete steps (what you ran, changed or decided), with tools named."
            if len(mine) < 2
            else "Name the tools, techniques and numbers behind your steps."
        )
    return Signal(level, quotes([s.sentence.text for s in (mine or sents)], 3), gap)


def result(a: Analysis) -> Signal:
    sents = outcomes(a)
    tails = _tails(a)
    learned = lessons(a)
    if not sents and not tails:
        return Signal(
            2 if learned else 1,
            quotes([s.sentence.text for s in learned], 1),
            "End with the result: what changed, by how much, and what you learned.",
        )
    measured = bool(tails) or any(s.quantities for s in sents)
    level = 3 + int(measured) + int(bool(learned))
    if not sents:  # told only in passing, inside an action sentence
        level = min(level, 4)
    gap = ""
    if level < 5:
        gap = (
            "Quantify the outcome (before → after)."
            if not measured
            else "Give the result its own sentence, and add what you learned or would do differently."
            if not sents
            else "Add what you learned or would do differently."
        )
    return Signal(level, quotes([s.sentence.text for s in sents] + tails + [s.sentence.text for s in learned], 3), gap)


def balance(a: Analysis) -> Signal:
    if not a.prose or not a.roles:
        return Signal(1, gap="Tell the story as situation, task, action and result.")
    s, t, act, r = (_share(a, x) for x in ("situation", "task", "action", "result"))
    misses = []
    if not 0.3 <= act <= 0.7:
        misses.append(f"actions take {act:.0%} of the answer; aim for about half")
    if r < 0.08:
        misses.append("the result gets almost no time")
    if s > 0.35:
        misses.append(f"the setting takes {s:.0%}; keep it near 10-15%")
    if t == 0.0:
        misses.append("your own task is never stated")
    level = 5 - len(misses) - int(len(misses) >= 3)
    return Signal(level, [], ("; ".join(misses) + ".").capitalize() if misses else "")
