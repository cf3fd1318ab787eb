"""The round engine with the offline backend: asks, clarifies, follows up, stores first, resumes, wraps up."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from simulator.interviewer.backends import OfflineBackend, TurnContext, TurnResult
from simulator.interviewer.engine import Interviewer, Plan, SimulatedClock, WallClock
from simulator.interviewer.followups import already_asked, choose
from simulator.interviewer.intents import classify
from simulator.llm.base import OnText
from simulator.runtime import Runtime
from simulator.scoring.sentences import split_sentences
from simulator.store import SessionStore

pytestmark = pytest.mark.usefixtures("prebuilt_index")  # the index is built once per run (conftest)

WEAK = "I would use a cache."


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(f"sqlite:///{tmp_path / 'db.sqlite'}")


def interviewer(rt: Runtime, store: SessionStore, **kw: object) -> Interviewer:
    return Interviewer(rt, OfflineBackend(rt), store, "ana", clock=SimulatedClock(), **kw)  # type: ignore[arg-type]


def test_intents() -> None:
    assert classify("/hint").command == "hint" and classify("skip").command == "skip"
    assert classify("Can I assume the input fits in memory?").kind == "clarification"
    assert classify("What scale are we talking about?").kind == "clarification"
    assert classify("Which database do you use today?").kind == "clarification"
    # a guess offered as a question is an answer, and gets scored
    for guess in ("Honestly not sure, maybe shard by user id?", "I think a queue?", "We could cache it in Redis?"):
        assert classify(guess).kind == "answer", guess
    assert (
        classify(
            "I would shard by user id because writes dominate. Does that make sense to you, "
            "given the load we discussed and the budget?"
        ).kind
        == "answer"
    )


def test_a_round_with_clarification_follow_ups_hint_and_wrap_up(fake_runtime: Runtime, store: SessionStore) -> None:
    rt = fake_runtime
    iv = interviewer(rt, store)
    q = next(q for q in rt.questions if q.round == "system_design" and q.clarifications)
    events = iv.start(Plan(rounds=["system_design"], questions=1, question_ids=[q.id]))
    assert [e.type for e in events] == ["session", "question"] and events[1].id == q.id
    topic = next(iter(q.clarifications))
    reply = iv.respond(f"What is the {topic}?")
    assert reply[0].type == "clarification" and reply[0].text == q.clarifications[topic]
    assert [e.type for e in iv.respond("/hint")] == ["action", "hint"]
    asked, steps = [], []
    for _ in range(10):
        out = iv.respond(WEAK)
        assert out[0].type == "scorecard"
        if out[-1].type == "follow_up":
            (steps if out[-1].kind == "phase" else asked).append(out[-1].text)
        if iv.finished:
            break
    assert iv.finished and out[-1].type == "summary"
    assert len(asked) <= 2 and len(set(asked + steps)) == len(asked + steps), "at most N probes, never repeated"
    assert steps, "a design round walks its phases beside the probes"
    session = store.get("ana", events[0].id)
    kinds = [t.kind for t in session.turns]
    assert kinds[:2] == ["clarification", "hint"] and kinds.count("answer") == 1 + len(asked) + len(steps)
    assert session.status == "finished"
    assert all(t.scorecard is not None for t in session.turns if t.kind == "answer")
    assert "hint_used" in session.turns[2].scorecard.flags  # type: ignore[union-attr]
    summary = out[-1]
    assert summary.answered == 1 and len(summary.drills) == 3 and summary.next_focus
    assert summary.weakest.name and summary.strongest.criterion


def test_skip_repeat_end_and_empty(fake_runtime: Runtime, store: SessionStore) -> None:
    iv = interviewer(fake_runtime, store)
    events = iv.start(Plan(rounds=["technical"], questions=3))
    first = events[1].id
    assert iv.respond("   ")[0].type == "notice"
    repeat = iv.respond("/repeat")
    assert repeat[0].type == "action" and repeat[1].id == first, "the command shows as an action first"
    nxt = [e for e in iv.respond("/skip") if e.type not in ("action", "interviewer")]
    assert nxt[0].type == "question" and nxt[0].id != first
    end = iv.respond("/end")
    assert end[-1].type == "summary" and iv.finished
    assert iv.respond("hello")[0].type == "notice"


def test_answers_are_stored_before_scoring_and_the_session_resumes(fake_runtime: Runtime, store: SessionStore) -> None:
    rt = fake_runtime

    class Crashing(OfflineBackend):
        def turn(self, ctx: TurnContext, on_text: OnText | None = None) -> TurnResult:
            raise KeyboardInterrupt  # stands in for a kill in the middle of scoring

    iv = Interviewer(rt, Crashing(rt), store, "ana", clock=SimulatedClock())
    sid = iv.start(Plan(rounds=["technical"], questions=2))[0].id
    with pytest.raises(KeyboardInterrupt):
        iv.respond("My answer that must survive: use a composite index on (user_id, created_at).")
    saved = store.get("ana", sid)
    assert saved.turns[-1].answer.startswith("My answer that must survive") and saved.turns[-1].scorecard is None
    again, events = Interviewer.resume(rt, OfflineBackend(rt), store, "ana", sid, clock=SimulatedClock())
    assert events[0].type == "session" and events[0].resumed is True
    assert any(e.type == "scorecard" for e in events), "the unscored answer is scored on resume"
    assert events[-1].type in ("follow_up", "question")
    assert store.unscored_turns("ana", sid) == []
    again.respond("/end")
    with pytest.raises(Exception, match="already finished"):
        Interviewer.resume(rt, OfflineBackend(rt), store, "ana", sid)


def test_a_resumed_session_keeps_the_time_already_spent(fake_runtime: Runtime, store: SessionStore) -> None:
    iv = Interviewer(fake_runtime, OfflineBackend(fake_runtime), store, "ana", clock=WallClock())
    sid = iv.start(Plan(rounds=["technical"], questions=3, minutes=30))[0].id
    iv.respond("I would put a composite index on (user_id, created_at) and page with a cursor.")
    saved = store.get("ana", sid)
    # the answer came 20 minutes into the session, then the process stopped
    shifted = saved.model_copy(
        update={"id": "resumed1", "created_at": saved.turns[-1].submitted_at - timedelta(minutes=20)}
    )
    store.import_session("ana", shifted)
    again, _ = Interviewer.resume(
        fake_runtime, OfflineBackend(fake_runtime), store, "ana", "resumed1", clock=WallClock()
    )
    assert 20 <= again.clock() < 21


def test_time_runs_out(fake_runtime: Runtime, store: SessionStore) -> None:
    iv = interviewer(fake_runtime, store)
    iv.start(Plan(rounds=["behavioral"], questions=5, minutes=5))
    long_answer = "I led the migration and measured everything carefully. " * 120  # ~ 7 minutes spoken
    out = iv.respond(long_answer)
    assert out[-1].type == "summary" and iv.finished


def test_seen_questions_are_not_repeated(fake_runtime: Runtime, store: SessionStore) -> None:
    first = interviewer(fake_runtime, store)
    ids1 = first.start(Plan(rounds=["coding"], questions=3))[0].questions
    first.respond("I would use a hash map.")
    second = interviewer(fake_runtime, store)
    ids2 = second.start(Plan(rounds=["coding"], questions=3))[0].questions
    assert ids1[0] not in ids2


def test_follow_ups_skip_points_already_answered_and_near_repeats(fake_runtime: Runtime) -> None:
    rt = fake_runtime
    q = rt.question_map["sd-url-shortener"]
    card = rt.scorer.score(WEAK, question=q)
    every_point = set(range(len(q.key_points)))
    pick = choose(card, q, rt.rubrics, [], every_point, 2)
    assert pick is not None and not pick.target.startswith("key_point:"), "a covered point is not asked again"
    asked = [f.text for f in q.follow_ups]
    pick = choose(card, q, rt.rubrics, asked, set(), 2)
    assert pick is not None and pick.text not in asked and not already_asked(pick.text, asked)
    assert already_asked("What tests would you write for this?", ["Which tests would you write?"])
    assert already_asked("what TESTS would you write", ["What tests would you write?"])
    assert not already_asked("How would you shard the counters?", ["How much memory do the counters need?"])
    assert choose(card, q, rt.rubrics, [], set(), 0) is None, "no follow-ups left"


def test_wrap_up_names_drills_in_words_and_quotes_evidence(fake_runtime: Runtime, store: SessionStore) -> None:
    rt = fake_runtime
    iv = interviewer(rt, store, max_follow_ups=0)
    q = rt.question_map["sd-url-shortener"]
    iv.start(Plan(rounds=["system_design"], questions=1, question_ids=[q.id]))
    out = iv.respond(
        "I would store codes in PostgreSQL with a unique index and cache hot codes in Redis, because reads "
        "outnumber writes a hundred to one. Redirects return 302 so we can count clicks."
    )
    summary = out[-1]
    assert summary.type == "summary" and summary.answered == 1
    opening = " ".join(q.prompt.split()[:10])
    assert all(opening in d and q.id in d for d in summary.drills), "each drill names the question in words"
    rid, cid = summary.strongest.criterion.split(".")
    quotes = summary.strongest.quotes
    assert quotes, "the strongest dimension is shown with a quote from the answer"
    assert set(quotes) <= set(out[0].rubrics[rid].criteria[cid].evidence)
    assert summary.usage.model_requests == 0 and summary.usage.estimated_cost_usd is None


def test_wrap_up_skips_a_criterion_the_rubrics_no_longer_have(fake_runtime: Runtime, store: SessionStore) -> None:
    """A card stored before a rubric edit may name a retired criterion: the wrap-up (and so the exports) leave
    it out instead of failing."""
    from simulator.interviewer.wrapup import wrap_up_of

    rt = fake_runtime
    q = rt.question_map["sd-url-shortener"]
    card = rt.scorer.score("I would store codes in PostgreSQL and cache hot ones in Redis.", question=q)
    rid = next(iter(card.rubrics))
    retired = card.rubrics[rid].criteria[next(iter(card.rubrics[rid].criteria))].model_copy()
    card.rubrics[rid].criteria["retired_criterion"] = retired
    out = wrap_up_of("s1", {q.id: card}, rt.question_map, rt.rubrics)
    assert out.answered == 1 and out.weakest is not None
    named = [out.weakest.criterion, out.strongest.criterion if out.strongest else "", out.next_focus or ""]
    assert not any("retired_criterion" in n for n in named)
    only_retired = card.model_copy(deep=True)
    only_retired.rubrics = {"gone": card.rubrics[rid]}
    empty = wrap_up_of("s2", {q.id: only_retired}, rt.question_map, rt.rubrics)
    assert empty.strongest is None and empty.weakest is None and empty.drills == []


def test_a_turn_encodes_only_the_answer_once_the_question_is_prepared(
    fake_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The question's side, follow-up probes included, is encoded when the question is asked (the encoder caches
    it), so an answer's turn has only the answer's own sentences left to encode."""
    rt = fake_runtime
    q = rt.question_map["sd-url-shortener"]
    seen: list[str] = []
    encode = rt.scorer.encoder.encode
    monkeypatch.setattr(rt.scorer.encoder, "encode", lambda texts: seen.extend(texts) or encode(texts))
    rt.scorer.prepare(q)
    prepared = set(seen)
    assert {f.text for f in q.follow_ups} <= prepared and set(q.key_points) <= prepared
    seen.clear()
    answer = "I would hash the long URL into a base62 id. Redirects are served from a Redis cache in front of Postgres."
    OfflineBackend(rt).turn(TurnContext(q, q.prompt, answer, "", 2, [], set()))
    assert seen and set(seen) - prepared <= {s.text for s in split_sentences(answer)}


