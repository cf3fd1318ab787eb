"""Progress: per-dimension trends, the latest session as a radar, topic coverage, and the weakest dimension."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import streamlit as st

from simulator.store.progress import compute
from simulator.ui.resources import runtime, store
from simulator.ui.state import state


def _radar(levels: dict[str, float]) -> alt.Chart:
    names = list(levels)
    n = len(names)
    pts = []
    for i, name in enumerate([*names, names[0]]):
        angle = 2 * math.pi * (i % n) / n
        v = levels[name]
        pts.append({"x": v * math.sin(angle), "y": v * math.cos(angle), "order": i, "dimension": name, "level": v})
    df = pd.DataFrame(pts)
    scale = alt.Scale(domain=[-5.5, 5.5])
    shape = (
        alt.Chart(df)
        .mark_line(point=True, filled=True)
        .encode(
            x=alt.X("x", scale=scale, axis=None),
            y=alt.Y("y", scale=scale, axis=None),
            order="order",
            tooltip=["dimension", "level"],
        )
    )
    labels = alt.Chart(df[df.order < n]).mark_text(dy=-8).encode(x="x", y="y", text="dimension")
    return (shape + labels).properties(width=380, height=380)


def render() -> None:
    st.title("Progress")
    s = state()
    rt = runtime()
    prog = compute(store(), s.profile, rt.questions)
    if not prog.answers_scored:
        st.info("Nothing to show yet: scored answers from your sessions appear here.")
        return
    st.caption(f"{prog.sessions} sessions · {prog.answers_scored} answers scored")
    rows = [
        {"session": i + 1, "rubric": rid, "mean level": p.mean_level}
        for rid, pts in prog.rubrics.items()
        for i, p in enumerate(pts)
    ]
    st.subheader("Trends by rubric")
    st.line_chart(pd.DataFrame(rows), x="session", y="mean level", color="rubric")
    latest = {rid: pts[-1].mean_level for rid, pts in prog.rubrics.items() if pts}
    if len(latest) >= 3:
        st.subheader("Latest session")
        st.altair_chart(_radar(latest))
    if prog.weakest:
        st.subheader("Weakest dimension")
        st.markdown(f"**{prog.weakest}** · mean {prog.weakest_mean:.1f}/5 over recent sessions · {prog.trend_word}")
        if st.button("Practise this", key="practise_weakest"):
            s.focus = prog.weakest
            st.switch_page("simulator/ui/pages/practice.py")
    st.subheader("Topics")
    if prog.topics_practised:
        st.bar_chart(
            pd.DataFrame({"topic": list(prog.topics_practised), "questions": list(prog.topics_practised.values())}),
            x="topic",
            y="questions",
        )
    st.caption("Not practised yet: " + ", ".join(prog.topics_untouched[:40]))
