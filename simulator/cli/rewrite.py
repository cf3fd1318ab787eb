"""`mocksim rewrite`: a STAR rewrite in your own voice, scored before and after."""

from __future__ import annotations

import textwrap

import typer

from simulator.cli.common import TextOrJson, backend_option, check_backend, emit_json
from simulator.errors import InputError
from simulator.llm import get_chat_model, get_provider
from simulator.rewriting import Rewrite, Rewriter
from simulator.rewriting.explain import criterion_gains
from simulator.rewriting.plan import LABELS, ORDER
from simulator.runtime import get_runtime
from simulator.textio import clean_text, read_text_file


def rewrite(
    question_id: str | None = typer.Option(None, "--question-id"),
    question_text: str | None = typer.Option(None, "--question-text"),
    answer_file: str | None = typer.Option(None, "--answer-file", help="your answer as a text file ('-' = stdin)"),
    notes_file: str | None = typer.Option(
        None, "--notes-file", help="facts to weave in: results, numbers, who did what"
    ),
    backend: str = backend_option(),
    fmt: TextOrJson = typer.Option(TextOrJson.text, "--format"),
) -> int:
    """Rewrite a behavioral answer as STAR, adding no fact you did not give, and show the score gain."""
    rt = get_runtime()
    if bool(question_id) == bool(question_text):
        raise InputError("give exactly one of --question-id or --question-text")
    if not answer_file:
        raise InputError("--answer-file is required", "write your answer into a text file and pass its path")
    check_backend(backend)
    answer = read_text_file(answer_file, "answer")
    notes = read_text_file(notes_file, "notes") if notes_file else None
    question = (rt.question_map.get(question_id) or rt.bank().get(question_id)) if question_id else None
    qtext = clean_text(question_text or "").strip() if question is None else None
    if question is None and not qtext:
        raise InputError("--question-text is empty", "pass the question you were asked")
    model = get_chat_model(backend, rt.settings) if get_provider(backend).factory is not None else None
    result = Rewriter(rt, model).rewrite(answer, question=question, question_text=qtext, notes=notes)
    if fmt is TextOrJson.json:
        emit_json(result.public())
        return 0
    _print(result)
    return 0


def _print(result: Rewrite) -> None:
    typer.echo("Your story, with the part of the story in the margin ([brackets]: answer them in --notes-file):\n")
    for role in ORDER:
        part = " ".join(s.text for s in result.segments if s.role == role)
        if part:
            lines = textwrap.wrap(part, 86) or [""]
            typer.echo(f"{LABELS[role]:<11} | {lines[0]}")
            for line in lines[1:]:
                typer.echo(f"{'':<11} | {line}")
    typer.echo(f"\nAs you would say it ({result.words} words):\n" + textwrap.fill(result.text, 100))
    typer.echo(f"\nScore {result.before.overall} → {result.after.overall} (placeholders count as missing)")
    for rid, delta in result.deltas.items():
        typer.echo(
            f"  {rid:<14} {result.before.rubrics[rid].score:.1f} → {result.after.rubrics[rid].score:.1f}"
            f"  ({delta:+.1f})"
        )
    gains = [(k, g) for k, g in criterion_gains(result.before, result.after).items() if g["gain"]]
    if gains:
        typer.echo("  criteria: " + ", ".join(f"{k} {g['before']}→{g['after']}" for k, g in gains))
    shown = [c for c in result.changes if c.kind != "dropped"]
    if shown:
        typer.echo("\nWhat changed:")
        for c in shown:
            was = f" (was: {c.was})" if c.was and c.kind in ("replaced", "merged", "voice") else ""
            typer.echo(textwrap.fill(f"  - {c.kind} [{c.role}]: {c.text}{was}", 100, subsequent_indent="    "))
    if result.next_steps:
        typer.echo("\nTo fill in next (biggest gain first):")
        for i, step in enumerate(result.next_steps, 1):
            typer.echo(f"  {i}. {step.question}  (about +{step.gain})")
    elif result.placeholders:
        typer.echo("\nTo fill in:\n" + "\n".join(f"  - {p}" for p in result.placeholders))
    if result.unsupported_facts:
        typer.echo(
            "\nRemoved facts not in your answer or notes: " + ", ".join(f.text for f in result.unsupported_facts)
        )
    for n in result.notices:
        typer.echo(f"Note: {n}")
    if result.reference:
        typer.echo("\nA strong reference answer from the bank:\n" + textwrap.fill(result.reference, 100))
