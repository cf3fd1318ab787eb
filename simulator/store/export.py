"""Session exports: Markdown (readable), JSON (complete, re-importable), HTML (standalone, escaped)."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from simulator.contracts import Question, Rubric, Scorecard, Session, Turn
from simulator.errors import InputError
from simulator.interviewer.intents import classify
from simulator.store.answer_html import answer_html
from simulator.store.figures import figures, is_follow_up, wrap_up
from simulator.store.marks import evidence_block

FORMAT_TAG = "mocksim-session"
VERSION = 1


def to_json(session: Session) -> str:
    return json.dumps(
        {"format": FORMAT_TAG, "version": VERSION, "session": session.model_dump(mode="json")},
        ensure_ascii=False,
        indent=2,
    )


def from_json(text: str) -> Session:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not a JSON file ({exc.msg}, line {exc.lineno})",
            "import a file made by `mocksim sessions export ID --format json`",
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT_TAG:
        raise InputError(
            "this JSON is not a mocksim session export",
            "import a file made by `mocksim sessions export ID --format json`",
        )
    if data.get("version") != VERSION:
        raise InputError(f"unsupported export version {data.get('version')!r}", f"this mocksim reads version {VERSION}")
    try:
        return Session.model_validate(data.get("session"))
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise InputError(f"the session in this file is invalid: {loc}: {first['msg']}") from err


Names = Mapping[str, Rubric]


def _crit_name(rubrics: Names | None, rid: str, cid: str) -> str:
    r = (rubrics or {}).get(rid)
    try:
        return r.criterion(cid).name if r else cid
    except KeyError:
        return cid


def _rubric_name(rubrics: Names | None, rid: str) -> str:
    r = (rubrics or {}).get(rid)
    return r.name if r else rid


def _card_md(card: Scorecard, rubrics: Names | None) -> list[str]:
    cov = "" if card.coverage is None else f" · key points covered {card.coverage:.0%}"
    out = [f"**Score {card.overall}/100**{cov}" + (f" · flags: {', '.join(card.flags)}" if card.flags else ""), ""]
    for rid, r in card.rubrics.items():
        out.append(f"- **{_rubric_name(rubrics, rid)}** {r.score:.1f}/5")
        for cid, c in r.criteria.items():
            out.append(f"  - {_crit_name(rubrics, rid, cid)}: {c.level}/5 — {c.feedback}")
            out += [f"    > {q}" for q in c.evidence[:2]]
    return out


ACTION_TEXT = {
    "hint": "asked for a hint",
    "skip": "skipped the question",
    "repeat": "asked to hear the question again",
    "end": "ended the session",
}


def action_of(t: Turn) -> str | None:
    """A command turn (/hint, /skip, /end …) is an action, not the candidate's words: how to show it."""
    if t.kind not in ("hint", "skip", "command"):
        return None
    word = t.answer.strip().lstrip("/").lower()
    name = classify(t.answer).command or {"hint": "hint", "skip": "skip"}.get(t.kind) or word
    return ACTION_TEXT.get(name, f"used the command {word}")


def _label(t: Turn) -> str:
    if t.kind == "answer" and is_follow_up(t):
        return "Answer to the follow-up"
    return {
        "answer": "Answer",
        "clarification": "Clarifying question",
        "hint": "Hint",
        "skip": "Skipped",
        "command": "Command",
    }.get(t.kind, t.kind)


def _heading(t: Turn, session: Session) -> str:
    q_pos = t.meta.get("q_pos")
    n = len(session.question_ids)
    where = f"Question {q_pos + 1} of {n}" if isinstance(q_pos, int) and n else "Question"
    return f"{where} · follow-up" if is_follow_up(t) else where


def _wrap_up_md(session: Session, rubrics: Names | None, questions: Mapping[str, Question] | None) -> list[str]:
    if rubrics is None:
        return []
    w = wrap_up(session, dict(questions or {}), dict(rubrics))
    if not w.answered:
        return ["## Wrap-up", "", "No answers were scored.", ""]
    out = ["## Wrap-up", "", w.label or "", ""]
    out += [f"- {_rubric_name(rubrics, k)}: {v:.1f}/5" for k, v in w.rubric_averages.items()]
    for word, d in (("strongest", w.strongest), ("weakest", w.weakest)):
        if d is not None:
            out += ["", f"**{word.title()}:** {d.name} ({d.mean_level}/5)"] + [f"> {q}" for q in d.quotes]
    out += ["", "**Three drills**", ""] + [f"{n + 1}. {d}" for n, d in enumerate(w.drills_in_words or [])]
    return [*out, ""]


