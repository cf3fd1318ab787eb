"""`mocksim practice`: a live round in the terminal, or scripted from an answers file (events as JSONL)."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from typing import Any, assert_never

import typer

from simulator.cli.common import TextOrJsonl, backend_option, backend_streams, check_backend
from simulator.errors import InputError
from simulator.interviewer import events as ev
from simulator.interviewer.backends import Backend, LLMBackend, OfflineBackend, get_backend
from simulator.interviewer.budget import describe_usage
from simulator.interviewer.engine import Event, Interviewer, Plan, SimulatedClock, WallClock
from simulator.planning import infer_seniority, parse_rounds
from simulator.runtime import get_runtime
from simulator.textio import read_text_file

SEPARATOR = re.compile(r"^---\s*$", re.M)


def split_answers(text: str) -> list[str]:
    """Candidate turns from an answers file: blocks separated by a line `---`."""
    return [b.strip() for b in SEPARATOR.split(text) if b.strip()]


def render_event(e: Event) -> str:
    match e:
        case ev.SessionStarted():
            verb, how = ("Resumed" if e.resumed else "Started"), e.backend
            if e.structured_output:
                how += f": {e.model}, {e.structured_output}"
            return f"{verb} session {e.id} ({how}, {', '.join(e.rounds)}, {e.minutes} min)"
        case ev.QuestionAsked():
            return f"\nQuestion {e.index + 1}/{e.of} [{e.round}]\n" + textwrap.fill(e.text, 100)
        case ev.ActionEvent():
            return f"\n({e.text})"
        case ev.InterviewerEvent():
            return f"\nInterviewer: {e.text}"
        case ev.PhaseEvent():
            return f"\n[{e.name}: phase {e.index + 1} of {e.of}]"
        case ev.FollowUp() | ev.Clarified() | ev.HintGiven() | ev.Notice():
            return f"\n{LABELS[e.type]}: {e.text}"
        case ev.Scored():
            return _render_card(e)
        case ev.WrapUp():
            return _render_wrap_up(e)
    assert_never(e)


LABELS = {"follow_up": "Follow-up", "clarification": "Interviewer", "hint": "Hint", "notice": "Note"}


def _render_card(e: ev.Scored) -> str:
    cov = "" if e.coverage is None else f", coverage {e.coverage:.0%}"
    weak = sorted((c.level, f"{r}.{k}", c.feedback) for r, rs in e.rubrics.items() for k, c in rs.criteria.items())[:2]
    lines = [f"\n  Score {e.overall}/100{cov}" + (f"  flags: {', '.join(e.flags)}" if e.flags else "")]
    lines += [f"  - {k} {lvl}/5: {fb}" for lvl, k, fb in weak]
    if e.fallback_notice:
        lines.append("  Note: " + textwrap.fill(e.fallback_notice, 96, subsequent_indent="        "))
    if e.phases_reached is not None:
        lines.append(f"  phases reached: {', '.join(e.phases_reached) or 'none yet'}")
    return "\n".join(lines)


def _render_wrap_up(e: ev.WrapUp) -> str:
    if not e.answered or e.strongest is None or e.weakest is None:
        return "\nSession over: no answers were scored."
    out = [f"\nSession {e.session_id} complete: {e.answered} questions, mean {e.overall_mean}/100"]
    out += [f"  {k}: {v:.1f}/5" for k, v in e.rubric_averages.items()]
    out.append(f"  strongest: {e.strongest.name} ({e.strongest.mean_level}/5)")
    out.append(f"  weakest: {e.weakest.name} ({e.weakest.mean_level}/5)")
    out += ["  drills:"] + [f"   {i + 1}. {d}" for i, d in enumerate(e.drills)]
    out.append(f"  next time, focus on: {e.next_focus}")
    scored = e.scored_by or {}
    if set(scored) - {"offline"}:
        out.append("  scored by: " + ", ".join(f"{k} {v}" for k, v in sorted(scored.items())))
    for qid, ph in (e.phases or {}).items():
        out.append(f"  phases of {qid}: reached {', '.join(ph.reached) or 'none'} of {len(ph.of)}")
    used = describe_usage(e.usage)
    return "\n".join([*out, f"  {used}"] if used else out)


def _emit(events: list[Event], fmt: TextOrJsonl) -> None:
    for e in events:
        typer.echo(json.dumps(ev.wire(e), ensure_ascii=False) if fmt is TextOrJsonl.jsonl else render_event(e))


def _read_turn() -> str | None:
    """One candidate turn from the terminal: lines until an empty line. None at end of input."""
    lines: list[str] = []
    while True:
        try:
            line = input("> " if not lines else "  ")
        except EOFError:
            return "\n".join(lines) if lines else None
        if not line.strip() and lines:
            return "\n".join(lines)
        if line.strip():
            lines.append(line)
            if line.strip().startswith("/") and len(lines) == 1:
                return line


class _StreamPrinter:
    """Shows the interviewer's words as the model streams them."""

    def __init__(self) -> None:
        self.started = False

    def __call__(self, delta: str) -> None:
        if not self.started:
            sys.stdout.write("\nInterviewer: ")
            self.started = True
        sys.stdout.write(delta)
        sys.stdout.flush()


