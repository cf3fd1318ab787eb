"""STAR: situation, task, action, result, and the balance of time between them."""

from __future__ import annotations

import re

from simulator.scoring.analysis import Analysis, SentenceInfo, quantities
from simulator.scoring.levels import TOP, Signal, quotes
from simulator.scoring.signals import signal

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
    tail = a.prose[-a.tuning.star.lesson_tail :]
    return _role(a, "learning") or [s for s in tail if a.lex.has("learning_cues", s.lower)]


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


@signal("role_situation")
def situation(a: Analysis) -> Signal:
    sents = _role(a, "situation")
    if not sents:
        return Signal(1, gap="There is no setting: say which system or team, what went wrong and why it mattered.")
    t = a.tuning.star
    low, high = t.situation_share
    level = t.role_base + int(any(s.quantities or s.tech for s in sents)) + int(low <= _share(a, "situation") <= high)
    gap = a.tuning.gap(level, "Keep the setting to two sentences, and name the system and the stakes.")
    return Signal(level, quotes([s.sentence.text for s in sents], t.quotes.situation), gap)


@signal("role_task")
def task(a: Analysis) -> Signal:
    sents = _role(a, "task")
    if not sents:
        return Signal(1, gap="Say what you personally had to achieve, and the constraint you worked under.")
    personal = any(a.lex.contains("task_personal", " " + s.lower) for s in sents)
    constraint = any(s.quantities or a.lex.contains("task_constraints", s.lower) for s in sents)
    t = a.tuning.star
    level = t.role_base + int(personal) + int(constraint)
    gap = a.tuning.gap(level, "State your own goal and what done looked like (a deadline, an SLA, a number).")
    return Signal(level, quotes([s.sentence.text for s in sents], t.quotes.task), gap)


@signal("role_action")
def action(a: Analysis) -> Signal:
    sents = _role(a, "action")
    if not sents:
        return Signal(1, gap="Walk through the steps you took yourself, one by one.")
    mine = [s for s in sents if s.i_actions]
    specific = [s for s in sents if s.tech or s.quantities]
    n = len(sents)
    t = a.tuning.star
    level = t.action_floor
    if n >= t.action_any_steps or specific:
        level = t.action_floor + 1
    for steps, own, named in t.action_steps:
        if n >= steps and len(mine) >= own and len(specific) >= named:
            level += 1
    gap = ""
    if not a.tuning.is_good(level):
        gap = (
            "Give more of your own concrete steps (what you ran, changed or decided), with tools named."
            if len(mine) < t.action_steps[0][1]
            else "Name the tools, techniques and numbers behind your steps."
        )
    return Signal(level, quotes([s.sentence.text for s in (mine or sents)]), gap)


@signal("role_result", "result_learning")
def result(a: Analysis) -> Signal:
    sents = outcomes(a)
    tails = _tails(a)
    learned = lessons(a)
    t = a.tuning.star
    if not sents and not tails:
        return Signal(
            t.result_without_outcome if learned else 1,
            quotes([s.sentence.text for s in learned], t.quotes.lesson_only),
            "End with the result: what changed, by how much, and what you learned.",
        )
    measured = bool(tails) or any(s.quantities for s in sents)
    level = t.role_base + int(measured) + int(bool(learned))
    if not sents:  # told only in passing, inside an action sentence
        level = min(level, t.passing_result_max)
    gap = ""
    if level < TOP:
        gap = (
            "Quantify the outcome (before → after)."
            if not measured
            else "Give the result its own sentence, and add what you learned or would do differently."
            if not sents
            else "Add what you learned or would do differently."
        )
    return Signal(level, quotes([s.sentence.text for s in sents] + tails + [s.sentence.text for s in learned]), gap)


@signal("role_balance")
def balance(a: Analysis) -> Signal:
    if not a.prose or not a.roles:
        return Signal(1, gap="Tell the story as situation, task, action and result.")
    s, t, act, r = (_share(a, x) for x in ("situation", "task", "action", "result"))
    b = a.tuning.star
    low, high = b.action_share
    misses = []
    if not low <= act <= high:
        misses.append(f"actions take {act:.0%} of the answer; aim for about half")
    if r < b.result_min_share:
        misses.append("the result gets almost no time")
    if s > b.situation_max_share:
        misses.append(f"the setting takes {s:.0%}; keep it near 10-15%")
    if t == 0:
        misses.append("your own task is never stated")
    level = TOP - len(misses) - int(len(misses) >= b.misses_extra_penalty)
    return Signal(level, [], ("; ".join(misses) + ".").capitalize() if misses else "")
