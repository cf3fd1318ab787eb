"""`mocksim score`: one answer, or a JSONL batch, scored offline."""

from __future__ import annotations

import json
import sys
import textwrap
from typing import Any

import typer

from simulator.cli.common import TextOrJson, emit_json
from simulator.contracts import Scorecard
from simulator.errors import InputError
from simulator.runtime import Runtime, get_runtime
from simulator.scoring import Item
from simulator.textio import clean_text, read_text_file

MAX_BATCH_LINE = 2_000_000


def render_scorecard(card: Scorecard, title: str | None = None) -> str:
    out = []
    if title:
        out += [title, ""]
    cov = "" if card.coverage is None else f"   coverage {card.coverage:.0%}"
    out.append(f"Overall {card.overall}/100{cov}")
    if card.flags:
        out.append("Flags: " + ", ".join(card.flags))
    for note in card.notices:
        out.append(f"Note: {note}")
    for rid, r in card.rubrics.items():
        out += ["", f"{rid}  {r.score:.1f}/5"]
        for cid, c in r.criteria.items():
            out.append(f"  {cid:<16} {'●' * c.level}{'○' * (5 - c.level)}  {c.feedback}")
            for quote in c.evidence[:2]:
                out.append(textwrap.indent(textwrap.fill(f"“{quote}”", 96), " " * 21))
    if card.missing_points:
        out += ["", "Not covered:"] + [f"  - {p}" for p in card.missing_points]
    return "\n".join(out)


BATCH_FIELDS = frozenset({"id", "question", "answer", "round", "reference"})


def _batch_item(rt: Runtime, raw: Any, lineno: int, extra: set[str]) -> tuple[str, Item]:
    if not isinstance(raw, dict):
        raise InputError(f"line {lineno}: expected a JSON object")
    extra.update(set(raw) - BATCH_FIELDS)  # labels and metadata ride along; they are ignored
    ident = str(raw.get("id", lineno))
    question, answer = raw.get("question"), raw.get("answer")
    if not isinstance(question, str) or not question.strip():
        raise InputError(f"line {lineno} (id {ident}): 'question' must be a corpus id or the question text")
    if not isinstance(answer, str):
        raise InputError(f"line {lineno} (id {ident}): 'answer' must be a string")
    round_ = raw.get("round")
    reference = raw.get("reference")
    if round_ is not None and round_ not in ("behavioral", "coding", "system_design", "technical"):
        raise InputError(f"line {lineno} (id {ident}): unknown round '{round_}'")
    if reference is not None and not isinstance(reference, str):
        raise InputError(f"line {lineno} (id {ident}): 'reference' must be a string")
    bank_q = rt.question_map.get(question.strip())
    if bank_q is not None:
        return ident, Item(clean_text(answer), question=bank_q, reference=reference)
    return ident, Item(clean_text(answer), question_text=clean_text(question), round=round_, reference=reference)


def run_batch(rt: Runtime, path: str) -> int:
    text = read_text_file(path, "batch", allow_empty=True) if path != "-" else sys.stdin.read()
    parsed: list[tuple[str, Item | str]] = []
    extra: set[str] = set()
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            if len(line) > MAX_BATCH_LINE:
                raise InputError(f"line {n}: longer than {MAX_BATCH_LINE:,} characters")
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"line {n}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
            parsed.append(_batch_item(rt, raw, n, extra))
        except InputError as err:
            ident = str(n)
            parsed.append((ident, err.message))
    if extra:
        shown = ", ".join(sorted(extra)[:8]) + (", …" if len(extra) > 8 else "")
        typer.echo(f"note: ignoring field(s) the scorer does not read: {shown}", err=True)
    items = [it for _, it in parsed if isinstance(it, Item)]
    cards = iter(rt.scorer.score_many(items) if items else [])
    failures = 0
    for ident, it in parsed:
        if isinstance(it, str):
            failures += 1
            emit_json({"id": ident, "error": it})
            typer.echo(f"error: {it}", err=True)
        else:
            emit_json({"id": ident, **next(cards).public()})
    if failures:
        typer.echo(f"{failures} line(s) could not be scored; fix them and run again", err=True)
    return 2 if failures else 0


def score(
    question_id: str | None = typer.Option(None, "--question-id", help="a question id from the bank"),
    question_text: str | None = typer.Option(None, "--question-text", help="the question, as free text"),
    answer_file: str | None = typer.Option(None, "--answer-file", help="the answer as a text file ('-' = stdin)"),
    reference_file: str | None = typer.Option(None, "--reference-file", help="a reference answer (free-text mode)"),
    round: str | None = typer.Option(None, "--round", help="behavioral | coding | system_design | technical"),
    batch: str | None = typer.Option(None, "--batch", help="JSONL of {id, question, answer, round?, reference?}"),
    fmt: TextOrJson = typer.Option(TextOrJson.text, "--format"),
) -> int:
    """Score an answer against the rubrics, offline. Each criterion gets quoted evidence and one fix."""
    rt = get_runtime()
    if batch is not None:
        if question_id or question_text or answer_file:
            raise InputError("--batch takes its questions and answers from the file", "drop the other options")
        return run_batch(rt, batch)
    if bool(question_id) == bool(question_text):
        raise InputError("give exactly one of --question-id or --question-text")
    if not answer_file:
        raise InputError("--answer-file is required", "write the answer into a text file and pass its path")
    if round is not None and round not in ("behavioral", "coding", "system_design", "technical"):
        raise InputError(f"unknown round '{round}'", "use behavioral, coding, system_design or technical")
    answer = read_text_file(answer_file, "answer")
    reference = read_text_file(reference_file, "reference") if reference_file else None
    if question_id:
        q = rt.question_map.get(question_id) or rt.bank().get(question_id)
        card = rt.scorer.score(answer, question=q, reference=reference)
        title = f"{q.id}: {q.prompt}"
    else:
        qt = clean_text(question_text or "").strip()
        if not qt:
            raise InputError("--question-text is empty", "pass the question you were asked")
        card = rt.scorer.score(answer, question_text=qt, round=round, reference=reference)
        title = qt
    if fmt is TextOrJson.json:
        emit_json(
            {
                "question_id": card.question_id,
                "round": card.round,
                "intent": card.intent,
                **card.public(),
                "missing_points": card.missing_points,
                "notices": card.notices,
            }
        )
    else:
        typer.echo(render_scorecard(card, title))
    return 0
