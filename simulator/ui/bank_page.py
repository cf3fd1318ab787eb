"""Question bank: search, filter by round/topic/difficulty, read a question in full."""

from __future__ import annotations

import streamlit as st

from simulator.contracts import Question
from simulator.contracts.question import ROUNDS
from simulator.errors import MocksimError
from simulator.store.figures import plural
from simulator.ui.bank_search import rank
from simulator.ui.components import show_error
from simulator.ui.resources import bank

ANY = "any"
MAX_QUERY = 500


def _detail(q: Question) -> None:
    st.markdown(f"**{q.prompt}**")
    st.caption(f"{q.round} · {q.difficulty} · {q.seniority} · topics: {', '.join(q.topics)}")
    st.markdown("**Key points a strong answer covers**\n" + "\n".join(f"- {p}" for p in q.key_points))
    st.markdown("**Follow-ups you may get**\n" + "\n".join(f"- {f.text}" for f in q.follow_ups))
    st.markdown("**Pitfalls**\n" + "\n".join(f"- {p}" for p in q.pitfalls))
    if q.clarifications:
        st.markdown("**If you ask…**\n" + "\n".join(f"- *{k}*: {v}" for k, v in q.clarifications.items()))
    if q.coding:
        c = q.coding
        st.markdown(
            f"**Approach**\n- brute force: {c.brute_force}\n- optimal: {c.optimal}\n"
            f"- complexity: {c.complexity}\n- edge cases: {'; '.join(c.edge_cases)}\n"
            f"- tests: {'; '.join(c.test_cases)}"
        )
    if q.design:
        d = q.design
        st.markdown(
            "\n".join(
                f"- **{label}**: {'; '.join(items)}"
                for label, items in [
                    ("Requirements", d.functional_requirements),
                    ("Entities / APIs", d.entities_apis),
                    ("Components", d.components),
                    ("Deep dives", d.deep_dives),
                    ("Failure modes", d.failure_modes),
                    ("Monitoring", d.monitoring),
                ]
            )
        )
    with st.expander("Reference answer"):
        st.write(q.reference_answer)
    if st.button("Practise this question", key=f"practise_{q.id}"):
        from simulator.ui.state import state

        state().practise_question = q.id
        st.switch_page("simulator/ui/pages/practice.py")


def render() -> None:
    st.title("Question bank")
    try:
        qb = bank()
    except MocksimError as err:
        show_error(err)
        return
    cols = st.columns([3, 1, 1, 1])
    text = cols[0].text_input("Search", key="bank_query", placeholder="e.g. idempotent payment retries")
    rnd = cols[1].selectbox("Round", [ANY, *ROUNDS], key="bank_round")
    diff = cols[2].selectbox("Difficulty", [ANY, "easy", "medium", "hard"], key="bank_difficulty")
    topic = cols[3].selectbox("Topic", [ANY, *qb.topics()], key="bank_topic")
    round_ = None if rnd == ANY else rnd
    if len(text) > MAX_QUERY:
        st.warning(f"Your search is {len(text):,} characters; only the first {MAX_QUERY} are used.")
        text = text[:MAX_QUERY]

    def keep(q: Question) -> bool:
        return (diff == ANY or q.difficulty == diff) and (topic == ANY or topic in q.topics)

    pool = [q for q in qb.filter(round=round_) if keep(q)]
    if not text.strip():
        st.caption(f"{plural(len(pool), 'question')}")
        _listing(pool)
        return
    try:
        hits = [(q, s) for q, s in qb.search(text, round=round_, limit=len(qb.questions)) if keep(q)]
    except MocksimError as err:
        show_error(err)
        return
    shown, more = rank(text, hits, pool)
    exact = sum(1 for r in shown if r.why != "meaning")
    st.caption(
        f"{plural(len(shown), 'close match', 'close matches')}, best first"
        + (f" ({exact} by id or topic)" if exact else "")
        + (f" · {len(more)} weaker not shown" if more else "")
    )
    if not shown:
        st.info("No close match. Try other words, clear a filter, or show the weaker matches.")
    if more and st.toggle(f"Show {plural(len(more), 'weaker match', 'weaker matches')}", key="bank_more"):
        shown = shown + more
    _listing([r.question for r in shown])


def _listing(found: list[Question]) -> None:
    if not found:
        st.info("No question matches. Clear a filter or try other words.")
        return
    for q in found[:100]:
        with st.expander(
            f"{q.prompt[:100]}{'…' if len(q.prompt) > 100 else ''} · {q.round.replace('_', ' ')} · {q.difficulty}"
        ):
            st.caption(f"id: {q.id}")
            _detail(q)