def to_markdown(session: Session, rubrics: Names | None = None, questions: Mapping[str, Question] | None = None) -> str:
    """Readable Markdown; with `rubrics` (and `questions`) criteria are named and the wrap-up is included."""
    out = [
        f"# mocksim session {session.id}",
        "",
        f"- started: {session.created_at:%Y-%m-%d %H:%M} UTC · status: {session.status}",
        f"- rounds: {', '.join(session.rounds)} · {session.minutes} min · {session.seniority}"
        f" · backend: {session.backend}",
        f"- {figures(session).label()}",
        "",
    ]
    shown = None
    for t in session.turns:
        if t.asked != shown:
            out += [f"## {_heading(t, session)}", "", t.asked, ""]
            shown = t.asked
        action = action_of(t)
        if action:
            out += [f"*Action: the candidate {action}.*", ""]
        else:
            out += [f"**{_label(t)}:**", "", t.answer or "*(empty)*", ""]
        if t.reply:
            out += [f"**Interviewer:** {t.reply}", ""]
        if t.scorecard:
            out += [*_card_md(t.scorecard, rubrics), ""]
        if t.usage and t.usage.prompt_tokens:
            out += [
                f"*model: {t.usage.prompt_tokens:,} prompt + {t.usage.completion_tokens or 0:,} completion tokens*",
                "",
            ]
    out += _wrap_up_md(session, rubrics, questions)
    return "\n".join(out)


STYLE = (
    "<style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2rem auto;line-height:1.5}"
    "blockquote{border-left:3px solid #8a8;margin:.3rem 0;padding-left:.6rem;color:#333}"
    ".card{background:#f6f7f9;padding:.6rem 1rem;border-radius:6px;margin:.6rem 0}"
    ".answer{border-left:3px solid #ccd;padding-left:.8rem}.tag{color:#666;font-size:.9rem}</style>"
)


def _card_html(t: Turn, rubrics: Names | None) -> list[str]:
    e = html.escape
    c = t.scorecard
    assert c is not None
    parts = [f"<div class='card'><p><strong>Score {c.overall}/100</strong></p><ul>"]
    for rid, r in c.rubrics.items():
        parts.append(f"<li><strong>{e(_rubric_name(rubrics, rid))}</strong> {r.score:.1f}/5<ul>")
        for cid, cs in r.criteria.items():
            parts.append(f"<li>{e(_crit_name(rubrics, rid, cid))}: {cs.level}/5 — {e(cs.feedback)}</li>")
        parts.append("</ul></li>")
    parts.append("</ul>")
    if any(cs.evidence for r in c.rubrics.values() for cs in r.criteria.values()):
        pub = c.public()["rubrics"]
        assert isinstance(pub, dict)
        tip = "<span class='tag'>(hover a criterion to see only its quotes)</span>"
        parts.append(f"<p><strong>Evidence</strong> {tip}</p>")
        parts.append(evidence_block(f"ev{t.index}", t.answer, pub, rubrics or {}))
    parts.append("</div>")
    return parts


def to_html(session: Session, rubrics: Names | None = None, questions: Mapping[str, Question] | None = None) -> str:
    """A standalone page: answers as Markdown with highlighted code, evidence marked per criterion, the wrap-up."""
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>mocksim session {e(session.id)}</title>",
        STYLE,
        "</head><body>",
        f"<h1>mocksim session {e(session.id)}</h1>",
        f"<p>{e(session.created_at.strftime('%Y-%m-%d %H:%M'))} UTC · {e(', '.join(session.rounds))} · "
        f"{session.minutes} min · {e(session.seniority)} · {e(session.status)} · {e(figures(session).label())}</p>",
    ]
    shown = None
    for t in session.turns:
        if t.asked != shown:
            parts.append(f"<h2>{e(_heading(t, session))}</h2><p>{e(t.asked)}</p>")
            shown = t.asked
        action = action_of(t)
        if action:
            parts.append(f"<p class='action'><em>Action: the candidate {e(action)}.</em></p>")
        else:
            parts.append(f"<p><strong>{e(_label(t))}:</strong></p><div class='answer'>{answer_html(t.answer)}</div>")
        if t.reply:
            parts.append(f"<p><strong>Interviewer:</strong> {e(t.reply)}</p>")
        if t.scorecard:
            parts += _card_html(t, rubrics)
    wrap = _wrap_up_md(session, rubrics, questions)
    if wrap:
        parts.append("<h2>Wrap-up</h2>" + answer_html("\n".join(wrap[2:])))
    parts.append("</body></html>")
    return "\n".join(parts)


EXPORTERS = {"md": to_markdown, "json": to_json, "html": to_html}
