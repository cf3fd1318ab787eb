"""The offline scorer: answer in, typed Scorecard out. Levels come from signals; totals are computed here."""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.contracts import Criterion, CriterionScore, Question, Rubric, RubricScore, Scorecard
from simulator.errors import DataFileError, InputError
from simulator.scoring import coverage as cov
from simulator.scoring.analysis import MAX_ENCODED_CHARS, Analysis, CoverageResult, CoveredPoint, analyse
from simulator.scoring.calibration import load_calibration
from simulator.scoring.detectors import Detectors, detectors_for
from simulator.scoring.encoder import Encoder
from simulator.scoring.injection import FLAG as INJECTION_FLAG
from simulator.scoring.injection import screen
from simulator.scoring.intent import IntentModel
from simulator.scoring.levels import TOP, Signal
from simulator.scoring.lexicon import load_lexicon
from simulator.scoring.overall import OverallCalibration, load_overall
from simulator.scoring.registry import SIGNALS
from simulator.scoring.sentences import split_sentences
from simulator.scoring.star_model import StarClassifier
from simulator.tokens import encoding_for

MAX_ANSWER_TOKENS = 3000
ANALYSES_KEPT = 8  # answers whose reading is kept, so a turn's scorer and evidence check read each answer once


@dataclass
class Item:
    """One answer to score. Either `question` (from the bank) or `question_text` (free text)."""

    answer: str
    question: Question | None = None
    question_text: str | None = None
    round: str | None = None
    reference: str | None = None


def overall_from(
    rubrics: dict[str, RubricScore],
    intent: str | None = None,
    calibration: OverallCalibration | None = None,
    definitions: dict[str, Rubric] | None = None,
) -> int:
    """0..100 from the card's criterion levels. With a calibration, the fitted weights and curve for the
    intent; without one, the plain mean rubric score mapped from 1..5."""
    if not rubrics:
        return 0
    if calibration is None or definitions is None:
        mean = float(np.mean([r.score for r in rubrics.values()]))
        return int(round((mean - 1.0) / 4.0 * 100))
    levels = {f"{rid}.{cid}": c.level for rid, r in rubrics.items() for cid, c in r.criteria.items()}
    return calibration.to_overall(calibration.mean_level(intent or "", levels, definitions), intent)


def rubric_score(rubric: Rubric, levels: dict[str, CriterionScore]) -> float:
    total = sum(c.weight for c in rubric.criteria)
    return sum(c.weight * levels[c.id].level for c in rubric.criteria) / total


