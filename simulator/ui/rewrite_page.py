"""Rewrite: paste a question and answer, see the scorecard, the STAR rewrite and the before/after scores."""

from __future__ import annotations

import re

import streamlit as st

from simulator.errors import MocksimError
from simulator.rewrite import Rewriter
from simulator.ui.components import md_escape, scorecard, show_error
from simulator.ui.resources import chat_model, runtime
from simulator.ui.state import state

MAX_CHARS = 30_000
FREE = "(type your own question)"


def _marked(text: str) -> str:
    """Placeholders highlighted, the rest escaped."""
    parts = re.split(r"(\[[^\[\]]*\])", text)
    return "".join(f":orange-background[{md_escape(p)}]" if p.startswith("[") else md_escape(p) for p in parts)


def render() -> None:
    st.title("Rewrite")
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
    notes = st.text_area("Notes (optional): results, numbers, who did what", key="rw_notes", height=100)
    use_model = s.backend == "openai" and st.toggle("Use the model for a fluent rewrite", key="rw_llm")
    if not st.button("Rewrite", key="rw_go"):
        return
    if not answer.strip():
        st.error("The answer is empty. Paste the answer you gave (or would give), then press Rewrite.")
        return
    if qid == FREE and not qtext.strip():
        st.error("Type the question, or pick one from the bank.")
        return
    if len(answer) > MAX_CHARS:
        st.warning(f"Your answer is {len(answer):,} characters; the first {MAX_CHARS:,} are rewritten.")
        answer = answer[:MAX_CHARS]
    try:
        with st.spinner("Scoring and rewriting…"):
            model = chat_model(s.llm_base_url, s.llm_model, s.llm_api_key) if use_model else None
            question = rt.question_map.get(qid) if qid != FREE else None
            result = Rewriter(rt, model).rewrite(
                answer, question=question, question_text=qtext or None, notes=notes or None
            )
    except MocksimError as err:
        show_error(err, saved="your answer and notes are still in the boxes above.")
        return
    st.subheader("Your STAR rewrite")
    for line in result.text.splitlines():
        st.markdown(_marked(line))
    if result.placeholders:
        st.markdown("**To fill in:**\n" + "\n".join(f"- {md_escape(p)}" for p in result.placeholders))
    if result.unsupported_facts:
        st.warning(
            "Removed facts that were not in your answer or notes: "
            + ", ".join(f.text for f in result.unsupported_facts)
        )
    for n in result.notices:
        st.caption(n)
    st.metric("Overall", f"{result.after.overall}/100", delta=result.after.overall - result.before.overall)
    left, right = st.columns(2)
    with left:
        st.markdown("**Before**")
        scorecard(result.before.public(), answer)
    with right:
        st.markdown("**After** (placeholders count as missing)")
        scorecard(result.after.public())
    if result.reference:
        with st.expander("A strong reference answer from the bank"):
            st.write(result.reference)
