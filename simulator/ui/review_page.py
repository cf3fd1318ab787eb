"""Review: every saved session, its transcript with scorecards, downloads, delete, and rewrite any answer."""

from __future__ import annotations

import streamlit as st

from simulator.errors import MocksimError
from simulator.store import export as exporters
from simulator.ui.components import md_escape, scorecard, show_error
from simulator.ui.resources import store
from simulator.ui.state import state


def render() -> None:
    st.title("Review")
    s = state()
    try:
        sessions = store().list_sessions(s.profile)
    except MocksimError as err:
        show_error(err)
        return
    if not sessions:
        st.info("No sessions yet. Start one on the Practice page; every answer is saved as you send it.")
        return
    labels = {
        x.id: f"{x.created_at:%Y-%m-%d %H:%M} · {x.status} · {x.answers} answers · "
        f"mean {'–' if x.mean_overall is None else round(x.mean_overall)} · {', '.join(x.rounds)}"
        for x in sessions
    }
    sid = st.selectbox("Session", list(labels), format_func=lambda i: labels[i], key="review_sid")
    try:
        session = store().get(s.profile, str(sid))
    except MocksimError as err:
        show_error(err)
        return
    c = st.columns(4)
    c[0].download_button("Markdown", exporters.to_markdown(session), f"mocksim-{sid}.md", "text/markdown")
    c[1].download_button("JSON", exporters.to_json(session), f"mocksim-{sid}.json", "application/json")
    c[2].download_button("HTML", exporters.to_html(session), f"mocksim-{sid}.html", "text/html")
    with c[3].popover("Delete"):
        st.write("This removes the session and all its answers.")
        if st.button("Delete for good", key="review_delete"):
            store().delete(s.profile, str(sid))
            st.success(f"Deleted session {sid}.")
            st.rerun()
    st.caption(f"Session {session.id} · {session.backend} · {session.minutes} min · {session.seniority}")
    for t in session.turns:
        with st.chat_message("assistant", avatar=":material/record_voice_over:"):
            st.markdown(md_escape(t.asked))
        action = exporters.action_of(t)
        with st.chat_message("user", avatar=":material/touch_app:" if action else None):
            if action:
                st.caption(f"Action: you {action}")
            else:
                st.markdown(md_escape(t.answer) if t.answer else "*(empty)*")
            if t.reply:
                st.caption(f"Interviewer: {t.reply}")
        if t.scorecard is not None:
            with st.expander(f"Scorecard · {t.scorecard.overall}/100"):
                scorecard(
                    {
                        **t.scorecard.public(),
                        "missing_points": t.scorecard.missing_points,
                        "notices": t.scorecard.notices,
                    },
                    t.answer,
                )
        if t.kind == "answer" and st.button("Rewrite this answer", key=f"rw_{t.id}"):
            s.rewrite_prefill = {"question_id": t.question_id, "answer": t.answer, "question_text": t.asked}
            st.switch_page("simulator/ui/pages/rewrite.py")
