"""Shared widgets: the scorecard (rubric bars, evidence highlighted in the answer, feedback) and errors."""

from __future__ import annotations

import html
import re
from typing import Any

import streamlit as st

from simulator.errors import MocksimError

MD_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~$])")


def md_escape(text: str) -> str:
    """Candidate text is shown as text, never as markup."""
    return MD_SPECIALS.sub(r"\\\1", text)


def show_error(err: MocksimError, saved: str | None = None) -> None:
    msg = err.message + (f"\n\n**What to do:** {err.hint}" if err.hint else "")
    if saved:
        msg += f"\n\nYour text is safe: {saved}"
    st.error(msg)


def highlight(answer: str, quotes: list[str]) -> str:
    """HTML of the answer with each evidence quote marked."""
    out = html.escape(answer)
    for q in sorted({q for q in quotes if q}, key=len, reverse=True):
        eq = html.escape(q)
        out = out.replace(eq, f"<mark>{eq}</mark>")
    return out.replace("\n", "<br>")


def scorecard(card: dict[str, Any], answer: str | None = None, key: str = "") -> None:
    """A scorecard event (the public scorecard shape) as bars, quotes and one fix per criterion."""
    cov = card.get("coverage")
    cols = st.columns(3)
    cols[0].metric("Overall", f"{card['overall']}/100")
    cols[1].metric("Coverage", "–" if cov is None else f"{cov:.0%}")
    cols[2].metric("Flags", ", ".join(card.get("flags") or []) or "none")
    for note in card.get("notices") or []:
        st.caption(note)
    quotes: list[str] = []
    for rid, r in card["rubrics"].items():
        st.markdown(f"**{rid}** · {r['score']:.1f}/5")
        st.progress(min(1.0, max(0.0, (r["score"] - 1) / 4)))
        for cid, c in r["criteria"].items():
            st.markdown(f"- `{cid}` **{c['level']}/5** — {md_escape(c['feedback'])}")
            quotes += c.get("evidence") or []
    if answer and quotes:
        st.markdown("**Your answer, with the quoted evidence marked**")
        st.markdown(f"<div class='mocksim-answer'>{highlight(answer, quotes)}</div>", unsafe_allow_html=True)
    missing = card.get("missing_points") or []
    if missing:
        st.markdown("**Not covered yet:**\n" + "\n".join(f"- {md_escape(p)}" for p in missing))
