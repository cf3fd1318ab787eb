"""Scored behavioral rewrites: a STAR version of the candidate's answer in their own voice, with no invented
facts. Offline, the candidate's own sentences are regrouped by STAR role, filler is trimmed, vague phrases
become bracketed prompts and every missing part becomes a placeholder. With a model, a fluent rewrite is
checked in code: every number, technology and name must come from the answer or the notes (facts.py)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from simulator.contracts import Question, Scorecard
from simulator.facts import BRACKETS, Fact, repair, unsupported
from simulator.llm import ChatModel, ModelError
from simulator.llm.guard import neutralise, new_delimiter
from simulator.llm.negotiate import EndpointMemory
from simulator.llm.structured import StructuredCaller
from simulator.prompts import load_prompts
from simulator.runtime import Runtime
from simulator.scoring import Scorer
from simulator.scoring.injection import screen
from simulator.scoring.sentences import split_sentences

ROLES = ("situation", "task", "action", "result")
MISSING = {
    "situation": "[Situation: which system or team, what went wrong, and why it mattered]",
    "task": "[Task: what you personally had to achieve, and the constraint you worked under]",
    "action": "[Action: the steps you took yourself, in order, with the tools you used]",
    "result": "[Result: what changed, by how much, and how you knew]",
}
FILLER_WORDS = re.compile(
    r"^(?:so yeah|so|well|ok(?:ay)?|right|yeah)[,.]?\s+"
    r"|\b(?:basically|honestly|literally|you know,?|kind of|sort of|um+|uh+|like,)\s*",
    re.I,
)
VAGUE_PROMPTS = (
    (re.compile(r"faster|performance|speed|latency|slow", re.I), "[how much faster? e.g. p95 before → after]"),
    (re.compile(r"issues?|problems?|bugs?", re.I), "[which issues exactly?]"),
    (re.compile(r"a lot|a bunch|various|many", re.I), "[how many, roughly?]"),
    (re.compile(r"better|improv", re.I), "[improved how, and by how much?]"),
)


@dataclass
class Rewrite:
    text: str
    sections: dict[str, list[str]]
    placeholders: list[str]
    unsupported_facts: list[Fact]
    before: Scorecard
    after: Scorecard
    backend: str = "offline"
    reference: str | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def deltas(self) -> dict[str, float]:
        return {
            r: round(self.after.rubrics[r].score - self.before.rubrics[r].score, 2)
            for r in self.before.rubrics
            if r in self.after.rubrics
        }

    def public(self) -> dict[str, object]:
        return {
            "rewrite": self.text,
            "before": self.before.public(),
            "after": self.after.public(),
            "placeholders": self.placeholders,
            "unsupported_facts": [{"kind": f.kind, "text": f.text} for f in self.unsupported_facts],
            "deltas": self.deltas,
            "overall_gain": self.after.overall - self.before.overall,
            "backend": self.backend,
            "reference_answer": self.reference,
            "notices": self.notices,
        }


def _vague_prompt(phrase: str) -> str:
    for pattern, prompt in VAGUE_PROMPTS:
        if pattern.search(phrase):
            return prompt
    return "[be specific: what exactly, and how much?]"


def render(sections: dict[str, list[str]]) -> str:
    return "\n".join(f"{role.capitalize()}: {' '.join(sections[role])}" for role in ROLES if sections[role])


def scoring_text(text: str) -> str:
    """What the rewrite is scored on: placeholders count as missing, labels are not content."""
    plain = BRACKETS.sub("", text)
    plain = re.sub(r"(?m)^(Situation|Task|Action|Result):\s*", "", plain)
    return re.sub(r"[ \t]+", " ", plain)


class Rewriter:
    def __init__(self, rt: Runtime, model: ChatModel | None = None) -> None:
        self.rt = rt
        self.scorer: Scorer = rt.scorer
        self.model = model

    def _score(self, text: str, question: Question | None, qtext: str) -> Scorecard:
        rubric_round = "behavioral"
        if question is not None:
            return self.scorer.score(text, question=question)
        return self.scorer.score(text, question_text=qtext, round=rubric_round)

    def rewrite(
        self, answer: str, question: Question | None = None, question_text: str | None = None, notes: str | None = None
    ) -> Rewrite:
        qtext = question.prompt if question else (question_text or "")
        before = self._score(answer, question, qtext)
        notes = (notes or "").strip()
        if self.model is not None:
            try:
                result = self._llm(answer, notes, question, qtext, before)
            except ModelError as exc:
                result = self._offline(answer, notes, question, qtext, before)
                result.notices.append(f"model unavailable ({exc.kind}: {exc.message[:200]}); rewritten offline")
                return result
            if result.after.overall < before.overall:  # never hand back something worse than what they wrote
                worse = before.overall - result.after.overall
                result = self._offline(answer, notes, question, qtext, before)
                result.notices.append(
                    f"the model's rewrite scored {worse} points below your answer, so this is the offline rewrite"
                )
            return result
        return self._offline(answer, notes, question, qtext, before)

    # ------------------------------------------------------------ offline
    def _offline(self, answer: str, notes: str, question: Question | None, qtext: str, before: Scorecard) -> Rewrite:
        lex = self.scorer.lex
        sections: dict[str, list[str]] = {r: [] for r in ROLES}
        placeholders: list[str] = []
        sources = [screen(answer, lex).text, screen(notes, lex).text] if notes else [screen(answer, lex).text]
        for source in sources:
            sents = [s.text for s in split_sentences(source) if not s.is_code]
            roles = self.scorer.star.roles(sents) if sents else []
            for text, role in zip(sents, roles, strict=True):
                low = text.lower()
                has_fact = any(ch.isdigit() for ch in text) or lex.tech_terms(text)
                if lex.has("platitudes", low) and not has_fact:
                    continue  # filler that carries no fact
                if role == "learning":
                    role = "result"
                if role == "other":
                    if len(text.split()) <= 5 and not has_fact:
                        continue
                    role = "action"
                cleaned = FILLER_WORDS.sub("", text).strip()
                cleaned = cleaned[0].upper() + cleaned[1:] if cleaned else cleaned
                for phrase in lex.find("vague_claims", cleaned.lower()):
                    prompt = _vague_prompt(phrase)
                    idx = cleaned.lower().find(phrase)
                    if idx >= 0 and prompt not in cleaned:
                        end = idx + len(phrase)
                        cleaned = f"{cleaned[:end]} {prompt}{cleaned[end:]}"
                        placeholders.append(prompt)
                sections[role].append(cleaned)
        for role in ROLES:
            if not sections[role]:
                sections[role].append(MISSING[role])
                placeholders.append(MISSING[role])
        joined_result = " ".join(sections["result"])
        if not BRACKETS.fullmatch(joined_result.strip()):
            if not any(ch.isdigit() for ch in BRACKETS.sub("", joined_result)):
                sections["result"].append("[by how much? a number, before → after]")
                placeholders.append("[by how much? a number, before → after]")
            if not re.search(r"learn|lesson|next time|differently|taught", joined_result, re.I):
                sections["result"].append("[What you learned, or would do differently next time]")
                placeholders.append("[What you learned, or would do differently next time]")
        if not any(re.search(r"\bI\b", s) for s in sections["action"] if not BRACKETS.fullmatch(s)):
            sections["action"].append('[Which of these steps were yours? Say "I …"]')
            placeholders.append('[Which of these steps were yours? Say "I …"]')
        text = render(sections)
        after = self._score(scoring_text(text), question, qtext)
        notices = []
        if any(after.rubrics[r].score < before.rubrics[r].score for r in before.rubrics if r in after.rubrics):
            # never worse than what the candidate wrote: keep their order, add only the prompts
            text = answer.strip() + "\n" + "\n".join(dict.fromkeys(placeholders))
            after = self._score(scoring_text(text), question, qtext)
            notices.append("kept your original order: regrouping would have scored lower")
        bad = unsupported(text, [answer, notes], lex, context=qtext)
        return Rewrite(
            text,
            sections,
            list(dict.fromkeys(placeholders)),
            bad,
            before,
            after,
            "offline",
            question.reference_answer if question else None,
            notices,
        )

    # ---------------------------------------------------------------- LLM
    def _llm(self, answer: str, notes: str, question: Question | None, qtext: str, before: Scorecard) -> Rewrite:
        assert self.model is not None
        prompts = load_prompts(self.rt.settings.prompts_dir)
        settings = self.rt.settings
        caller = StructuredCaller(
            self.model,
            settings.structured_output,
            prompts["repair_json"],
            memory=EndpointMemory(settings.home),
            timeout=settings.llm_timeout,
            timeout_cap=settings.llm_timeout_cap,
        )
        delimiter = new_delimiter()
        system, user = prompts["rewrite_star"].render(
            question=qtext,
            answer=neutralise(answer, delimiter),
            notes=neutralise(notes or "(none)", delimiter),
            delimiter=delimiter,
        )
        budget = min(1600, 200 + (len(answer) + len(notes)) // 3)  # about the answer's length again, plus room
        reply = caller.call([("system", system), ("user", user)], StarReply, max_tokens=budget, check=_star_check).value
        sections = {r: [getattr(reply, r).strip()] if getattr(reply, r).strip() else [MISSING[r]] for r in ROLES}
        text = render(sections)
        bad = unsupported(text, [answer, notes], self.scorer.lex, context=qtext)
        notices = []
        if bad:
            text = repair(text, bad)
            notices.append(f"{len(bad)} fact(s) not in your answer or notes were replaced by placeholders")
        placeholders = list(dict.fromkeys(BRACKETS.findall(text)))
        after = self._score(scoring_text(text), question, qtext)
        return Rewrite(
            text,
            sections,
            placeholders,
            bad,
            before,
            after,
            self.model.provider,
            question.reference_answer if question else None,
            notices,
        )


class StarReply(BaseModel):
    """All four parts are required: a reply of defaults is not a rewrite."""

    model_config = ConfigDict(extra="ignore")
    situation: str
    task: str
    action: str
    result: str


def _star_check(reply: StarReply) -> str | None:
    empty = [r for r in ROLES if not getattr(reply, r).strip()]
    if len(empty) == len(ROLES):
        return (
            "every part is empty: write the situation, task, action and result (placeholders where facts are missing)"
        )
    if empty:
        return f"{', '.join(empty)} empty: write it, or a [bracketed placeholder] where the fact is missing"
    return None


def to_json(r: Rewrite) -> str:
    return json.dumps(r.public(), ensure_ascii=False)
