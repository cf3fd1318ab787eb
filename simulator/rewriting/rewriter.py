"""Scored behavioral rewrites: the candidate's answer and notes retold as one spoken STAR story in their own
voice, with no invented facts. The sentence plan (plan.py) decides what is said and where; offline the
plan's sentences are the prose (prose.py), with a model they are rewritten fluently from the same plan
and checked in code (facts.py). A rewrite never scores below the answer, and a model's rewrite never scores
below the offline one. explain.py says why it is better and what to fill in next."""

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
from simulator.rewriting.explain import Change, NextStep, changes, criterion_gains, length_notice, next_steps
from simulator.rewriting.lines import items
from simulator.rewriting.plan import LABELS, ORDER, PIECE_ROLE, QUESTIONS, Plan, Planner, role_of
from simulator.rewriting.prose import Segment, margin_markdown, prose, segments
from simulator.rewriting.reading import clean
from simulator.rewriting.words import RewriteWords, load_rewrite_words
from simulator.runtime import Runtime
from simulator.scoring import Scorer
from simulator.scoring.scorer import Item
from simulator.scoring.sentences import split_sentences

FREE_ID = "free-question"


@dataclass
class Rewrite:
    text: str
    segments: list[Segment]
    placeholders: list[str]
    unsupported_facts: list[Fact]
    before: Scorecard
    after: Scorecard
    backend: str = "offline"
    reference: str | None = None
    notices: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    next_steps: list[NextStep] = field(default_factory=list)
    spoken_seconds: int = 0

    @property
    def sections(self) -> dict[str, list[str]]:
        return {r: [s.text for s in self.segments if s.role == r] for r in ORDER}

    @property
    def deltas(self) -> dict[str, float]:
        return {
            r: round(self.after.rubrics[r].score - self.before.rubrics[r].score, 2)
            for r in self.before.rubrics
            if r in self.after.rubrics
        }

    @property
    def words(self) -> int:
        return len(re.findall(r"[A-Za-z0-9][\w'.%-]*", scoring_text(self.text)))

    def markdown(self) -> str:
        return margin_markdown(self.segments)

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
            "words": self.words,
            "spoken_seconds": self.spoken_seconds,
            "segments": [{"role": s.role, "kind": s.kind, "text": s.text} for s in self.segments],
            "changes": [c.public() for c in self.changes],
            "criterion_gains": criterion_gains(self.before, self.after),
            "next_steps": [n.public() for n in self.next_steps],
        }


def scoring_text(text: str) -> str:
    """What the rewrite is scored on: placeholders count as missing."""
    return re.sub(r"[ \t]+", " ", BRACKETS.sub("", text)).strip()


def strip_labels(text: str, w: RewriteWords) -> str:
    return w.role_label.sub(lambda m: " " if m.group(0).startswith((" ", "\n")) else "", text).strip()


def _drops(before: Scorecard, after: Scorecard) -> list[str]:
    return [r for r in before.rubrics if r in after.rubrics and after.rubrics[r].score < before.rubrics[r].score]


