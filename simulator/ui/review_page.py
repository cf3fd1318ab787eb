"""Review: every saved session, its wrap-up, its transcript with scorecards (follow-ups labelled), downloads,
delete, continue an unfinished one, and rewrite any answer."""

from __future__ import annotations

import streamlit as st

from simulator.errors import MocksimError
from simulator.interviewer.events import CandidateSaid, WrapUp
from simulator.store import export as exporters
from simulator.store.figures import figures, plural
from simulator.ui.components import show_error
from simulator.ui.practice_page import _render_event as render_event
from simulator.ui.resources import runtime, store
from simulator.ui.resume import PARAM
from simulator.ui.state import state
from simulator.ui.transcript import session_events


def render() -> None:
    st.title("Review")
    s = state()
    try:
        summaries = store().list_sessions(s.profile)
    except MocksimError as err:
        show_error(err)
        return
    if not summaries:
        st.info("No sessions yet. Start one on the Practice page; every answer is saved as you send it.")
        return
    empty = [x for x in summaries if not x.answers]
    show_empty = bool(empty) and st.toggle(
        f"Show empty sessions ({len(empty)})", key="review_show_empty", help="sessions ended before any answer"
    )
    listed = [x for x in summaries if x.answers or show_empty]
    if not listed:
        st.info(f"Only empty sessions so far ({plural(len(empty), 'session')} ended before any answer).")
        return
    rt = runtime()
    labels = {}
    for x in listed:
        f = figures(store().get(s.profile, x.id))
        rounds = ", ".join(r.replace("_", " ") for r in x.rounds)
        status = "finished" if x.status == "finished" else "unfinished"
        labels[x.id] = f"{x.created_at:%Y-%m-%d %H:%M} · {rounds} · {status} · {f.label()}"
    sid = st.selectbox("Session", list(labels), format_func=lambda i: labels[i], key="review_sid")
    try:
        session = store().get(s.profile, str(sid))
    except MocksimError as err:
        show_error(err)
        return
    c = st.columns(5)
    md = exporters.to_markdown(session, rt.rubrics, rt.question_map)
    c[0].download_button("Markdown", md, f"mocksim-{sid}.md", "text/markdown")
    c[1].download_button("JSON", exporters.to_json(session), f"mocksim-{sid}.json", "application/json")
    page = exporters.to_html(session, rt.rubrics, rt.question_map)
    c[2].download_button("HTML", page, f"mocksim-{sid}.html", "text/html")
    with c[3].popover("Delete"):
        st.write("This removes the session and all its answers.")
        if st.button("Delete for good", key="review_delete"):
            store().delete(s.profile, str(sid))
            st.success(f"Deleted the session of {session.created_at:%Y-%m-%d %H:%M}.")
            st.rerun()
    if session.status == "active" and c[4].button("Continue it", key="review_continue", type="primary"):
        s.interviewer = None
        st.switch_page("simulator/ui/pages/practice.py", query_params={PARAM: session.id})
    st.caption(
        f"{session.backend} interviewer · {session.minutes} min · {session.seniority} · {figures(session).label()}"
    )
    events = session_events(session)
    summary = next((e for e in events if isinstance(e, WrapUp)), None)
    if summary is not None:
        with st.container(border=True):
            st.subheader("Wrap-up")
            render_event(summary, None, -1)
    st.subheader("Transcript")
    last_answer = None
    for i, e in enumerate(x for x in events if not isinstance(x, WrapUp)):
        if isinstance(e, CandidateSaid):
            last_answer = e.text
        render_event(e, last_answer, i)
        answer = isinstance(e, CandidateSaid) and e.kind != "clarification" and e.turn_id is not None
        if answer and isinstance(e, CandidateSaid) and st.button("Rewrite this answer", key=f"rw_{e.turn_id}"):
            s.rewrite_prefill = {"question_id": e.question_id, "answer": e.text, "question_text": e.asked}
            st.switch_page("simulator/ui/pages/rewrite.py")
