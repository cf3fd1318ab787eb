"""Reading one sentence of an answer or of the notes: its STAR role (the scorer's classifier, corrected where
the sentence says plainly what it is), its facts, and whether it is concrete or vague. The words behind each
rule are data (`rubrics/lexicon/rewrite.yaml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from simulator.rewriting.lines import items
from simulator.rewriting.words import RewriteWords
from simulator.scoring.analysis import quantities
from simulator.scoring.injection import screen
from simulator.scoring.lexicon import Lexicon
from simulator.scoring.sentences import split_sentences
from simulator.scoring.star_model import ROLES as MODEL_ROLES
from simulator.scoring.star_model import StarClassifier, feature_matrix
from simulator.scoring.text import content_stems


@dataclass
class Unit:
    """One sentence of the story, as planned."""

    text: str
    role: str
    source: str  # answer | notes
    index: int  # position in its source
    specific: bool
    vague: bool
    facts: list[str]
    original: str = ""
    replaces: list[str] = field(default_factory=list)  # vague answer sentences this note sentence replaced
    voice: str = ""  # "we→I" when the subject was changed on the candidate's word; "+I" when a jotted step got one
    asks_owner: bool = False  # a "we" step the candidate has not claimed


def clean(text: str, w: RewriteWords) -> str:
    """Filler trimmed; the first letter raised only where it is an ordinary word ("p95", "iOS" stay as typed)."""
    out = w.filler.sub("", text.strip()).strip()
    out = re.sub(r"\s{2,}", " ", w.told_with_was.sub(r"\1 was ", out))
    first = out.split(" ", 1)[0].replace("'", "").replace("-", "") if out else ""
    if first and first.isalpha() and first.islower():
        out = out[0].upper() + out[1:]
    if out and out[-1] not in ".!?":
        out += "."
    return out


def facts_of(text: str, lex: Lexicon) -> list[str]:
    found = quantities(text.lower(), lex) + re.findall(r"\d[\d,.]*\d|\d", text) + lex.tech_terms(text)
    return list(dict.fromkeys(found))


def names(text: str, w: RewriteWords) -> frozenset[str]:
    """What a sentence is about: its content words, less those that name nothing (`generic_words`)."""
    return frozenset(s for s in content_stems(text) if s not in w.generic)


def _steps_first(low: str, lex: Lexicon, w: RewriteWords) -> bool:
    """'I mentored a junior developer': the candidate doing something, with nothing said about how things were,
    is a step and not the setting ("I designed a system that didn't age well" may still be the setting)."""
    m = re.match(r"\s*i\s+(([a-z]+)\b(?:\s+([a-z]+))?)", low)
    return m is not None and _step_verb(m.group(2), m.group(3), lex, w) and not w.state.search(low[m.end(2) :])


def _step_verb(word: str, following: str | None, lex: Lexicon, w: RewriteWords, opened: bool = False) -> bool:
    """A verb that opens a step: one of the scorer's action verbs or a jotted past-tense verb; or, with an object
    after it (or "also", "then" before it), a word in "-ed" ("tagged every failure") or the present of a known
    verb ("change it to…", "also add partition by day")."""
    if lex.is_word("action_verbs", word) or word in w.jotted_verbs:
        return True
    verbs = lex.single_words["action_verbs"] | w.jotted_verbs
    return (opened or following in w.object_words) and (word.endswith("ed") or word in _present_forms(verbs))


@lru_cache(maxsize=4)
def _present_forms(verbs: frozenset[str]) -> frozenset[str]:
    """'changed' → 'change', 'stopped' → 'stop', 'tried' → 'try': the present of each regular past-tense verb."""
    out: set[str] = set()
    for v in verbs:
        if v.endswith("ied"):
            out.add(v[:-3] + "y")
        elif v.endswith("ed"):
            out |= {v[:-2], v[:-1]} | ({v[:-3]} if len(v) > 4 and v[-3] == v[-4] else set())
    return frozenset(out)


def _habit_now(low: str, lex: Lexicon, w: RewriteWords) -> bool:
    """A change of habit is a lesson: 'it changed how we review migrations' (how things are done now), 'I changed
    how I planned' (the candidate changed their own way). 'I changed how we paged through invoices' is a step:
    the candidate (or the team) changed how something else works, or, with no one named, the verb is past."""
    m = w.habit.search(low)
    if m is None:
        return False
    after = re.match(r"\s+(i|we|the team|our team|people|everyone)\s+([a-z']+)", low[m.end() :])
    if after is None:
        return False
    if w.i_subject.search(low[: m.start()]):
        return after.group(1) == "i"
    if w.we_subject.search(low[: m.start()]):
        return False
    verb = after.group(2)
    return not (verb.endswith("ed") or lex.is_word("action_verbs", verb) or verb in w.jotted_verbs)


def with_subject(text: str, lex: Lexicon, w: RewriteWords) -> str:
    """A step jotted without its subject ("Switched to keyset pagination", "learned to check the plan first") is
    the writer's own: it is read and told with "I". A fragment whose first words say the thing changed ("dropped
    to 40 ms", "ran 3h40m") or that opens with a noun ("run time down to 22 minutes") is left as written."""
    m = w.step_opening.match(text)
    if m is None or w.not_a_step.match(text, m.start(2)):
        return text
    verb, low = m.group(2), m.group(2).lower()
    if verb not in (low, low.capitalize()) or not _step_verb(low, m.group(3), lex, w, m.group(1) is not None):
        return text
    return f"I {text[0].lower()}{text[1:]}"  # "Also added a partition" → "I also added a partition"


