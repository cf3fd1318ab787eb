"""`mocksim questions list|search|show|plan`."""

from __future__ import annotations

import textwrap

import typer

from simulator.cli.common import TextOrJson, TextOrJsonl, emit_json, positive
from simulator.contracts import Question
from simulator.contracts.question import ROUNDS
from simulator.errors import InputError
from simulator.planning import parse_rounds, plan_loop
from simulator.runtime import get_runtime
from simulator.textio import read_text_file

app = typer.Typer(help="Browse, search and plan from the question bank.", no_args_is_help=True)


def _check_round(r: str | None) -> str | None:
    if r is not None and r not in ROUNDS:
        raise InputError(f"unknown round '{r}'", f"use one of: {', '.join(ROUNDS)}")
    return r


def _line(q: Question) -> str:
    return f"{q.id:<42} {q.round:<13} {q.difficulty:<6} {q.seniority:<6} {', '.join(q.topics[:4])}"


@app.command("list")
def list_(
    round: str | None = typer.Option(None, "--round", help="behavioral | coding | system_design | technical"),
    topic: str | None = typer.Option(None, "--topic"),
    fmt: TextOrJsonl = typer.Option(TextOrJsonl.text, "--format"),
) -> None:
    """Every question (jsonl: full fields, one a line)."""
    rt = get_runtime()
    qs = [q for q in rt.questions if (round is None or q.round == _check_round(round))]
    qs = [q for q in qs if topic is None or topic in q.topics]
    for q in qs:
        if fmt is TextOrJsonl.jsonl:
            emit_json(q.model_dump(mode="json"))
        else:
            typer.echo(_line(q))
    if fmt is TextOrJsonl.text:
        typer.echo(f"{len(qs)} questions")


@app.command()
def search(
    text: str = typer.Argument(..., help="what to look for"),
    round: str | None = typer.Option(None, "--round"),
    limit: int = typer.Option(10, "--limit"),
    fmt: TextOrJsonl = typer.Option(TextOrJsonl.text, "--format"),
) -> None:
    """Semantic search over the bank."""
    positive(limit, "--limit")
    bank = get_runtime().bank()
    for q, sim in bank.search(text, round=_check_round(round), limit=limit):
        if fmt is TextOrJsonl.jsonl:
            emit_json({"similarity": round_(sim), **q.model_dump(mode="json")})
        else:
            typer.echo(f"{sim:5.2f}  {_line(q)}")
            typer.echo("       " + textwrap.shorten(q.prompt, 100))


def round_(x: float) -> float:
    return float(f"{x:.4f}")


def render_question(q: Question) -> str:
    out = [f"{q.id}  [{q.round}, {q.difficulty}, {q.seniority}]  topics: {', '.join(q.topics)}", "", q.prompt, ""]
    out.append("Key points a strong answer covers:")
    out += [f"  - {p}" for p in q.key_points]
    out.append("Follow-ups:")
    out += [f"  - {f.text}" for f in q.follow_ups]
    out.append("Pitfalls:")
    out += [f"  - {p}" for p in q.pitfalls]
    if q.clarifications:
        out.append("Clarifications (asked → answered):")
        out += [f"  - {k}: {v}" for k, v in q.clarifications.items()]
    if q.coding:
        c = q.coding
        out += [
            "Approach:",
            f"  brute force: {c.brute_force}",
            f"  optimal: {c.optimal}",
            f"  complexity: {c.complexity}",
            "  edge cases: " + "; ".join(c.edge_cases),
            "  tests: " + "; ".join(c.test_cases),
        ]
    if q.design:
        d = q.design
        for label, items in [
            ("Requirements", d.functional_requirements),
            ("Entities / APIs", d.entities_apis),
            ("Components", d.components),
            ("Deep dives", d.deep_dives),
            ("Failure modes", d.failure_modes),
            ("Monitoring", d.monitoring),
        ]:
            out.append(f"{label}: " + "; ".join(items))
    out += ["", "Reference answer:", textwrap.fill(q.reference_answer, 100), f"Rubrics: {', '.join(q.rubrics)}"]
    return "\n".join(out)


@app.command()
def show(
    question_id: str = typer.Argument(..., metavar="ID"),
    fmt: TextOrJson = typer.Option(TextOrJson.text, "--format"),
) -> None:
    """One question with everything the interviewer knows about it."""
    rt = get_runtime()
    q = {x.id: x for x in rt.questions}.get(question_id)
    if q is None:
        q = rt.bank().get(question_id)  # raises NotFoundError with suggestions
    if fmt is TextOrJson.json:
        emit_json(q.model_dump(mode="json"))
    else:
        typer.echo(render_question(q))


@app.command()
def plan(
    jd_file: str = typer.Option(..., "--jd-file", help="a text file with the job description"),
    rounds: str | None = typer.Option(None, "--rounds", help="comma list, e.g. behavioral,system_design"),
    minutes: int = typer.Option(60, "--minutes"),
    seniority: str | None = typer.Option(None, "--seniority", help="junior | mid | senior | staff"),
    fmt: TextOrJson = typer.Option(TextOrJson.text, "--format"),
) -> None:
    """The loop mocksim would run for a job description, and why each question was chosen."""
    jd = read_text_file(jd_file, "job description")
    if seniority is not None and seniority not in ("junior", "mid", "senior", "staff"):
        raise InputError(f"unknown seniority '{seniority}'", "use junior, mid, senior or staff")
    positive(minutes, "--minutes", 600)
    bank = get_runtime().bank()
    planned = plan_loop(bank, jd, parse_rounds(rounds), minutes=minutes, seniority=seniority)
    if fmt is TextOrJson.json:
        emit_json(
            {
                "minutes": minutes,
                "rounds": [
                    {
                        "round": p.round,
                        "minutes": p.minutes,
                        "questions": [
                            {
                                "id": k.question.id,
                                "prompt": k.question.prompt,
                                "why": k.reasons,
                                "score": round_(k.score),
                            }
                            for k in p.picks
                        ],
                    }
                    for p in planned
                ],
            }
        )
        return
    for p in planned:
        typer.echo(f"== {p.round} (~{p.minutes} min)")
        for k in p.picks:
            typer.echo(f"  {k.question.id}: {textwrap.shorten(k.question.prompt, 90)}")
            typer.echo(f"      why: {'; '.join(k.reasons) or 'a good general question for this round'}")