def startup_check(backend: Backend, interactive: bool) -> tuple[Backend, ev.StartupCheck | None]:
    """Before the first question: find the model's mode. When the endpoint fails, say why and offer to
    continue offline (asked in a terminal; scripted runs continue offline and say so on stderr)."""
    if not isinstance(backend, LLMBackend):
        return backend, None
    result = backend.prepare()
    check = ev.StartupCheck.model_validate({"ok": result.mode is not None, **result.public()})
    if result.mode is not None:
        return backend, check
    kind, detail = backend.disabled or ("unsupported", "")
    words = backend.explain(kind, detail, session_wide=True).replace(
        "this session is scored offline from here on.", "mocksim cannot use it."
    )
    check.message = words
    typer.echo(f"Start-up check: {words}", err=True)
    if interactive:
        answer = typer.prompt("Continue this session offline? [Y/n]", default="y", show_default=False, err=True)
        if answer.strip().lower() not in ("y", "yes", ""):
            typer.echo("Nothing was started. Fix the endpoint (mocksim config shows it) and try again.", err=True)
            raise typer.Exit(1)
    else:
        typer.echo("Continuing offline: every answer in this session is scored by the offline engine.", err=True)
    return OfflineBackend(backend.rt), check


def practice(
    round: str | None = typer.Option(None, "--round", help="one round or a comma list (default: all four)"),
    questions: int = typer.Option(4, "--questions", help="how many main questions"),
    minutes: int = typer.Option(45, "--minutes"),
    backend: str = backend_option(),
    jd_file: str | None = typer.Option(None, "--jd-file", help="a job description to tailor questions to"),
    resume: str | None = typer.Option(None, "--resume", help="continue an unfinished session by id"),
    answers_file: str | None = typer.Option(None, "--answers-file", help="scripted turns separated by '---' lines"),
    fmt: TextOrJsonl = typer.Option(TextOrJsonl.text, "--format"),
    seniority: str | None = typer.Option(None, "--seniority", help="junior | mid | senior | staff"),
    focus: str | None = typer.Option(None, "--focus", help="a rubric or rubric.criterion to work on"),
    question_id: list[str] | None = typer.Option(None, "--question-id", help="practise these questions (repeatable)"),
) -> int:
    """Practise a mock interview: answers are saved the moment you send them."""
    rt = get_runtime()
    if seniority is not None and seniority not in ("junior", "mid", "senior", "staff"):
        raise InputError(f"unknown seniority '{seniority}'", "use junior, mid, senior or staff")
    if not 5 <= minutes <= 240:
        raise InputError(f"--minutes {minutes} is out of range", "choose between 5 and 240")
    check_backend(backend)
    turns = split_answers(read_text_file(answers_file, "answers")) if answers_file else None
    clock: Any = SimulatedClock() if turns is not None else WallClock()
    engine_backend, check = startup_check(get_backend(backend, rt), interactive=turns is None and sys.stdin.isatty())
    if resume:
        iv, events = Interviewer.resume(rt, engine_backend, rt.store, rt.settings.profile, resume, clock=clock)
    else:
        jd = read_text_file(jd_file, "job description") if jd_file else None
        plan = Plan(
            rounds=list[str](parse_rounds(round)),
            questions=questions,
            minutes=minutes,
            seniority=seniority or (infer_seniority(jd) if jd else "mid"),
            job_description=jd,
            focus=focus,
            question_ids=list(question_id or []),
        )
        iv = Interviewer(rt, engine_backend, rt.store, rt.settings.profile, clock=clock)
        events = iv.start(plan)
    if check is not None:
        events[0] = events[0].model_copy(update={"requested_backend": backend, "startup_check": check})
    _emit(events, fmt)
    if turns is not None:
        for t in turns:
            if iv.finished:
                break
            _emit(iv.respond(t), fmt)
        if not iv.finished:
            _emit(iv.wrap_up(), fmt)
        return 0
    if fmt is TextOrJsonl.text:
        typer.echo("\n(answer, then an empty line to send; /hint /skip /repeat /end)")
    try:
        while not iv.finished:
            text = _read_turn()
            if text is None:
                break
            printer = _StreamPrinter()
            live = printer if backend_streams(iv.backend.name) and fmt is TextOrJsonl.text else None
            _emit(iv.respond(text, live), fmt)
    except KeyboardInterrupt:
        pass
    if not iv.finished and iv.session is not None:
        typer.echo(f"\nSession {iv.session.id} saved. Resume with: mocksim practice --resume {iv.session.id}", err=True)
    return 0