def role_of(text: str, probs: np.ndarray, lex: Lexicon, w: RewriteWords, first: bool = False) -> str:
    """The model's role, corrected where the sentence says plainly what it is."""
    low = text.lower()
    has_i = bool(w.i_subject.search(low))
    qty = quantities(low, lex) or re.findall(r"\d", low)
    mine = bool(re.match(r"\s*(?:i|we)\b", low))
    before_after, change = lex.has("before_after", low), w.change.search(low)
    # a time told against a need is not what happened afterwards: "it finished at 10:30 but sales need it by 8"
    afterwards = w.afterwards.search(low) and not w.need.search(low)
    lesson = [c for c in lex.find("learning_cues", low) if not w.habit.fullmatch(c)] or _habit_now(low, lex, w)
    if (lesson and not qty) or w.lesson.search(low):
        return "learning"
    if w.own_task.search(low) and not before_after:
        return "task"
    if lex.has("task_cues", low) and w.need.search(low) and not (before_after or change):
        return "task"  # a goal or a constraint: "finance needed it under a minute before the close"
    if w.background.search(low) and not (before_after or change or afterwards):
        return "situation"  # past perfect: what was in place before the story began
    if qty and w.plan_vs_actual.search(low):
        # a plan set against what happened ("estimated at 3 weeks, it took 7") measures how things went
        return "result" if (change or afterwards) else "situation"
    if mine and qty and before_after and not (change or afterwards):
        return "action"  # "I raised concurrency from 4 to 16": a setting they changed, not the outcome
    if qty and (before_after or (change and not mine) or afterwards):
        return "result"
    if not qty and not mine and w.outcome.search(low) and not has_i:
        return "result"
    ranked = [MODEL_ROLES[i] for i in np.argsort(-probs)]
    best = next(r for r in ranked if r != "other")
    if best == "learning" and not lex.has("learning_cues", low):
        best = "result"
    if best == "task" and not (w.own_task.search(low) or (lex.has("task_cues", low) and (has_i or "my " in low))):
        best = next(r for r in ranked if r not in ("other", "learning", "task"))  # no one's own task in it
    outcome = change or w.outcome.search(low) or afterwards
    ending = lex.has("result_cues", low)  # "in the end", "as a result"
    if best in ("result", "learning") and first and not outcome:
        best = "situation"  # an answer opens with its setting unless it says otherwise
    elif best == "result" and w.trouble.search(low) and not (outcome or before_after or qty or ending):
        best = "situation"  # trouble told with no outcome: "login went down on a Friday evening"
    elif best == "action" and qty and not outcome and not (has_i or w.we_subject.search(low)):
        best = "situation"  # figures with nobody acting on them: the setting
    elif best == "result" and qty and not outcome:
        best = next(r for r in ranked if r not in ("other", "learning", "result"))  # a figure with no change
    elif best in ("result", "learning") and has_i and not qty and not lex.has("result_cues", low):
        best = "action"  # a step of theirs, not an outcome
    if best == "situation" and _steps_first(low, lex, w):
        best = "action"
    return best


