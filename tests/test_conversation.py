"""An interviewer that listens: probes checked against the answer, a deepening probe on strong answers, phased
design and coding rounds, the interviewer's voice, commands shown as actions, one answer = one turn."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.cli.practice import render_event
from simulator.interviewer.backends import OfflineBackend, TurnContext
from simulator.interviewer.engine import Interviewer, Plan, SimulatedClock
from simulator.interviewer.events import EVENT, wire
from simulator.interviewer.followups import is_strong
from simulator.interviewer.plan_data import load_interviewer_data
from simulator.interviewer.voice import quote_from
from simulator.llm.testserver import FakeOpenAIServer
from simulator.runtime import Runtime
from simulator.store import SessionStore
from simulator.store import export as exporters

from .llm_helpers import judged
from .test_llm_backend import backend_for

pytestmark = pytest.mark.usefixtures("prebuilt_index")  # the index is built once per run (conftest)

DATADOG = (
    "Our checkout endpoint got slow last spring. I started with tracing in Datadog and found an N+1 query "
    "in the order loader."
)
TOOL_PROBE = "What tool showed you where the time was going?"
BOTTLENECK = "bh-bottleneck-slow-endpoint-story"


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(f"sqlite:///{tmp_path / 'db.sqlite'}")


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as s:
        yield s


def offline(rt: Runtime, store: SessionStore, **kw: object) -> Interviewer:
    return Interviewer(rt, OfflineBackend(rt), store, "ana", clock=SimulatedClock(), **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------------ probes checked against the answer
@pytest.mark.slow
def test_the_datadog_answer_is_not_asked_which_tool_it_used(minilm_runtime: Runtime, store: SessionStore) -> None:
    rt = minilm_runtime
    q = rt.question_map[BOTTLENECK]
    assert next(f for f in q.follow_ups if f.text == TOOL_PROBE).key_point == 1
    iv = offline(rt, store)
    iv.start(Plan(rounds=["behavioral"], questions=1, question_ids=[q.id]))
    out = iv.respond(DATADOG)
    follow = next(e for e in out if e.type == "follow_up")
    assert follow.text != TOOL_PROBE and follow.target != "key_point:1"
    assert 1 in iv.current.mentioned  # type: ignore[union-attr]
    ack = next(e for e in out if e.type == "interviewer")
    assert ack.kind == "acknowledgement" and "Datadog" in ack.text, "the acknowledgement quotes the candidate"


@pytest.mark.slow
def test_the_model_cannot_ask_which_tool_either(
    minilm_runtime: Runtime, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    rt = minilm_runtime
    q = rt.question_map[BOTTLENECK]
    backend = backend_for(rt, server, tmp_path)
    for target in ("key_point:1", None):  # named, or left for code to work out from the probe's meaning
        reply = judged(rt, q, DATADOG, level=2, says=TOOL_PROBE, move="follow_up")
        reply["covered_key_points"] = []
        reply["follow_up_target"] = target
        reply["acknowledgement"] = "You mentioned “tracing in Datadog”."
        server.enqueue({"json": reply})
        result = backend.turn(TurnContext(q, q.prompt, DATADOG, "", 2, [], set()))
        assert result.follow_up is None or result.follow_up.text != TOOL_PROBE
        assert result.follow_up is None or result.follow_up.target != "key_point:1"
        assert result.acknowledgement == "You mentioned “tracing in Datadog”."


# ---------------------------------------------------------------------------------------- depth when strong
def test_a_strong_answer_gets_one_deepening_probe(fake_runtime: Runtime, store: SessionStore) -> None:
    rt = fake_runtime
    q = rt.question_map["cd-lru-cache"]
    assert q.deepening, "the question declares its own deepening probes"
    card = rt.scorer.score(q.reference_answer, question=q)
    assert is_strong(card, load_interviewer_data(rt.settings.rubrics_dir))
    backend = OfflineBackend(rt)
    ctx = TurnContext(q, q.prompt, q.reference_answer, "", 2, [], set())
    result = backend.turn(ctx)
    assert result.follow_up is not None and result.follow_up.kind == "deepening"
    # a non-phased round: the question's own probe first, and only once
    bq = next(
        x
        for x in rt.questions
        if x.round == "technical" and is_strong(rt.scorer.score(x.reference_answer, question=x), backend.data)
    )
    first = backend.turn(TurnContext(bq, bq.prompt, bq.reference_answer, "", 2, [], set()))
    assert first.follow_up is not None and first.follow_up.kind == "deepening"
    generic = [
        p
        for r in rt.scorer.score(bq.reference_answer, question=bq).rubrics
        for p in backend.data.deepening.rubrics.get(r, [])
    ]
    assert first.follow_up.text in [*bq.deepening, *generic]
    again = backend.turn(
        TurnContext(bq, bq.prompt, bq.reference_answer, "", 1, [first.follow_up.text], set(), deepened=True)
    )
    assert again.follow_up is None, "one deepening probe, then move on"
    assert backend.turn(TurnContext(bq, bq.prompt, bq.reference_answer, "", 0, [], set())).follow_up is None, "budget"


# ---------------------------------------------------------------------------------------------- phased rounds
def test_a_design_round_walks_its_phases(fake_runtime: Runtime, store: SessionStore) -> None:
    rt = fake_runtime
    q = rt.question_map["sd-url-shortener"]
    iv = offline(rt, store)
    iv.start(Plan(rounds=["system_design"], questions=1, minutes=45, question_ids=[q.id]))
    events = iv.respond("I would start with a service and a database.")
    replies = [
        "Users create short links and open them; analytics are out of scope.",
        "About 100 million new links a month, so 40 writes a second and 4,000 reads a second at peak.",
        "An API tier, a key-value store for codes and a Redis cache in front of it.",
        "Codes come from leased counter ranges so two servers never hand out the same code.",
        "If the cache cluster dies the store takes all reads, so it needs headroom and request coalescing.",
        "I would build the redirect path first and revisit analytics later.",
        "That is all.",
        "Nothing more.",
    ]
    for text in replies:
        if iv.finished:
            break
        events += iv.respond(text)
    assert iv.finished
    order = [p.id for p in load_interviewer_data(rt.settings.rubrics_dir).round_phases("system_design")]
    entered = [e.phase for e in events if e.type == "phase"]
    assert entered and entered == sorted(entered, key=order.index), "phases only move forward"
    assert "deep_dive" in entered or "deep_dive" in iv.phase_log[q.id].reached
    assert entered[-1] == "summary", "the design closes with its summary"
    summary = events[-1]
    assert summary.type == "summary" and "Deep dive" in summary.phases[q.id].reached
    cards = [e for e in events if e.type == "scorecard"]
    assert all("phases_reached" in wire(c) for c in cards)
    follow = [e for e in events if e.type == "follow_up"]
    assert {"text", "target", "question_id", "kind", "phase"} <= set(wire(follow[0]))
    for e in events:  # the events are typed; the dicts on the wire are their dumps and read back the same
        assert EVENT.validate_python(wire(e)) == e
    rendered = "\n".join(render_event(e) for e in events)
    assert "phases reached:" in rendered and "phases of sd-url-shortener" in rendered


def test_a_phase_that_runs_long_is_steered_on(fake_runtime: Runtime, store: SessionStore) -> None:
    rt = fake_runtime
    q = rt.question_map["sd-url-shortener"]
    iv = offline(rt, store)
    iv.start(Plan(rounds=["system_design"], questions=1, minutes=10, question_ids=[q.id]))
    long_requirements = "We need users to create links and follow them. " * 60  # minutes of talk, one phase
    out = iv.respond(long_requirements)
    follow = next(e for e in out if e.type == "follow_up")
    assert follow.kind in ("phase", "deepening") and follow.phase != "requirements"


# ------------------------------------------------------------------------------------------------ the voice
def test_quotes_are_the_candidates_words() -> None:
    q = quote_from("I batched the loads and P95 went from 1.2 seconds to 300 milliseconds.", [])
    assert q is not None and "1.2 seconds" in q
    assert q.rstrip("…") in "I batched the loads and P95 went from 1.2 seconds to 300 milliseconds."
    assert quote_from("ok", []) is None


def test_transitions_and_a_closing_line(fake_runtime: Runtime, store: SessionStore) -> None:
    iv = offline(fake_runtime, store, max_follow_ups=0)
    iv.start(Plan(rounds=["technical"], questions=2))
    out = iv.respond("I would add an index on the foreign key and check the plan with EXPLAIN.")
    kinds = [(e.type, getattr(e, "kind", None)) for e in out]
    assert ("interviewer", "acknowledgement") in kinds and ("interviewer", "transition") in kinds
    assert kinds.index(("interviewer", "transition")) == kinds.index(("question", None)) - 1
    out = iv.respond("/end")
    assert [e.type for e in out][-2:] == ["interviewer", "summary"] and out[-2].kind == "closing"


# ----------------------------------------------------------------------------------- commands are actions
def test_commands_render_as_actions_in_chat_transcript_and_exports(
    fake_runtime: Runtime, store: SessionStore, tmp_path: Path
) -> None:
    iv = offline(fake_runtime, store)
    sid = iv.start(Plan(rounds=["technical"], questions=2))[0].id
    hint = iv.respond("/hint")
    assert wire(hint[0]) == {"type": "action", "command": "hint", "text": "asked for a hint"}
    assert render_event(hint[0]) == "\n(asked for a hint)"
    iv.respond("I would cache it in Redis.")
    assert iv.respond("/skip")[0].command == "skip"
    assert iv.respond("/end")[0].command == "end"
    session = store.get("ana", sid)
    for text in (exporters.to_markdown(session), exporters.to_html(session)):
        assert "/hint" not in text and "/skip" not in text and "/end" not in text
        assert "asked for a hint" in text and "skipped the question" in text and "ended the session" in text
    assert "I would cache it in Redis." in exporters.to_markdown(session)


def test_cli_transcript_shows_actions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKSIM_EMBEDDER", "fake")
    f = tmp_path / "answers.txt"
    f.write_text("/hint\n---\nI would use Redis as a cache.\n---\n/end\n")
    assert (
        main(["practice", "--round", "technical", "--questions", "1", "--answers-file", str(f), "--format", "jsonl"])
        == 0
    )
    events = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [e["command"] for e in events if e["type"] == "action"] == ["hint", "end"]
    assert main(["sessions", "show", events[0]["id"]]) == 0
    shown = capsys.readouterr().out
    assert "(you asked for a hint)" in shown and "You (hint): /hint" not in shown


# -------------------------------------------------------------------------------------- one answer, one turn
def test_a_double_submit_makes_one_turn(fake_runtime: Runtime, store: SessionStore) -> None:
    iv = offline(fake_runtime, store)
    sid = iv.start(Plan(rounds=["technical"], questions=2))[0].id
    first = iv.respond("I would add a covering index.", turn_key="k1")
    second = iv.respond("I would add a covering index.", turn_key="k1")
    assert first[0].type == "scorecard"
    assert [wire(e) for e in second] == [{"type": "notice", "text": second[0].text, "duplicate": True}]
    assert iv.respond("/hint", turn_key="k2")[0].type == "action"
    assert iv.respond("/hint", turn_key="k2")[0].duplicate
    session = store.get("ana", sid)
    assert [t.kind for t in session.turns] == ["answer", "hint"]
    assert sum(t.scorecard is not None for t in session.turns) == 1
    # a reload resumes the session: the same key is still refused
    again, _ = Interviewer.resume(fake_runtime, OfflineBackend(fake_runtime), store, "ana", sid, clock=SimulatedClock())
    assert again.respond("I would add a covering index.", turn_key="k1")[0].duplicate
    assert len(store.get("ana", sid).turns) == 2
