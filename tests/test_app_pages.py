"""AppTest drives every page: happy paths and bad input (empty answer, a 100,000-character paste, no question)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.llm.testserver import FakeOpenAIServer

from .apptest_helpers import button, open_page

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("fake_embedder")]


def _practised(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("I would put Redis in front of PostgreSQL because reads dominate.\n---\n/end\n")
    assert main(["practice", "--round", "technical", "--questions", "1", "--answers-file", str(f)]) == 0


def test_practice_round_in_the_browser(tmp_path: Path) -> None:
    at = open_page("practice")
    assert not at.exception
    at.multiselect(key="setup_rounds").set_value(["technical"])
    at.number_input(key="setup_questions").set_value(2)
    button(at, "Start the interview").click().run()
    assert not at.exception and any("Question 1 of 2" in m.markdown[0].value for m in at.chat_message if m.markdown)
    assert any("Voice answers need" in c.value for c in at.caption)
    at.chat_input(key="answer_box").set_value("   ").run()
    assert any("empty" in w.value for w in at.warning)
    at.chat_input(key="answer_box").set_value("Can I assume a single region?").run()
    at.chat_input(key="answer_box").set_value("I would add a composite index and cache hot reads in Redis.").run()
    assert not at.exception
    assert any(e.label.startswith("Scorecard") for e in at.expander)
    at.chat_input(key="answer_box").set_value("word " * 20_000).run()  # a 100,000-character paste
    assert not at.exception
    assert any("all of it is saved" in (m.markdown[0].value if m.markdown else "") for m in at.chat_message)
    button(at, "Hint").click().run()
    button(at, "End").click().run()
    assert not at.exception and any(
        "Session complete" in (m.markdown[0].value if m.markdown else "") for m in at.chat_message
    )


def test_rewrite_page_and_its_bad_input() -> None:
    at = open_page("rewrite")
    button(at, "Rewrite").click().run()
    assert any("answer is empty" in e.value for e in at.error)
    at.text_area(key="rw_answer").input("We had an outage. I fixed it and things improved a lot.").run()
    button(at, "Rewrite").click().run()
    assert any("Type the question" in e.value for e in at.error), "no question given"
    at.selectbox(key="rw_qid").select_index(1).run()
    button(at, "Rewrite").click().run()
    assert not at.exception and any(h.value == "Your STAR rewrite" for h in at.subheader)
    assert any("To fill in" in m.value for m in at.markdown)


def test_review_and_progress_pages(tmp_path: Path) -> None:
    at = open_page("review")
    assert any("No sessions yet" in i.value for i in at.info)
    at = open_page("progress")
    assert any("Nothing to show yet" in i.value for i in at.info)
    _practised(tmp_path)
    at = open_page("review")
    assert not at.exception and at.selectbox(key="review_sid").value
    assert any("Redis" in (m.markdown[0].value if m.markdown else "") for m in at.chat_message)
    assert at.get("download_button")
    at = open_page("progress")
    assert not at.exception and any(h.value == "Weakest dimension" for h in at.subheader)
    assert any("One session so far" in i.value for i in at.info), "a single session says why there are no lines"
    assert "1 session with answers · 1 main question · 1 answer scored" in at.caption[0].value
    assert any(h.value == "Topics by round" for h in at.subheader)
    assert any(re.match(r"technical: [1-8] of \d+ topics practised", e.label) for e in at.expander)
    assert any(re.match(r"behavioral: \d+ of \d+ topics practised", e.label) for e in at.expander)
    assert not any("." in m.value.split("**")[1] for m in at.markdown if m.value.startswith("**")), "names, not ids"
    from simulator.runtime import get_runtime
    from simulator.store.progress import compute

    rt = get_runtime()
    weakest = compute(rt.store, "local", rt.questions).weakest
    assert weakest
    button(at, "Practise this").click().run()
    assert not at.exception
    iv = at.session_state["mocksim"].interviewer
    assert iv is not None and iv.session is not None, "a new session started at once"
    (q,) = iv.questions
    assert weakest.split(".")[0] in q.rubrics and q.round == "technical", "a question that scores it, in its round"
    assert iv.session.focus == weakest


def test_settings_test_connection_against_a_loopback_endpoint() -> None:
    with FakeOpenAIServer() as server:
        server.enqueue({"json": {"criteria": [], "interviewer_says": "ok"}})
        at = open_page("settings")
        at.radio(key="set_backend").set_value("openai")
        at.text_input(key="set_base").input(server.base_url)
        at.text_input(key="set_model").input("fake-model")
        at.text_input(key="set_key").input("sk-test-0000000000000000")
        button(at, "Save").click().run()
        assert any("Saved" in s.value for s in at.success)
        button(at, "Test connection").click().run()
        assert any("endpoint answered" in s.value for s in at.success)
        assert any("structured output: **json_schema**" in s.value for s in at.success), "the probe's mode"
        server.rejected |= {"json_schema", "tools", "json_mode"}  # the server now refuses every mode
        button(at, "Test connection").click().run()
        assert at.error and "What to do" in at.error[0].value
        at.text_input(key="set_profile").input("   ")
        button(at, "Save").click().run()
        assert any("cannot be empty" in e.value for e in at.error)


def test_voice_transcription_through_the_endpoint() -> None:
    from simulator.ui.state import AppState
    from simulator.ui.voice import can_transcribe, transcribe

    assert can_transcribe(AppState())[0] is False
    with FakeOpenAIServer() as server:
        server.transcription = "I would shard by tenant id."
        s = AppState(
            backend="openai",
            llm_base_url=server.base_url,
            llm_model="fake-model",
            llm_api_key="sk-test-0000000000000000",
        )
        assert can_transcribe(s) == (True, "")
        assert transcribe(s, b"RIFF....WAVEfmt fake audio bytes") == "I would shard by tenant id."
        assert server.requests[-1]["path"].endswith("/audio/transcriptions")