def test_a_turn_reads_the_answer_once_and_each_card_keeps_its_own_coverage(
    fake_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scorer and the interviewer's evidence check share one reading of the answer; scoring the same words
    against two questions still gives each card the coverage of its own question, as a fresh scorer would."""
    import simulator.interviewer.evidence
    import simulator.scoring.analysis
    import simulator.scoring.scorer

    rt = fake_runtime
    reads: list[str] = []
    real = simulator.scoring.analysis.analyse
    for module in (simulator.scoring.analysis, simulator.scoring.scorer, simulator.interviewer.evidence):
        monkeypatch.setattr(
            module, "analyse", lambda text, *rest: reads.append(text) or real(text, *rest), raising=False
        )
    short, design = rt.question_map["sd-url-shortener"], rt.question_map["sd-rate-limiter-service"]
    answer = "I would hash the long URL into a base62 id. A token bucket per user in Redis limits the writes."
    OfflineBackend(rt).turn(TurnContext(short, short.prompt, answer, "", 2, [], set()))
    assert reads == [answer]
    shared = [rt.scorer.score(answer, question=q) for q in (short, design, short)]
    assert reads == [answer]
    rt.scorer.forget()
    fresh = [rt.scorer.score(answer, question=q) for q in (short, design)]
    assert len(reads) == 2
    assert [c.model_dump() for c in shared[:2]] == [c.model_dump() for c in fresh]
    assert shared[0].model_dump() == shared[2].model_dump() and shared[0].coverage != shared[1].coverage


def test_a_key_pasted_into_an_answer_is_masked_before_it_is_scored_quoted_or_sent(
    fake_runtime: Runtime, store: SessionStore
) -> None:
    """The engine goes on with the answer as stored, secrets masked: the interviewer's acknowledgement (which
    quotes the candidate) and the scorecard's evidence never echo a pasted key, and a model would never get it."""
    from simulator.interviewer.events import wire
    from simulator.store.redact import MASK

    rt = fake_runtime
    key = "sk-proj-PLANTEDtestKEY0123456789abcdefXYZ"
    seen: list[str] = []

    class Recording(OfflineBackend):
        def turn(self, ctx: TurnContext, on_text: OnText | None = None) -> TurnResult:
            seen.append(ctx.answer)  # what a model backend would put in its request
            return super().turn(ctx, on_text)

    iv = Interviewer(rt, Recording(rt), store, "ana", clock=SimulatedClock())
    iv.start(Plan(rounds=["technical"], questions=1))
    answer = f"My staging key {key} sits in Vault 2 since March. I would version the API in the URL path."
    events = iv.respond(answer)
    said = next(e for e in events if e.type == "interviewer" and e.kind == "acknowledgement")
    assert MASK in said.text, "the acknowledgement quotes the most specific clause, the one with the key"
    assert all(key not in str(wire(e)) for e in events)
    assert seen and key not in seen[0] and MASK in seen[0]