class Scorer:
    MAX_QUOTES = 3
    NO_EVIDENCE_CAP = 2  # a criterion nothing in the answer speaks to is at most 'thin'
    STRUCTURAL = frozenset(
        {"role_balance", "key_point_coverage", "key_point_depth", "concrete_not_generic", "vague_claims"}
    )

    def __init__(
        self,
        rubrics: dict[str, Rubric],
        rubrics_dir: Path,
        encoder: Encoder,
        cache_dir: Path | None = None,
        max_tokens: int = MAX_ANSWER_TOKENS,
        bank: Sequence[Question] = (),
    ) -> None:
        self.rubrics = rubrics
        self.encoder = encoder
        self.lex = load_lexicon(rubrics_dir)
        self.calibration = load_calibration(rubrics_dir)
        self.overall_calibration = load_overall(rubrics_dir)
        self.intents = IntentModel(encoder, rubrics_dir, bank, cache_dir)
        self.star = StarClassifier(encoder, self.lex, rubrics_dir, cache_dir)
        keys = {f"{r.id}.{c.id}" for r in rubrics.values() for c in r.criteria}
        self.detectors: Detectors | None = detectors_for(rubrics_dir, encoder.name, keys)
        self.max_tokens = max_tokens
        self._analyses: OrderedDict[str, Analysis] = OrderedDict()
        self._analyses_lock = threading.Lock()
        unknown = [
            f"rubrics/{r.id}.yaml: criterion '{c.id}': signals: unknown signal '{s}'"
            for r in rubrics.values()
            for c in r.criteria
            for s in c.signals
            if s not in SIGNALS
        ]
        if unknown:
            raise DataFileError(unknown, f"known signals: {', '.join(sorted(SIGNALS))}")

    # ------------------------------------------------------------------ public
    def score(
        self,
        answer: str,
        question: Question | None = None,
        question_text: str | None = None,
        round: str | None = None,
        reference: str | None = None,
    ) -> Scorecard:
        return self.score_many([Item(answer, question, question_text, round, reference)])[0]

    def score_many(self, items: Sequence[Item]) -> list[Scorecard]:
        """Score a batch; every sentence is encoded in one pass first, so the model runs once."""
        prepared = [self._prepare(it) for it in items]
        texts: list[str] = []
        for it, (text, _, _) in zip(items, prepared, strict=True):
            texts += [s.text[:MAX_ENCODED_CHARS] for s in split_sentences(text)]
            if it.question is not None:
                texts += self.question_texts(it.question)
            if it.reference and (it.question is None or not it.question.key_points):
                texts += [s.text[:MAX_ENCODED_CHARS] for s in split_sentences(it.reference)]
        if texts:
            self.encoder.encode(list(dict.fromkeys(texts)))
        return [self._score(it, *p) for it, p in zip(items, prepared, strict=True)]

    @staticmethod
    def question_texts(q: Question) -> list[str]:
        """Everything on the question's side that the signals compare answers with."""
        out = list(q.key_points)
        if q.design is not None:
            d = q.design
            out += [
                *d.functional_requirements,
                *d.entities_apis,
                *d.components,
                *d.deep_dives,
                *d.failure_modes,
                *d.monitoring,
            ]
        if q.coding is not None:
            out += q.coding.edge_cases
        return out

    def warm_up(self) -> None:
        """Load the encoder and fit (or read from the cache) every model the first answer needs: the STAR roles
        and the answer-intent model. On a fresh data dir this is the half-minute a first answer would wait."""
        self.encoder.encode(["warm up"])
        self.star.weights()
        self.intents.weights()

    def prepare(self, question: Question) -> None:
        """Encode the question's side ahead of time (called when the question is asked, not when answered): what
        the signals compare answers with, and the follow-up probes the interviewer's evidence check compares."""
        self.encoder.encode([*self.question_texts(question), *(f.text for f in question.follow_ups)])

    def analyse(self, text: str) -> Analysis:
        """The answer read once (split, cue matches, vectors): a turn's scorecard and the interviewer's evidence
        check both read it. Each caller gets its own shallow copy, since scoring sets the copy's roles and
        coverage; the sentences and vectors are shared and never changed."""
        with self._analyses_lock:
            found = self._analyses.get(text)
            if found is not None:
                self._analyses.move_to_end(text)
                return copy.copy(found)
        fresh = analyse(text, self.encoder, self.lex, self.calibration)
        with self._analyses_lock:
            self._analyses[text] = fresh
            while len(self._analyses) > ANALYSES_KEPT:
                self._analyses.popitem(last=False)
        return copy.copy(fresh)

    def forget(self) -> None:
        """Drop every kept reading and cached vector (benchmarks use this to time cold answers again)."""
        with self._analyses_lock:
            self._analyses.clear()
        forget = getattr(self.encoder, "forget", None)
        if forget is not None:
            forget()

    # ----------------------------------------------------------------- private
    def _prepare(self, it: Item) -> tuple[str, list[str], list[str]]:
        if it.question is None and not (it.question_text or "").strip():
            raise InputError("no question given", "pass --question-id or --question-text")
        flags: list[str] = []
        notices: list[str] = []
        screened = screen(it.answer or "", self.lex)
        if screened.flagged:
            flags.append(INJECTION_FLAG)
            notices.append(f"{len(screened.removed)} passage(s) addressed to the grader were ignored")
        counter = encoding_for(None)
        text, cut = counter.truncate(screened.text, self.max_tokens)
        if cut:
            flags.append("truncated")
            notices.append(f"the answer was cut to its first {self.max_tokens} tokens for scoring")
        return text, flags, notices

    def _plan(self, it: Item, a: Analysis) -> Plan:
        """Round, intent and rubrics. A bank question carries its intent; free text is read for one."""
        q = it.question
        qtext = q.prompt if q is not None else (it.question_text or "").strip()
        if q is not None and q.intent is not None:
            intent: str = q.intent
        else:
            round_hint = q.round if q is not None else it.round
            intent = self.intents.decide(qtext, round_hint, [s.sentence.text for s in a.prose]).intent
        round_ = q.round if q is not None else self.intents.config.usual_round(intent, it.round)
        rule = self.intents.config.intents[intent]
        ids = list(rule.rubrics)
        if rule.when_decision and decides(a):
            ids += [r for r in rule.when_decision if r not in ids]
        reference = it.reference or (q.reference_answer if q is not None else None)
        return Plan(round_, intent, [r for r in ids if r in self.rubrics], reference, qtext)

    def overall_of(self, intent: str | None, rubrics: dict[str, RubricScore]) -> int:
        return overall_from(rubrics, intent, self.overall_calibration, self.rubrics)

    def _coverage(self, a: Analysis, q: Question | None, reference: str | None, qtext: str) -> CoverageResult | None:
        if q is not None and q.key_points:
            pts = cov.point_scores(a, q.key_points, qtext)
            value = cov.soft_coverage(pts, self.calibration)
            return CoverageResult(value, [CoveredPoint(p.text, p.score, p.covered, p.sentence) for p in pts])
        if reference and reference.strip():
            ref_sents = [s.text[:MAX_ENCODED_CHARS] for s in split_sentences(reference)]
            raw = cov.reference_score(a, self.encoder.encode(ref_sents), reference, qtext)
            return CoverageResult(cov.scale_reference(raw, self.calibration), [])
        return None

    def _criterion(self, rid: str, crit: Criterion, a: Analysis, q: Question | None) -> CriterionScore:
        fns = list(dict.fromkeys(SIGNALS[s] for s in crit.signals))
        signals: list[Signal] = [fn(a, q) for fn in fns]
        evidence = list(dict.fromkeys(e for s in signals for e in s.evidence))[: self.MAX_QUOTES]
        uncued = not evidence and crit.signals[0] not in self.STRUCTURAL  # nothing carries this criterion's cue
        cap = self.NO_EVIDENCE_CAP if uncued else TOP
        level = min(self.rule_level(signals), cap)
        if self.detectors is not None:
            learned = self.detectors.level(f"{rid}.{crit.id}", level, a.answer_vector, a.total_words)
            level = level if learned is None else min(learned, cap)
        gap = next((s.gap for s in signals if s.gap), "")
        good = self.lex.tuning.is_good(level)
        if level >= TOP:
            feedback = f"Strong: you {crit.praise}" + (f", as in “{_short(evidence[0])}”." if evidence else ".")
        elif good:
            feedback = f"Good: you {crit.praise}. To make it stronger: {gap or _first(crit.advice)}"
        else:
            feedback = gap or _first(crit.advice)
        return CriterionScore(level=level, evidence=evidence, feedback=feedback, probe=None if good else crit.probes[0])

    def detector_input(self, it: Item) -> tuple[np.ndarray, int]:
        """What the detectors read of this answer, besides the rule levels: its mean sentence vector and its
        word count once repeats are dropped (used to fit them)."""
        a = self.analyse(self._prepare(it)[0])
        return a.answer_vector, a.total_words

    @staticmethod
    def rule_level(signals: list[Signal]) -> int:
        return int(round(float(np.mean([s.level for s in signals]))))

    def _score(self, it: Item, text: str, flags: list[str], notices: list[str]) -> Scorecard:
        q = it.question
        a = self.analyse(text)
        plan = self._plan(it, a)
        rubric_ids = plan.rubrics
        if not a.prose and not a.sentences:
            flags = [*flags, "empty_answer"]
        if a.repeated:
            flags = [*flags, "repetition"]
            notices = [*notices, f"{a.repeated} repeated sentence(s) counted once"]
        if "star" in rubric_ids and a.prose:
            a.roles = self.star.roles([s.sentence.text for s in a.prose])
        a.coverage = self._coverage(a, q, plan.reference, plan.question_text)
        if "coverage" in rubric_ids and a.coverage is None:
            rubric_ids = [r for r in rubric_ids if r != "coverage"]
        rubrics: dict[str, RubricScore] = {}
        for rid in rubric_ids:
            rubric = self.rubrics[rid]
            crits = {c.id: self._criterion(rid, c, a, q) for c in rubric.criteria}
            if "empty_answer" in flags:
                crits = {k: v.model_copy(update={"level": 1, "evidence": []}) for k, v in crits.items()}
            rubrics[rid] = RubricScore(score=round(rubric_score(rubric, crits), 3), criteria=crits)
        return Scorecard(
            question_id=q.id if q else None,
            round=plan.round,
            intent=plan.intent,
            overall=0 if "empty_answer" in flags else self.overall_of(plan.intent, rubrics),
            rubrics=rubrics,
            coverage=None if a.coverage is None else round(a.coverage.value, 4),
            covered_points=[i for i, p in enumerate(a.coverage.points) if p.covered] if a.coverage else [],
            missing_points=[p.text for p in a.coverage.points if not p.covered] if a.coverage else [],
            flags=flags,
            notices=notices,
        )


@dataclass
class Plan:
    round: str
    intent: str
    rubrics: list[str]
    reference: str | None
    question_text: str


def decides(a: Analysis) -> bool:
    """A story that turns on a decision: a choice made between named options."""
    hits = a.matching("decision_cues")
    return len(hits) >= 2 or any(a.lex.has("alternatives", s.lower) for s in hits)


def _first(advice: str) -> str:
    return advice.split(". ")[0].rstrip(".") + "."


def _short(quote: str, width: int = 120) -> str:
    return quote if len(quote) <= width else quote[:width].rsplit(" ", 1)[0] + "…"
