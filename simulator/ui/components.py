"""Shared widgets: the scorecard (rubric bars, evidence marked per criterion, feedback), answers as Markdown with
code, the wrap-up, and errors."""

from __future__ import annotations

import re

import streamlit as st

from simulator.errors import MocksimError
from simulator.interviewer.events import CardView, Scored, WrapUp
from simulator.store.marks import css_id, evidence_block
from simulator.ui.names import criterion_name, question_title, rubric_name

MD_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~$])")
FENCE = re.compile(r"(^```[^\n]*\n.*?^```[ \t]*$)", re.MULTILINE | re.DOTALL)
ALL = "__all__"


def md_escape(text: str) -> str:
    """Candidate text shown as plain text, never as markup."""
    return MD_SPECIALS.sub(r"\\\1", text)


def answer_source(text: str) -> str:
    """An answer as Markdown: the candidate's own Markdown and fenced code are kept; outside code, `$` and `:`
    directives are neutralised so a price is not read as maths and text cannot colour itself."""
    out = []
    for part in FENCE.split(text):
        if part.startswith("```"):
            out.append(part)
        else:
            out.append(part.replace("$", r"\$").replace(":", "&#58;").replace("<", "&lt;"))
    return "".join(out)


def answer_markdown(text: str) -> None:
    st.markdown(answer_source(text) if text.strip() else "*(empty)*")


def show_error(err: MocksimError, saved: str | None = None) -> None:
    msg = err.message + (f"\n\n**What to do:** {err.hint}" if err.hint else "")
    if saved:
        msg += f"\n\nYour text is safe: {saved}"
    st.error(msg)


def evidence(card: Scored | CardView, answer: str, key: str) -> None:
    """The answer with each criterion's quotes in its rubric's colour; pick (or hover) a criterion to see only its."""
    from simulator.ui.resources import runtime

    keys = [f"{rid}.{cid}" for rid, r in card.rubrics.items() for cid in r.criteria]
    st.markdown("**Your answer, with the quoted evidence marked**")
    choice = st.radio(
        "Show the evidence for",
        [ALL, *keys],
        format_func=lambda k: "every criterion" if k == ALL else criterion_name(k),
        horizontal=True,
        key=f"ev_{key}",
        help="Hovering a criterion in the list below marks only its quotes too",
    )
    only = None if choice == ALL else str(choice)
    scope = "mocksim-ev-" + css_id(key or "card")
    public = {rid: r.model_dump() for rid, r in card.rubrics.items()}  # the public scorecard's rubrics
    st.markdown(evidence_block(scope, answer, public, runtime().rubrics, only), unsafe_allow_html=True)


def scorecard(card: Scored | CardView, answer: str | None = None, key: str = "") -> None:
    """A scorecard (an answer's scorecard event, or a public scorecard) as bars, quotes and one fix per criterion."""
    cols = st.columns(3)
    cols[0].metric("Overall", f"{card.overall}/100")
    cols[1].metric("Key points covered", "–" if card.coverage is None else f"{card.coverage:.0%}")
    cols[2].metric("Flags", ", ".join(f.replace("_", " ") for f in card.flags) or "none")
    for note in card.notices:
        st.caption(note)
    for rid, r in card.rubrics.items():
        st.markdown(f"**{rubric_name(rid)}** · {r.score:.1f}/5")
        st.progress(min(1.0, max(0.0, (r.score - 1) / 4)))
        for cid, c in r.criteria.items():
            st.markdown(f"- {criterion_name(f'{rid}.{cid}')} **{c.level}/5** — {md_escape(c.feedback)}")
    if answer and any(c.evidence for r in card.rubrics.values() for c in r.criteria.values()):
        evidence(card, answer, key)
    if card.missing_points:
        st.markdown("**Not covered yet:**\n" + "\n".join(f"- {md_escape(p)}" for p in card.missing_points))


def summary_view(e: WrapUp) -> None:
    """The wrap-up, computed from the stored turns (simulator.store.figures)."""
    if not e.answered or e.strongest is None or e.weakest is None:
        st.markdown("**Session over.** No answers were scored.")
        return
    st.markdown(f"**Session complete** · {e.label or e.answered}")
    st.table(
        {
            "rubric": [rubric_name(r) for r in e.rubric_averages],
            "average level (1–5)": [f"{v:.1f}" for v in e.rubric_averages.values()],
        }
    )
    for word, d in (("Strongest", e.strongest), ("Weakest", e.weakest)):
        st.markdown(
            f"**{word}:** {d.name} ({d.mean_level}/5) · in “{md_escape(question_title(d.question_id))}”"
            + (f" — {md_escape(d.feedback)}" if word == "Weakest" else "")
        )
        for q in d.quotes:
            st.markdown(f"> {md_escape(q)}")
    drills = e.drills_in_words or e.drills
    st.markdown("**Three drills**\n" + "\n".join(f"{n + 1}. {md_escape(d)}" for n, d in enumerate(drills)))
    if e.next_focus:
        st.markdown(f"**Next time, focus on:** {criterion_name(e.next_focus)}")
