"""Progress, readable in five seconds: a trend per rubric (a point per session, levels 1–5), the latest
session's profile, topic coverage per round, and the weakest dimension with "Practise this"."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from simulator.store.figures import figures, plural
from simulator.store.progress import compute
from simulator.ui.names import criterion_name, rubric_name
from simulator.ui.practise import practise
from simulator.ui.resources import runtime, store
from simulator.ui.state import state

LEVEL_AXIS = alt.Axis(
    values=[1, 2, 3, 4, 5],
    labelExpr="{1: '1 · missing', 2: '2 · weak', 3: '3 · adequate', 4: '4 · strong', 5: '5 · excellent'}[datum.value]",
)


def _trends(rows: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(rows)
        .mark_line(point=alt.OverlayMarkDef(size=80, filled=True))
        .encode(
            x=alt.X("session:O", title="session (oldest first)"),
            y=alt.Y("level:Q", scale=alt.Scale(domain=[1, 5]), axis=LEVEL_AXIS, title="mean level"),
            color=alt.Color("dimension:N", title="rubric"),
            tooltip=["dimension", "session", alt.Tooltip("level:Q", format=".1f"), "date"],
        )
        .properties(height=320)
    )


def _profile(latest: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(latest)
        .mark_bar(color="#4c78a8")
        .encode(
            y=alt.Y(
                "dimension:N",
                sort=alt.EncodingSortField(field="level", order="descending"),
                title=None,
                axis=alt.Axis(labelLimit=240),
            ),
            x=alt.X("level:Q", scale=alt.Scale(domain=[1, 5], zero=False), axis=LEVEL_AXIS, title="mean level (1–5)"),
            x2=alt.datum(1),  # bars start at level 1, the bottom of the scale
            tooltip=["dimension", alt.Tooltip("level:Q", format=".1f")],
        )
        .properties(height=40 * len(latest) + 40)
    )


def render() -> None:
    st.title("Progress")
    s = state()
    rt = runtime()
    prog = compute(store(), s.profile, rt.questions)
    if not prog.rubrics:
        st.info("Nothing to show yet: scored answers from your sessions appear here.")
        return
    sessions = [store().get(s.profile, x.id) for x in store().list_sessions(s.profile) if x.answers]
    figs = [figures(x) for x in sessions]
    st.caption(
        f"{plural(len(sessions), 'session')} with answers · "
        f"{plural(sum(f.main_questions for f in figs), 'main question')} · "
        f"{plural(sum(f.answers for f in figs), 'answer')} scored"
    )
    order = sorted({p.session_id: p.when for pts in prog.rubrics.values() for p in pts}.items(), key=lambda kv: kv[1])
    number = {sid: i + 1 for i, (sid, _) in enumerate(order)}
    rows = pd.DataFrame(
        [
            {
                "session": number[p.session_id],
                "dimension": rubric_name(rid),
                "level": round(p.mean_level, 2),
                "date": f"{p.when:%Y-%m-%d %H:%M}",
            }
            for rid, pts in prog.rubrics.items()
            for p in pts
        ]
    )
    st.subheader("Trends by rubric")
    if len(order) == 1:
        st.info("One session so far: each rubric is a single point. Lines appear after your next session.")
    st.altair_chart(_trends(rows), width="stretch")
    latest_sid, latest_when = order[-1]
    latest = rows[rows.session == number[latest_sid]][["dimension", "level"]]
    st.subheader("Latest session")
    st.caption(f"{latest_when:%Y-%m-%d %H:%M} · each rubric's mean level in that session only")
    st.altair_chart(_profile(latest), width="stretch")
    if prog.weakest:
        st.subheader("Weakest dimension")
        st.markdown(
            f"**{criterion_name(prog.weakest)}** ({rubric_name(prog.weakest.split('.')[0])}) · "
            f"mean {prog.weakest_mean:.1f}/5 over your last sessions · {prog.trend_word}"
        )
        if st.button("Practise this", key="practise_weakest", type="primary"):
            practise(s, prog.weakest)
    _topics(set(prog.topics_practised))


def _topics(practised: set[str]) -> None:
    st.subheader("Topics by round")
    by_round: dict[str, set[str]] = {}
    for q in runtime().questions:
        by_round.setdefault(q.round, set()).update(q.topics)
    rows = []
    for rnd, topics in sorted(by_round.items()):
        done = topics & practised
        rows += [
            {"round": rnd.replace("_", " "), "topics": n, "status": word}
            for word, n in (("practised", len(done)), ("not practised yet", len(topics - done)))
        ]
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            y=alt.Y("round:N", title=None),
            x=alt.X("topics:Q", stack="zero", title="topics in the bank"),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=["practised", "not practised yet"], range=["#2e9e5b", "#d9d9d9"]),
                title=None,
            ),
            tooltip=["round", "status", "topics"],
        )
        .properties(height=180)
    )
    st.altair_chart(chart, width="stretch")
    for rnd, topics in sorted(by_round.items()):
        todo = sorted(topics - practised)
        with st.expander(f"{rnd.replace('_', ' ')}: {len(topics) - len(todo)} of {len(topics)} topics practised"):
            st.markdown("**Practised:** " + (", ".join(sorted(topics & practised)) or "none yet"))
            st.markdown("**Not practised yet:** " + (", ".join(todo) or "none — every topic touched"))
