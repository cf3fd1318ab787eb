"""Session exports: Markdown (readable), JSON (complete, re-importable), HTML (standalone, escaped)."""

from __future__ import annotations

import html
import json
from typing import Any

from pydantic import ValidationError

from simulator.contracts import Scorecard, Session, Turn
from simulator.errors import InputError
from simulator.interviewer.intents import classify

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


def _card_md(card: Scorecard) -> list[str]:
    cov = "" if card.coverage is None else f" · coverage {card.coverage:.0%}"
    out = [f"**Score {card.overall}/100**{cov}" + (f" · flags: {', '.join(card.flags)}" if card.flags else ""), ""]
    for rid, r in card.rubrics.items():
        out.append(f"- **{rid}** {r.score:.1f}/5")
        for cid, c in r.criteria.items():
            out.append(f"  - {cid}: {c.level}/5 — {c.feedback}")
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
    return {
        "answer": "Answer",
        "clarification": "Clarifying question",
        "hint": "Hint",
        "skip": "Skipped",
        "command": "Command",
    }.get(t.kind, t.kind)


def to_markdown(session: Session) -> str:
    out = [
        f"# mocksim session {session.id}",
        "",
        f"- started: {session.created_at:%Y-%m-%d %H:%M} UTC · status: {session.status}",
        f"- rounds: {', '.join(session.rounds)} · {session.minutes} min · {session.seniority}"
        f" · backend: {session.backend}",
        "",
    ]
    for t in session.turns:
        out += [f"## {t.index + 1}. {t.asked}", ""]
        if t.question_id:
            out += [f"*question {t.question_id}*", ""]
        action = action_of(t)
        if action:
            out += [f"*Action: the candidate {action}.*", ""]
        else:
            out += [f"**{_label(t)}:**", "", t.answer or "*(empty)*", ""]
        if t.reply:
            out += [f"**Interviewer:** {t.reply}", ""]
        if t.scorecard:
            out += [*_card_md(t.scorecard), ""]
        if t.usage and t.usage.prompt_tokens:
            out += [
                f"*model: {t.usage.prompt_tokens:,} prompt + {t.usage.completion_tokens or 0:,} completion tokens*",
                "",
            ]
    return "\n".join(out)


def to_html(session: Session) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>mocksim session {e(session.id)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2rem auto;line-height:1.5}"
        "blockquote{border-left:3px solid #8a8;margin:.3rem 0;padding-left:.6rem;color:#333}"
        ".card{background:#f6f7f9;padding:.6rem 1rem;border-radius:6px}.answer{white-space:pre-wrap}</style>",
        "</head><body>",
        f"<h1>mocksim session {e(session.id)}</h1>",
        f"<p>{e(session.created_at.strftime('%Y-%m-%d %H:%M'))} UTC · {e(', '.join(session.rounds))} · "
        f"{session.minutes} min · {e(session.seniority)} · {e(session.status)}</p>",
    ]
    for t in session.turns:
        parts.append(f"<h2>{t.index + 1}. {e(t.asked)}</h2>")
        action = action_of(t)
        if action:
            parts.append(f"<p class='action'><em>Action: the candidate {e(action)}.</em></p>")
        else:
            parts.append(f"<p><strong>{e(_label(t))}:</strong></p><div class='answer'>{e(t.answer)}</div>")
        if t.reply:
            parts.append(f"<p><strong>Interviewer:</strong> {e(t.reply)}</p>")
        if t.scorecard:
            c = t.scorecard
            parts.append(f"<div class='card'><p><strong>Score {c.overall}/100</strong></p><ul>")
            for rid, r in c.rubrics.items():
                parts.append(f"<li><strong>{e(rid)}</strong> {r.score:.1f}/5<ul>")
                for cid, cs in r.criteria.items():
                    quotes = "".join(f"<blockquote>{e(q)}</blockquote>" for q in cs.evidence[:2])
                    parts.append(f"<li>{e(cid)}: {cs.level}/5 — {e(cs.feedback)}{quotes}</li>")
                parts.append("</ul></li>")
            parts.append("</ul></div>")
    parts.append("</body></html>")
    return "\n".join(parts)


EXPORTERS = {"md": to_markdown, "json": to_json, "html": to_html}