def _clauses(sentence: str, w: RewriteWords) -> list[str]:
    """A long or compound answer sentence ("I changed the queries and it got faster") told as its parts."""
    parts = [p.strip(" ,;") for p in w.clause.split(sentence)]
    if len(parts) < 2 or any(len(p.split()) < 3 for p in parts):
        return [sentence]
    handover = bool(w.i_subject.match(parts[0])) and any(re.match(r"we\b", p, re.I) for p in parts[1:])
    if (
        len(sentence.split()) < w.data.long_sentence_words
        and not handover
        and not any(w.outcome.search(p) or w.change.search(p) for p in parts[1:])
    ):
        return [sentence]
    return [p if p[-1] in ".!?" else p + "." for p in parts]


def _probabilities(star: StarClassifier, texts: list[str], story: bool) -> np.ndarray:
    """Role probabilities: an answer is read as a story told in order; notes are read sentence by sentence,
    since the order a candidate jots notes in says nothing about where a fact belongs."""
    if story:
        return star.probabilities(texts)
    coef, intercept = star.weights()
    vectors = np.stack([e.vector for e in star.encoder.encode(texts)])
    n = len(texts)
    x = feature_matrix(vectors, texts, [None] * n, [1] * n, [f"note-{i}" for i in range(n)], star.lex, 0.0)
    logits = x @ coef.T + intercept
    return np.asarray(logits - logits.max(axis=1, keepdims=True))


def read(source: str, kind: str, star: StarClassifier, lex: Lexicon, w: RewriteWords) -> list[Unit]:
    labelled = [
        (s.text, item.part)
        for item in items(screen(source, lex).text, w)
        for s in split_sentences(item.text)
        if not s.is_code and s.text.strip()
    ]
    if kind == "answer":
        labelled = [(c, part) for s, part in labelled for c in _clauses(s, w)]
    if not labelled:
        return []
    # the model reads a jotted step with its subject too ("I switched to keyset pagination")
    probs = _probabilities(star, [with_subject(s, lex, w) for s, _ in labelled], kind == "answer")
    out = []
    for i, ((raw, part), p) in enumerate(zip(labelled, probs, strict=True)):
        low = raw.lower()
        text = with_subject(clean(raw, w), lex, w)
        facts = facts_of(text, lex)
        if (lex.has("platitudes", low) and not facts) or not content_stems(text) - w.filler_stems:
            out.append(Unit(text, "other", kind, i, False, False, [], raw))
            continue
        vague = lex.has("vague_claims", low) or bool(w.vague.search(low))
        # a step says how, not only what: enough words, naming enough things ("I mentored a junior" is a headline)
        concrete_step = (
            bool(w.i_subject.search(text) or w.we_subject.search(low))
            and len(text.split()) >= w.data.concrete_step_words
            and len(names(text, w)) >= w.data.concrete_step_names
        )
        specific = bool(facts) or ((bool(lex.shaped_terms(text)) or concrete_step) and not vague)
        vague = vague and not specific
        role = part or role_of(text, p, lex, w, i == 0 and kind == "answer")  # the candidate's own label wins
        vague = vague or (role == "result" and not facts)  # an outcome with no measure is the vague kind
        voice = "+I" if text.startswith("I ") and not raw.lstrip().startswith("I ") else ""
        out.append(Unit(text, role, kind, i, specific, vague and not specific, facts, raw, voice=voice))
    return out
