"""Rewrite: paste a question and answer (and notes), get the story you could say, see why it scores higher and
what to fill in next; answer the bracketed questions in the notes box and press "Rewrite again"."""

from __future__ import annotations

import re

import streamlit as st

from simulator.errors import MocksimError
from simulator.interviewer.events import CardView
from simulator.rewriting import Rewrite, Rewriter
from simulator.rewriting.explain import criterion_gains
from simulator.rewriting.plan import LABELS, ORDER
from simulator.ui.backend_choice import uses_model
from simulator.ui.components import md_escape, scorecard, show_error
from simulator.ui.resources import chat_model, runtime
from simulator.ui.state import state

MAX_CHARS = 30_000
FREE = "(type your own question)"
HOW = (
    "The rewrite retells your answer as one story you could say in about two minutes: the setting, what was "
    "yours to do, your steps, the result and the lesson. Every fact comes from your answer or your notes; "
    "where something is missing you get a question in [brackets]. Answer those in the notes box and press "
    "**Rewrite again**."
)
KIND = {"replaced": "Replaced", "moved": "Moved", "added": "Added from notes", "merged": "Merged", "voice": "Voice"}


def _marked(text: str) -> str:
    """Placeholders highlighted, the rest escaped."""
    parts = re.split(r"(\[[^\[\]]*\])", text)
    return "".join(f":orange-background[{md_escape(p)}]" if p.startswith("[") else md_escape(p) for p in parts)


def _story(result: Rewrite) -> None:
    """The prose, with the part of the story named in the margin beside each stretch of it."""
    for role in ORDER:
        part = [s.text for s in result.segments if s.role == role]
        if not part:
            continue
        margin, body = st.columns([1, 5])
        margin.caption(LABELS[role])
        body.markdown(_marked(" ".join(part)))


def _changes(result: Rewrite) -> None:
    shown = [c for c in result.changes if c.kind in KIND]
    if not shown:
        st.caption("Nothing was replaced, moved or added: the story is told as you wrote it.")
        return
    lines = []
    for c in shown:
        part = LABELS.get(c.role, c.role).lower()
        if c.kind == "replaced":
            lines.append(f"- **Replaced** ~~{md_escape(c.was)}~~ → {md_escape(c.text)} *({part})*")
        elif c.kind == "voice":
            lines.append(f"- **We → I** (your notes say it was yours): {md_escape(c.text)}")
        elif c.kind == "moved":
            lines.append(f"- **Moved** to the {part}: {md_escape(c.text)}")
        else:
            lines.append(f"- **{KIND[c.kind]}** *({part})*: {md_escape(c.text)}")
    dropped = [c for c in result.changes if c.kind == "dropped"]
    if dropped:
        lines.append(f"- **Left out** {len(dropped)} sentence(s) that repeated another or carried no fact")
    st.markdown("\n".join(lines))


def _gains(result: Rewrite) -> None:
    rows = ["| criterion | before | after | gain |", "|---|---|---|---|"]
    for key, g in criterion_gains(result.before, result.after).items():
        rows.append(f"| {key} | {g['before']} | {g['after']} | {g['gain']:+d} |")
    st.markdown("\n".join(rows))


def _show(result: Rewrite, answer: str) -> None:
    st.subheader("Your STAR rewrite")
    _story(result)
    st.caption(
        f"{result.words} words, about {result.spoken_seconds} s spoken. "
        "The part names in the margin are not said aloud."
    )
    for n in result.notices:
        st.info(n)
    if result.unsupported_facts:
        st.warning(
            "Removed facts that were not in your answer or notes: "
            + ", ".join(f.text for f in result.unsupported_facts)
        )
    st.metric("Overall", f"{result.after.overall}/100", delta=result.after.overall - result.before.overall)
    if result.next_steps:
        st.markdown(
            "**To fill in next** (answer in the notes box, biggest gain first):\n"
            + "\n".join(
                f"{i}. {md_escape(n.question)} — about +{n.gain} points" for i, n in enumerate(result.next_steps, 1)
            )
        )
    elif result.placeholders:
        st.markdown("**To fill in:**\n" + "\n".join(f"- {md_escape(p)}" for p in result.placeholders))
    else:
        st.success("Nothing left to fill in: every part of the story has its facts.")
    st.markdown("**What changed**")
    _changes(result)
    with st.expander("Per-criterion gains"):
        _gains(result)
    with st.expander("Before and after, side by side"):
        left, right = st.columns(2)
        left.markdown("**Your answer**\n\n" + md_escape(answer))
        right.markdown("**The rewrite**\n\n" + _marked(result.text))
    st.download_button("Download as Markdown", result.markdown(), file_name="rewrite.md", key="rw_md")
    left, right = st.columns(2)
    with left:
        st.markdown("**Before**")
        scorecard(CardView.model_validate(result.before.public()), answer, key="rw_before")
    with right:
        st.markdown("**After** (placeholders count as missing)")
        scorecard(CardView.model_validate(result.after.public()), key="rw_after")
    if result.reference:
        with st.expander("A strong reference answer from the bank"):
            st.write(result.reference)


def render() -> None:
    st.title("Rewrite")
    st.caption(HOW)
    s = state()
    rt = runtime()
    stories = [q for q in rt.questions if q.round == "behavioral"]
    pre = s.rewrite_prefill
    ids = [FREE] + [q.id for q in stories]
    default = ids.index(pre["question_id"]) if pre.get("question_id") in ids else 0
    qid = st.selectbox(
        "Question from the bank",
        ids,
        index=default,
        key="rw_qid",
        format_func=lambda i: i if i == FREE else rt.question_map[i].prompt[:100],
    )
    qtext = ""
    if qid == FREE:
        qtext = st.text_input("Question", key="rw_qtext", value=pre.get("question_text", ""))
    else:
        st.caption(rt.question_map[qid].prompt)
    answer = st.text_area("Your answer", key="rw_answer", height=200, value=pre.get("answer", ""))
    notes = st.text_area(
        "Notes: facts to add (numbers, what was yours, the outcome), or your answers to the [bracketed] questions",
        key="rw_notes",
        height=120,
    )
    use_model = uses_model(s.backend) and st.toggle("Use the model for a fluent rewrite", key="rw_llm")
    previous: Rewrite | None = st.session_state.get("rw_result")
    label = "Rewrite again" if previous is not None else "Rewrite"
    if not st.button(label, key="rw_go", type="primary"):
        if previous is not None:
            _show(previous, st.session_state.get("rw_result_answer", answer))
        return
    if not answer.strip():
        st.error("The answer is empty. Paste the answer you gave (or would give), then press Rewrite.")
        return
    if qid == FREE and not qtext.strip():
        st.error("Type the question, or pick one from the bank.")
        return
    if len(answer) > MAX_CHARS or len(notes) > MAX_CHARS:
        st.warning(f"Only the first {MAX_CHARS:,} characters of the answer and of the notes are rewritten.")
        answer, notes = answer[:MAX_CHARS], notes[:MAX_CHARS]
    try:
        with st.spinner("Scoring and rewriting…"):
            model = chat_model(s.backend, s.llm_base_url, s.llm_model, s.llm_api_key) if use_model else None
            question = rt.question_map.get(qid) if qid != FREE else None
            result = Rewriter(rt, model).rewrite(
                answer, question=question, question_text=qtext or None, notes=notes or None
            )
    except MocksimError as err:
        show_error(err, saved="your answer and notes are still in the boxes above.")
        return
    st.session_state["rw_result"] = result
    st.session_state["rw_result_answer"] = answer
    st.rerun()  # redraw with the result kept and the button saying "Rewrite again"