class Rewriter:
    def __init__(self, rt: Runtime, model: ChatModel | None = None) -> None:
        self.rt = rt
        self.scorer: Scorer = rt.scorer
        self.model = model
        self.words = load_rewrite_words(rt.settings.rubrics_dir)
        self.planner = Planner(self.scorer.star, self.scorer.lex, self.words)
        self._intent: str | None = None

    def _items(self, texts: list[str], question: Question | None, qtext: str) -> list[Item]:
        if question is None and self._intent is not None:
            # the same story retold is read under the answer's intent, so before and after share their rubrics
            question = Question.model_construct(
                id=FREE_ID,
                round="behavioral",
                intent=self._intent,
                prompt=qtext,
                key_points=[],
                reference_answer=None,
                design=None,
                coding=None,
            )
        if question is not None:
            return [Item(t, question=question) for t in texts]
        return [Item(t, question_text=qtext, round="behavioral") for t in texts]

    def _score_many(self, texts: list[str], question: Question | None, qtext: str) -> list[Scorecard]:
        cards = self.scorer.score_many(self._items([scoring_text(t) for t in texts], question, qtext))
        return [c.model_copy(update={"question_id": None}) if c.question_id == FREE_ID else c for c in cards]

    def _score(self, text: str, question: Question | None, qtext: str) -> Scorecard:
        return self._score_many([text], question, qtext)[0]

    def rewrite(
        self, answer: str, question: Question | None = None, question_text: str | None = None, notes: str | None = None
    ) -> Rewrite:
        qtext = question.prompt if question else (question_text or "")
        self._intent = None
        before = self.scorer.score(answer, question=question, question_text=qtext or None, round="behavioral")
        self._intent = before.intent
        notes = (notes or "").strip()
        plan = self.planner.plan(answer, notes)
        offline = self._offline(plan, answer, notes, question, qtext, before)
        if self.model is None:
            return offline
        try:
            result = self._llm(plan, answer, notes, question, qtext, before)
        except ModelError as exc:
            offline.notices.append(f"model unavailable ({exc.kind}); rewritten offline")
            return offline
        if result.after.overall < before.overall:  # never hand back something worse than what they wrote
            offline.notices.append(
                f"the model's rewrite scored {before.overall - result.after.overall} points below your answer, "
                "so this is the offline rewrite"
            )
            return offline
        if result.after.overall < offline.after.overall:
            offline.notices.append(
                f"the model's rewrite scored {result.after.overall}, below the offline rewrite's "
                f"{offline.after.overall}, so this is the offline rewrite"
            )
            return offline
        return result

    def _finish(self, result: Rewrite, plan: Plan, question: Question | None, qtext: str) -> Rewrite:
        result.changes = changes(plan)
        result.next_steps = next_steps(
            plan,
            result.segments,
            result.after,
            lambda ts: self._score_many(ts, question, qtext),
            self.words.data.probes,
        )
        result.spoken_seconds = round(result.words / self.words.data.words_per_minute * 60)
        short = length_notice(result.words, result.segments, plan.missing, self.words)
        if short:
            result.notices.append(short)
        return result

    # ------------------------------------------------------------ offline
    def _offline(
        self, plan: Plan, answer: str, notes: str, question: Question | None, qtext: str, before: Scorecard
    ) -> Rewrite:
        segs = segments(plan, f"{answer}\n{notes}", self.words)
        text = prose(segs)
        after = self._score(text, question, qtext)
        notices = []
        if _drops(before, after):
            # never worse than what the candidate wrote: keep their own order, ask only for what is missing
            kept = sorted((u for u in plan.units), key=lambda u: (u.source != "answer", u.index))
            order = [Segment(u.role, u.text, "sentence", u.source) for u in kept]
            order += [s for s in segs if s.kind == "placeholder"]
            alt = self._score(prose(order), question, qtext)
            if not _drops(before, alt) or alt.overall > after.overall:
                segs, text, after = order, prose(order), alt
                notices.append("kept your original order: the story order would have scored lower on a rubric")
            if _drops(before, after):  # as written, with only the questions added: never below the answer
                asks = [s for s in segs if s.kind == "placeholder"]
                segs = [Segment(u.role, u.text, "sentence", u.source) for u in plan.units if u.source == "notes"]
                told = " ".join(clean(i.text, self.words) for i in items(answer, self.words))  # jotted lines too
                segs = [Segment("situation", told, "sentence", "answer"), *segs, *asks]
                text, after = prose(segs), self._score(prose(segs), question, qtext)
                notices[-1:] = ["kept your answer as written: any reordering would have scored lower on a rubric"]
        bad = unsupported(text, [answer, notes], self.scorer.lex, context=qtext)
        if bad:
            text = repair(text, bad)
        result = Rewrite(
            text,
            segs,
            [s.text for s in segs if s.kind == "placeholder"],
            bad,
            before,
            after,
            "offline",
            question.reference_answer if question else None,
            notices,
        )
        return self._finish(result, plan, question, qtext)

    # ---------------------------------------------------------------- LLM
    def _llm(
        self, plan: Plan, answer: str, notes: str, question: Question | None, qtext: str, before: Scorecard
    ) -> Rewrite:
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
        lines = [f"{LABELS[u.role]}: {u.text}" for u in plan.units]
        system, user = prompts["rewrite_star"].render(
            question=qtext,
            plan=neutralise("\n".join(lines) or "(nothing usable)", delimiter),
            missing="\n".join(f"{LABELS[r]}: {q}" for r, q in _asks(plan)) or "(nothing)",
            delimiter=delimiter,
        )
        d = self.words.data  # about the answer's length again, plus room
        budget = min(d.llm_budget_max, d.llm_budget_base + (len(answer) + len(notes)) // d.llm_budget_chars_per_token)
        reply = caller.call(
            [("system", system), ("user", user)], ProseReply, max_tokens=budget, check=self._prose_check
        ).value
        text = strip_labels(" ".join(reply.rewrite.split()), self.words)
        bad = unsupported(text, [answer, notes], self.scorer.lex, context=qtext)
        notices = []
        if bad:
            text = repair(text, bad)
            notices.append(f"{len(bad)} fact(s) not in your answer or notes were replaced by placeholders")
        placeholders = list(dict.fromkeys(BRACKETS.findall(text)))
        after = self._score(text, question, qtext)
        result = Rewrite(
            text,
            self._segments_of(text),
            placeholders,
            bad,
            before,
            after,
            self.model.provider,
            question.reference_answer if question else None,
            notices,
        )
        result.changes = changes(plan)
        result.spoken_seconds = round(result.words / self.words.data.words_per_minute * 60)
        return result

    def _prose_check(self, reply: ProseReply) -> str | None:
        if len(reply.rewrite.split()) < self.words.data.llm_min_words:
            return "the rewrite is empty or a fragment: write the whole story as first-person prose"
        return None

    def _segments_of(self, text: str) -> list[Segment]:
        """Margin roles for a model's prose, read the same way as the candidate's sentences."""
        sents = [s.text for s in split_sentences(text) if s.text.strip()]
        probs = self.scorer.star.probabilities([BRACKETS.sub("", s) or s for s in sents])
        out = []
        for s, p in zip(sents, probs, strict=True):
            kind = "placeholder" if BRACKETS.fullmatch(s.strip()) else "sentence"
            out.append(Segment(role_of(s, p, self.scorer.lex, self.words), s, kind))
        return out


def _asks(plan: Plan) -> list[tuple[str, str]]:
    return [(PIECE_ROLE[p], QUESTIONS[p]) for p in plan.missing]


class ProseReply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    rewrite: str


def to_json(r: Rewrite) -> str:
    return json.dumps(r.public(), ensure_ascii=False)
