"""AppTest drives Practice across a reload: the session id in the URL reopens the full transcript with its
scorecards and the clock from the stored times; the wrap-up is computed from the stored turns and matches
Review; code goes as code, once; evidence is marked per criterion; unfinished sessions are offered first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import streamlit as st
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from simulator.runtime import get_runtime
from simulator.store import schema

from .apptest_helpers import APP, button, open_page

pytestmark = pytest.mark.slow
FIRST = "I would add a composite index on (user_id, created_at) and cache hot reads in Redis for a minute."
SECOND = "Because reads dominate, I would keep PostgreSQL as the source of truth and measure p95 before caching."


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSIM_EMBEDDER", "fake")
    monkeypatch.setenv("MOCKSIM_MAX_FOLLOW_UPS", "0")


def _said(at: AppTest) -> str:
    return "\n".join(m.value for c in at.chat_message for m in c.markdown)


def _reopen(sid: str) -> AppTest:
    """A browser reload or a second tab: a new browser session that only has the URL."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["session"] = sid
    return at.run()


def _start(rounds: list[str], n: int) -> AppTest:
    at = open_page("practice")
    at.multiselect(key="setup_rounds").set_value(rounds)
    at.number_input(key="setup_questions").set_value(n)
    button(at, "Start the interview").click().run()
    assert not at.exception
    return at


def _only_session() -> str:
    (summary,) = get_runtime().store.list_sessions("local")
    return summary.id


def test_reload_reopens_transcript_scorecards_and_clock() -> None:
    at = _start(["technical"], 2)
    sid = _only_session()
    assert at.query_params.get("session") == sid, "the session id is in the URL"
    at.chat_input(key="answer_box").set_value(FIRST).run()
    assert "Question 2 of 2" in _said(at)
    store = get_runtime().store
    with store.engine.begin() as conn:  # the session began seven minutes ago
        conn.execute(
            update(schema.sessions)
            .where(schema.sessions.c.id == sid)
            .values(created_at=datetime.now(UTC) - timedelta(minutes=7))
        )
    st.cache_resource.clear()
    again = _reopen(sid)
    assert not again.exception
    said = _said(again)
    assert "Question 1 of 2" in said and "composite index" in said and "Question 2 of 2" in said
    assert any(e.label.startswith("Scorecard") for e in again.expander), "the scorecard is back"
    clock = next(p for p in again.get("progress") if "Time:" in p.proto.text)
    assert clock.proto.text.startswith("Time: 7:"), clock.proto.text
    again.chat_input(key="answer_box").set_value(SECOND).run()
    said = _said(again)
    assert "Session complete" in said and "2 main questions · 2 answers scored" in said
    review = open_page("review")
    assert any("2 main questions · 2 answers scored" in m.value for m in review.chat_message[0].markdown)
    assert "2 main questions · 2 answers scored" in review.selectbox(key="review_sid").options[0]


def test_unknown_or_foreign_session_in_the_url_says_what_to_do() -> None:
    at = _reopen("deadbeef0000")
    assert not at.exception and any("no saved session 'deadbeef0000'" in w.value for w in at.warning)
    assert any(h.value == "Set up a round" for h in at.subheader)
    at = _reopen("<script>")
    assert any("does not name a session" in w.value for w in at.warning)


def test_unfinished_sessions_are_offered_first() -> None:
    at = _start(["technical"], 2)
    at.chat_input(key="answer_box").set_value(FIRST).run()
    sid = _only_session()
    st.cache_resource.clear()
    fresh = open_page("practice")  # a new visit without the URL
    assert fresh.subheader[0].value == "Pick up where you stopped"
    assert "1 answer so far" in _said(fresh) or any("1 answer so far" in m.value for m in fresh.markdown)
    next(b for b in fresh.button if b.key == f"resume_{sid}").click().run()
    assert "composite index" in _said(fresh) and fresh.query_params.get("session") == sid


def test_scratchpad_code_goes_once_as_code_and_renders_as_code() -> None:
    at = _start(["coding"], 2)
    code = (
        "def longest(xs):\n    best = 0\n    for x in xs:\n        if x >= best:\n            best = x\n    return best"
    )
    at.text_area(key="scratchpad").input(code)
    at.selectbox(key="scratchpad_lang").select("python")
    at.chat_input(key="answer_box").set_value("A single pass keeps the best so far: O(n) time, O(1) space.").run()
    assert not at.exception
    said = _said(at)
    assert "```python\ndef longest(xs):\n    best = 0" in said and "if x >= best:" in said, "kept as a code block"
    assert at.text_area(key="scratchpad").value == "", "the scratchpad is cleared once sent"
    (turn,) = [t for t in get_runtime().store.get("local", _only_session()).turns if t.kind == "answer"]
    assert turn.meta["code"] == code and turn.meta["code_language"] == "python"
    review = open_page("review")
    assert "```python\ndef longest(xs):" in _said(review)


def test_selecting_a_criterion_marks_only_its_quotes() -> None:
    at = _start(["behavioral"], 1)
    at.chat_input(key="answer_box").set_value(
        "Last year our checkout API on PostgreSQL slowed to 4 s at p95 during a sale. I profiled it, found an N+1 "
        "query, and added a composite index. p95 fell to 300 ms and we kept the launch date. I learned to load "
        "test before every big sale."
    ).run()
    radio = next(r for r in at.radio if r.key and r.key.startswith("ev_"))
    every = next(m.value for m in at.markdown if "class='ev-answer'" in m.value)
    assert "<mark" in every and "ev-legend" in every, "every criterion's quotes, with a legend of rubric colours"
    (turn,) = [t for t in get_runtime().store.get("local", _only_session()).turns if t.kind == "answer"]
    assert turn.scorecard is not None
    cited = [f"{r}.{c}" for r, rs in turn.scorecard.rubrics.items() for c, cs in rs.criteria.items() if cs.evidence]
    crit = cited[-1]
    radio.set_value(crit).run()
    only = next(m.value for m in at.markdown if "class='ev-answer'" in m.value)
    answer = only.split("class='ev-answer'>")[1]
    css = "c-" + crit.replace(".", "--")
    marks = answer.count("<mark")
    assert marks and answer.count(css) == marks, "only the chosen criterion's quotes are marked"
    others = ["c-" + o.replace(".", "--") for o in cited if o != crit]
    assert others and any(o in every for o in others), "the full view marked other criteria too"
    assert not any(f"{o} " in answer or f"{o}'" in answer for o in others)
