"""`mocksim sessions list|show|export|import|delete` and `mocksim progress`."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from simulator.cli.common import TextOrJson, TextOrJsonl, emit_json
from simulator.cli.score import render_scorecard
from simulator.contracts import Session
from simulator.errors import InputError
from simulator.runtime import get_runtime
from simulator.store import export as exporters
from simulator.store.progress import compute
from simulator.textio import read_text_file

app = typer.Typer(help="Review, export, import and delete saved sessions.", no_args_is_help=True)


class ExportFormat(str, Enum):
    md = "md"
    json = "json"
    html = "html"


def render_transcript(s: Session) -> str:
    out = [
        f"Session {s.id}  ({s.status}, {', '.join(s.rounds)}, {s.minutes} min, {s.backend})",
        f"Started {s.created_at:%Y-%m-%d %H:%M} UTC",
        "",
    ]
    for t in s.turns:
        out.append(f"[{t.index + 1}] Interviewer: {t.asked}")
        action = exporters.action_of(t)
        out.append(f"    (you {action})" if action else f"    You ({t.kind}): {t.answer or '(empty)'}")
        if t.reply:
            out.append(f"    Interviewer: {t.reply}")
        if t.scorecard:
            out.append("    " + render_scorecard(t.scorecard).replace("\n", "\n    "))
        out.append("")
    return "\n".join(out)


@app.command("list")
def list_(fmt: TextOrJsonl = typer.Option(TextOrJsonl.text, "--format")) -> None:
    """Your sessions, newest first."""
    rt = get_runtime()
    rows = rt.store.list_sessions(rt.settings.profile)
    for r in rows:
        if fmt is TextOrJsonl.jsonl:
            emit_json(
                {
                    "id": r.id,
                    "status": r.status,
                    "rounds": r.rounds,
                    "created_at": r.created_at.isoformat(),
                    "answers": r.answers,
                    "mean_overall": r.mean_overall,
                    "backend": r.backend,
                }
            )
        else:
            mean = "-" if r.mean_overall is None else f"{r.mean_overall:.0f}"
            typer.echo(
                f"{r.id}  {r.created_at:%Y-%m-%d %H:%M}  {r.status:<9} {r.answers:>3} answers  "
                f"mean {mean:>3}  {', '.join(r.rounds)}"
            )
    if fmt is TextOrJsonl.text and not rows:
        typer.echo("no sessions yet: start one with `mocksim practice`")


@app.command()
def show(session_id: str = typer.Argument(..., metavar="ID")) -> None:
    """A readable transcript with scores and quotes."""
    rt = get_runtime()
    typer.echo(render_transcript(rt.store.get(rt.settings.profile, session_id)))


@app.command("export")
def export_(
    session_id: str = typer.Argument(..., metavar="ID"),
    fmt: ExportFormat = typer.Option(ExportFormat.md, "--format"),
    output: Path | None = typer.Option(None, "--output", "-o", help="write to this file instead of stdout"),
) -> None:
    """Export a session: md (readable), json (complete, re-importable), html."""
    rt = get_runtime()
    session = rt.store.get(rt.settings.profile, session_id)
    if fmt.value == "json":
        text = exporters.to_json(session)
    else:  # readable formats name criteria and include the wrap-up
        text = exporters.EXPORTERS[fmt.value](session, rt.rubrics, rt.question_map)  # type: ignore[call-arg]
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


@app.command("import")
def import_(file: str = typer.Argument(..., metavar="FILE")) -> None:
    """Import a session exported as JSON (it joins your profile under a new id if the old one is taken)."""
    rt = get_runtime()
    session = exporters.from_json(read_text_file(file, "session export"))
    new = rt.store.import_session(rt.settings.profile, session)
    typer.echo(f"imported session {new.id} ({len(new.turns)} turns)")


@app.command()
def delete(
    session_id: str = typer.Argument(..., metavar="ID"),
    yes: bool = typer.Option(False, "--yes", "-y", help="do not ask for confirmation"),
) -> None:
    """Delete a session and everything in it."""
    rt = get_runtime()
    rt.store.get(rt.settings.profile, session_id)  # NotFound before asking
    if not yes and not typer.confirm(f"Delete session {session_id}?", default=False):
        raise InputError("not deleted")
    rt.store.delete(rt.settings.profile, session_id)
    typer.echo(f"deleted session {session_id}")


def progress(fmt: TextOrJson = typer.Option(TextOrJson.text, "--format")) -> None:
    """Per rubric and criterion over time, topics practised and untouched, and your weakest dimension."""
    rt = get_runtime()
    prog = compute(rt.store, rt.settings.profile, rt.questions)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(prog.to_dict(), ensure_ascii=False))
        return
    if not prog.answers_scored:
        typer.echo("no scored answers yet: practise with `mocksim practice` and come back")
        return
    typer.echo(f"{prog.sessions} sessions, {prog.answers_scored} answers scored")
    typer.echo("\nRubrics (mean level per session, oldest → newest):")
    for rid, pts in prog.rubrics.items():
        typer.echo(f"  {rid:<14} " + " → ".join(f"{p.mean_level:.1f}" for p in pts[-8:]))
    if prog.weakest:
        typer.echo(f"\nWeakest dimension: {prog.weakest} (mean {prog.weakest_mean:.1f}/5, {prog.trend_word})")
    typer.echo("\nTopics practised: " + ", ".join(f"{t} ×{n}" for t, n in list(prog.topics_practised.items())[:12]))
    typer.echo(f"Topics not yet practised ({len(prog.topics_untouched)}): " + ", ".join(prog.topics_untouched[:20]))
