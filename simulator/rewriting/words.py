"""The rewriter's word lists and thresholds, read from `rubrics/lexicon/rewrite.yaml`, schema-checked and
compiled once. The logic in plan.py, prose.py, explain.py and rewriter.py holds no word list of its own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from simulator.errors import DataFileError
from simulator.loaders import _format_errors, read_yaml
from simulator.scoring.text import stem

FILE = ("lexicon", "rewrite.yaml")
PARTS = ("situation", "task", "action", "result", "learning")
PIECES = ("situation", "task", "action", "action_detail", "ownership", "result", "result_figure", "learning")
Words = Annotated[list[str], Field(min_length=1)]  # a non-empty word list
Count = Annotated[int, Field(gt=0)]


class RewriteData(BaseModel):
    """The file's schema: every key required, none unknown."""

    model_config = ConfigDict(extra="forbid")
    bullet_patterns: Words
    line_end_marks: Words
    line_end_words: Words
    line_start_words: Words
    heading_max_words: Count
    part_labels: dict[str, Words]
    jotted_verbs: Words
    step_openers: Words
    object_words: Words
    not_a_step_patterns: Words
    habit_cues: Words
    lesson_patterns: Words
    told_with_was: Words
    filler_openers: Words
    filler_words: Words
    own_task_patterns: Words
    own_claim_patterns: Words
    change_patterns: Words
    vague_patterns: Words
    trouble_patterns: Words
    outcome_patterns: Words
    afterwards_patterns: Words
    plan_patterns: Words
    actual_patterns: Words
    background_patterns: Words
    state_marks: Words
    need_patterns: Words
    joint_patterns: Words
    clause_joins: Words
    clause_subjects: Words
    i_words: Words
    me_words: Words
    we_words: Words
    team_words: Words
    we_states: Words
    we_to_i: dict[str, str] = Field(min_length=1)
    generic_words: Words
    filler_stems: Words
    keep_unmatched_vague_in: list[str]
    long_sentence_words: Count
    duplicate_cosine: float = Field(gt=0, le=1)
    concrete_step_words: Count
    concrete_step_names: int = Field(ge=0)
    min_words: Count
    max_words: Count
    words_per_minute: Count
    length_shares: dict[str, float]
    length_hints: dict[str, str] = Field(min_length=1)
    links: dict[str, str]
    role_labels: Words
    llm_budget_base: Count
    llm_budget_chars_per_token: Count
    llm_budget_max: Count
    llm_min_words: Count
    probes: dict[str, str]

    @model_validator(mode="after")
    def _complete(self) -> RewriteData:
        gaps = [f"probes: no sentence for {p}" for p in PIECES if p not in self.probes]
        gaps += [f"links: {r} is not a part of the story" for r in self.links if r not in PARTS]
        gaps += [f"part_labels: {r} is not a part of the story" for r in self.part_labels if r not in PARTS]
        gaps += [f"length_shares: no share for {r}" for r in self.length_hints if self.length_shares.get(r, 0) <= 0]
        gaps += [f"keep_unmatched_vague_in: {r} is not a part" for r in self.keep_unmatched_vague_in if r not in PARTS]
        if self.min_words >= self.max_words:
            gaps.append("min_words must be below max_words")
        if gaps:
            raise ValueError("; ".join(gaps))
        return self


def _any(items: list[str], tail: str = r"\b") -> re.Pattern[str]:
    """Alternatives matched from a word start (and, by default, to a word end), case-insensitively."""
    return re.compile(r"\b(?:" + "|".join(items) + ")" + tail, re.I)


def _either_case(word: str) -> str:
    """'we' matches 'we' and 'We' but not 'WE'; 'us' not the country 'US'."""
    return f"[{word[0].upper()}{word[0]}]{re.escape(word[1:])}"


def _from_word_start(mark: str) -> str:
    """'not' only as a word; "n't" also inside one ("didn't")."""
    return ("(?<![a-z])" if mark.replace(" ", "").isalpha() else "") + re.escape(mark)


def _words(items: list[str]) -> re.Pattern[str]:
    return _any([re.escape(w) for w in sorted(items, key=len, reverse=True)])


@dataclass(frozen=True)
class RewriteWords:
    data: RewriteData
    bullet: re.Pattern[str]
    line_end: re.Pattern[str]
    line_start: re.Pattern[str]
    jotted_verbs: frozenset[str]
    object_words: frozenset[str]
    step_opening: re.Pattern[str]
    not_a_step: re.Pattern[str]
    habit: re.Pattern[str]
    lesson: re.Pattern[str]
    told_with_was: re.Pattern[str]
    part_label: re.Pattern[str]
    label_part: dict[str, str]
    filler: re.Pattern[str]
    own_task: re.Pattern[str]
    own_claim: re.Pattern[str]
    change: re.Pattern[str]
    vague: re.Pattern[str]
    trouble: re.Pattern[str]
    outcome: re.Pattern[str]
    afterwards: re.Pattern[str]
    plan_vs_actual: re.Pattern[str]
    background: re.Pattern[str]
    state: re.Pattern[str]
    need: re.Pattern[str]
    joint: re.Pattern[str]
    clause: re.Pattern[str]
    i_subject: re.Pattern[str]
    me: re.Pattern[str]
    we_subject: re.Pattern[str]
    team: re.Pattern[str]
    we_did: re.Pattern[str]
    we: re.Pattern[str]
    role_label: re.Pattern[str]
    generic: frozenset[str]
    filler_stems: frozenset[str]

    def swap(self, word: str) -> str:
        """'we' → 'I' keeping a capital: 'Us' → 'Me'."""
        out = self.data.we_to_i.get(word.lower(), word)
        return out[0].upper() + out[1:] if word[0].isupper() else out


