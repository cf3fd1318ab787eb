"""LLM mode for one candidate turn: one request returns levels, evidence, feedback and the next move.

Code, not the model, decides what counts: evidence quotes are mapped onto the answer and shown in its own
words, or dropped (simulator/llm/quotes.py; a criterion above level 2 needs a verified quote), totals are
computed from levels, and the offline scorer runs beside the model; a rubric where the two differ by more
than 1.5 levels is flagged `judge_disagreement` (and when the answer also tried to address the grader, the
offline rubric stands).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from simulator.contracts import CriterionScore, Question, Rubric, RubricScore, Scorecard
from simulator.llm.base import OnText
from simulator.llm.guard import neutralise, new_delimiter
from simulator.llm.quotes import verify_quote
from simulator.llm.structured import StructuredCaller
from simulator.prompts import Prompt
from simulator.scoring.scorer import overall_from, rubric_score

DISAGREEMENT = 1.5
EVIDENCE_CAP = 2


NextMove = Literal["follow_up", "next_question", "wrap_up"]
REPLY_BASE_TOKENS = 220  # next move, interviewer's words, key points and the JSON around them
CRITERION_TOKENS = 130  # names, level, up to three short quotes and one sentence of feedback
MAX_REPLY_TOKENS = 2400


class JudgedCriterion(BaseModel):
    model_config = ConfigDict(extra="ignore")
    rubric: str = Field(min_length=1)
    criterion: str = Field(min_length=1)
    level: int = Field(ge=1, le=5)
    evidence: list[str] = Field(max_length=6)
    feedback: str


class Scored(BaseModel):
    """One criterion in the schema sent to the model, keyed by `rubric.criterion` (see `wire_schema`)."""

    model_config = ConfigDict(extra="ignore")
    level: int = Field(ge=1, le=5)
    evidence: list[str] = Field(max_length=3, json_schema_extra={"items": {"type": "string", "maxLength": 160}})
    feedback: str = Field(max_length=240)


class TurnReply(BaseModel):
    """Every field the code needs is required: a reply of defaults is not a judgement. The model is sent the
    keyed form (`scores`: one required property per criterion); a list of `criteria` is read as well."""

    model_config = ConfigDict(extra="ignore")
    criteria: list[JudgedCriterion] = Field(min_length=1)
    covered_key_points: list[int] = Field(default_factory=list)
    next_move: NextMove
    follow_up_target: str | None = None
    interviewer_says: str
    acknowledgement: str = ""

    @model_validator(mode="before")
    @classmethod
    def _keyed(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("scores"), dict) and "criteria" not in data:
            criteria = []
            for key, value in data["scores"].items():
                rubric, _, crit = str(key).partition(".")
                criteria.append({"rubric": rubric, "criterion": crit, **(value if isinstance(value, dict) else {})})
            data = {**data, "criteria": criteria}
        return data


def wire_schema(expected: list[tuple[str, str]]) -> type[BaseModel]:
    """The reply schema sent to the model for this turn: every criterion is a required, named property, so a
    server that constrains decoding with the schema (llama.cpp, Ollama, vLLM, OpenAI) cannot skip or misname
    one, and every string has a length bound, so the reply fits its token budget."""
    fields: dict[str, Any] = {f"c{i}": (Scored, Field(alias=f"{r}.{c}")) for i, (r, c) in enumerate(expected)}
    scores = create_model("Scores", __config__=ConfigDict(populate_by_name=True), **fields)
    return create_model(
        "TurnReply",
        scores=(scores, ...),
        covered_key_points=(list[int], Field(default_factory=list)),
        next_move=(NextMove, ...),
        follow_up_target=(str | None, None),
        interviewer_says=(str, Field(max_length=400)),
        acknowledgement=(str, Field(default="", max_length=200)),
    )


def reply_tokens(n_criteria: int) -> int:
    """max_tokens for a judge reply over `n_criteria` criteria: room for a full reply, not for a runaway."""
    return min(MAX_REPLY_TOKENS, REPLY_BASE_TOKENS + CRITERION_TOKENS * n_criteria)


def _names(c: JudgedCriterion) -> tuple[str, str]:
    """(rubric, criterion) as the code spells them; `star.task` in the criterion field is accepted."""
    rubric, crit = c.rubric.strip().lower(), c.criterion.strip().lower()
    if crit.startswith(rubric + "."):
        crit = crit[len(rubric) + 1 :]
    return rubric, crit


def expected_criteria(rubrics: dict[str, Rubric], ids: list[str]) -> list[tuple[str, str]]:
    return [(rid, c.id) for rid in ids for c in rubrics[rid].criteria]


def check_reply(reply: TurnReply, expected: list[tuple[str, str]]) -> str | None:
    """Why a parsed reply cannot be used, in words the repair request can send back; None when it can."""
    given = [_names(c) for c in reply.criteria]
    unknown = sorted({f"{r}.{c}" for r, c in given} - {f"{r}.{c}" for r, c in expected})
    missing = [f"{r}.{c}" for r, c in expected if (r, c) not in set(given)]
    problems = []
    if missing:
        problems.append("missing criteria: " + ", ".join(missing))
    if unknown:
        problems.append("unknown criteria: " + ", ".join(unknown))
    if problems:
        listing = ", ".join(f"{r}.{c}" for r, c in expected)
        return "; ".join(problems) + f". Give exactly one entry under scores for each of: {listing}"
    if not reply.interviewer_says.strip():
        return "interviewer_says is empty: write what the interviewer says next"
    return None


@dataclass
class Judgement:
    scorecard: Scorecard
    reply: TurnReply
    prompt_tokens: int
    completion_tokens: int
    requests: int
    repaired: bool
    mode: str


def rubric_text(rubrics: dict[str, Rubric], ids: list[str]) -> str:
    out = []
    for rid in ids:
        r = rubrics[rid]
        out.append(f"[{rid}] {r.name}")
        for c in r.criteria:
            out.append(f"  - {rid}.{c.id} ({c.name}): {c.description.strip()} Level 5: {c.levels[5]}")
    return "\n".join(out)


def judge_turn(
    caller: StructuredCaller,
    prompt: Prompt,
    rubrics: dict[str, Rubric],
    question: Question | None,
    question_text: str,
    answer: str,
    offline: Scorecard,
    history: str,
    follow_ups_left: int,
    asked_probes: list[str],
    on_text: OnText | None = None,
    backend: str | None = None,
) -> Judgement:
    """`backend`: the registered provider's name, recorded on the card (default: the model's provider)."""
    ids = list(offline.rubrics)
    expected = expected_criteria(rubrics, ids)
    delimiter = new_delimiter()
    key_points = "\n".join(f"{i}. {p}" for i, p in enumerate(question.key_points)) if question else "(none given)"
    system, user = prompt.render(
        round=offline.round,
        question=question_text,
        key_points=key_points,
        rubrics=rubric_text(rubrics, ids),
        history=history or "(this is the first answer)",
        answer=neutralise(answer, delimiter),
        delimiter=delimiter,
        follow_ups_left=follow_ups_left,
        asked_probes="; ".join(asked_probes) or "none yet",
    )
    result = caller.call(
        [("system", system), ("user", user)],
        TurnReply,
        on_text,
        max_tokens=reply_tokens(len(expected)),
        check=lambda r: check_reply(r, expected),
        wire=wire_schema(expected),
    )
    reply = result.value
    card = build_scorecard(reply, rubrics, ids, answer, offline, caller.model.model, backend or caller.model.provider)
    usage_in = sum(r.prompt_tokens or 0 for r in result.replies)
    usage_out = sum(r.completion_tokens or 0 for r in result.replies)
    return Judgement(card, reply, usage_in, usage_out, result.requests, result.repaired, result.mode)


def build_scorecard(
    reply: TurnReply,
    rubrics: dict[str, Rubric],
    ids: list[str],
    answer: str,
    offline: Scorecard,
    model: str,
    backend: str,
) -> Scorecard:
    judged = {_names(c): c for c in reply.criteria}
    flags = list(offline.flags)
    injected = "prompt_injection" in flags
    out: dict[str, RubricScore] = {}
    for rid in ids:
        rubric = rubrics[rid]
        crits: dict[str, CriterionScore] = {}
        for c in rubric.criteria:
            j = judged.get((rid, c.id))
            off = offline.rubrics[rid].criteria[c.id]
            if j is None:
                crits[c.id] = off
                if "judge_incomplete" not in flags:
                    flags.append("judge_incomplete")
                continue
            quotes = [q for q in (verify_quote(e, answer) for e in j.evidence[:3]) if q]
            level = j.level if quotes or j.level <= EVIDENCE_CAP else EVIDENCE_CAP
            if j.evidence and not quotes and "unverified_evidence" not in flags:
                flags.append("unverified_evidence")
            crits[c.id] = CriterionScore(
                level=level,
                evidence=quotes,
                feedback=(j.feedback or off.feedback)[:400],
                probe=off.probe if level <= 3 else None,
            )
        score = rubric_score(rubric, crits)
        off_score = offline.rubrics[rid].score
        if abs(score - off_score) > DISAGREEMENT:
            if "judge_disagreement" not in flags:
                flags.append("judge_disagreement")
            if injected:
                out[rid] = offline.rubrics[rid]
                continue
            if score > off_score:
                # the gaming direction: no criterion rises more than one level above the offline reading
                base = offline.rubrics[rid].criteria
                crits = {k: v.model_copy(update={"level": min(v.level, base[k].level + 1)}) for k, v in crits.items()}
                score = rubric_score(rubric, crits)
        out[rid] = RubricScore(score=round(score, 3), criteria=crits)
    return offline.model_copy(
        update={
            "rubrics": out,
            "overall": 0 if "empty_answer" in flags else overall_from(out),
            "flags": flags,
            "backend": backend,
            "model": model,
        }
    )