def _compile(d: RewriteData) -> RewriteWords:
    openers = "|".join(d.filler_openers)
    anywhere = "|".join(d.filler_words)
    joins = "|".join(d.clause_joins)
    subjects = "|".join(d.clause_subjects)
    labels = "|".join(re.escape(w) for w in d.role_labels)
    states = "|".join(re.escape(w) for w in d.we_states)
    parts = "|".join(re.escape(w) for ws in d.part_labels.values() for w in sorted(ws, key=len, reverse=True))
    return RewriteWords(
        data=d,
        bullet=re.compile(r"^\s*(?:" + "|".join(d.bullet_patterns) + r")\s+"),
        line_end=re.compile(
            "(?:" + "|".join(re.escape(m) for m in d.line_end_marks) + r")$|\b(?:" + "|".join(d.line_end_words) + r")$",
            re.I,
        ),
        line_start=re.compile(r"^(?:" + "|".join(d.line_start_words) + r")\b"),
        jotted_verbs=frozenset(v.lower() for v in d.jotted_verbs),
        object_words=frozenset(v.lower() for v in d.object_words),
        step_opening=re.compile(r"(?:(" + "|".join(d.step_openers) + r")\s+)?([A-Za-z]+)\b(?:\s+([a-z]+))?", re.I),
        not_a_step=re.compile(r"(?:" + "|".join(d.not_a_step_patterns) + ")", re.I),
        habit=_any(d.habit_cues),
        lesson=re.compile("|".join(d.lesson_patterns), re.I),
        told_with_was=re.compile(r"^((?:" + "|".join(d.told_with_was) + r"))\s*:\s*", re.I),
        part_label=re.compile(rf"(?:\*\*)?({parts})(?:\*\*)?\s*(?::\s*|$)", re.I),
        label_part={label.lower(): part for part, labels in d.part_labels.items() for label in labels},
        filler=re.compile(rf"^(?:(?:{openers})[,.]?\s+)+|\b(?:{anywhere})\s+", re.I),
        own_task=_any(d.own_task_patterns, ""),
        own_claim=_any(d.own_claim_patterns, ""),
        change=_any(d.change_patterns),
        vague=_any(d.vague_patterns),
        trouble=_any(d.trouble_patterns),
        outcome=_any(d.outcome_patterns),
        afterwards=_any(d.afterwards_patterns),
        plan_vs_actual=re.compile(
            r"\b(?:" + "|".join(d.plan_patterns) + r")\b.*?\b(?:" + "|".join(d.actual_patterns) + r")\b"
            r"|\b(?:" + "|".join(d.actual_patterns) + r")\b.*?\b(?:" + "|".join(d.plan_patterns) + r")\b",
            re.I,
        ),
        background=_any(d.background_patterns),
        state=re.compile("|".join(_from_word_start(m) + r"\b" for m in d.state_marks), re.I),
        need=_any(d.need_patterns),
        joint=_any(d.joint_patterns, ""),
        clause=re.compile(rf",? (?:{joins}) (?=(?:{subjects})\b)|, (?:{joins}) (?=\w)", re.I),
        i_subject=_words(d.i_words),
        me=_words(d.me_words),
        we_subject=_words(d.we_words),
        team=_words(d.team_words),
        we_did=re.compile(rf"\bwe\s+(?!(?:{states})\b)[a-z]", re.I),
        we=re.compile(
            r"(?<![\w'])(?:" + "|".join(f"[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" for w in d.we_to_i) + r")(?![\w'])"
        ),
        role_label=re.compile(
            rf"(?:^|(?<=[.!?]\s)|(?<=\n))\s*(?:\*\*)?(?:{labels})(?:\*\*)?\s*[:\-–—]\s*",
            re.I,
        ),
        generic=frozenset({w.lower() for w in d.generic_words} | {stem(w.lower()) for w in d.generic_words}),
        filler_stems=frozenset({w.lower() for w in d.filler_stems} | {stem(w.lower()) for w in d.filler_stems}),
    )


@lru_cache(maxsize=4)
def load_rewrite_words(rubrics_dir: Path) -> RewriteWords:
    path = rubrics_dir.joinpath(*FILE)
    shown = "rubrics/" + "/".join(FILE)
    raw = read_yaml(path, rubrics_dir.parent)
    if not isinstance(raw, dict):
        raise DataFileError([f"{shown}: expected a mapping of word lists and thresholds"])
    try:
        data = RewriteData.model_validate(raw)
    except ValidationError as err:
        raise DataFileError(_format_errors(shown, err)) from err
    try:
        return _compile(data)
    except re.error as exc:
        raise DataFileError([f"{shown}: a pattern does not compile: {exc}"]) from exc
