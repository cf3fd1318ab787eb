"""The session store, on SQLite and on a real PostgreSQL server (started by scripts/test-services.sh)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from simulator.contracts import CriterionScore, RubricScore, Scorecard, Session, Turn
from simulator.errors import NotFoundError
from simulator.store import SessionStore, StoreError
from simulator.store import export as exporters
from simulator.store.migrations import MIGRATIONS
from simulator.store.progress import compute

PLANTED = "sk-proj-PLANTEDsecretKEY1234567890abcdef"


@pytest.fixture
def store_url(new_database: Callable[[], str]) -> str:
    return new_database()


@pytest.fixture
def store(store_url: str) -> Iterator[SessionStore]:
    s = SessionStore(store_url, secrets=[PLANTED])
    yield s
    s.close()


def card(overall: int = 60, level: int = 3, quote: str = "I added an index") -> Scorecard:
    crit = {"quantified": CriterionScore(level=level, evidence=[quote], feedback="Put numbers on it.")}
    return Scorecard(
        round="technical",
        overall=overall,
        rubrics={"specificity": RubricScore(score=float(level), criteria=crit)},
        coverage=0.5,
    )


def new_session(store: SessionStore, owner: str = "ana", **kw: object) -> Session:
    return store.create(Session(id="", owner=owner, rounds=["technical"], question_ids=["tq-a"], **kw))  # type: ignore[arg-type]


def test_migrations_are_recorded_and_idempotent(store_url: str) -> None:
    SessionStore(store_url).close()
    again = SessionStore(store_url)
    with again.engine.connect() as conn:
        from simulator.store.schema import schema_migrations

        names = [r[0] for r in conn.execute(schema_migrations.select())]
    assert names == [n for n, _ in MIGRATIONS]
    again.close()


def test_write_ahead_turns_scorecards_and_transcript(store: SessionStore) -> None:
    s = new_session(store, job_description="Payments team")
    t = store.add_turn("ana", s.id, Turn(index=0, question_id="tq-a", asked="How?", answer="I added an index."))
    assert t.id is not None and t.index == 0
    assert [x.answer for x in store.unscored_turns("ana", s.id)] == ["I added an index."]
    store.attach_scorecard("ana", t.id, card(), prompt_version="v1", prompt_tokens=10, latency_ms=3.5)
    store.add_turn(
        "ana",
        s.id,
        Turn(
            index=0,
            asked="Can I assume 1M users?",
            kind="clarification",
            answer="Can I assume 1M users?",
            reply="Yes, 1M daily.",
        ),
    )
    got = store.get("ana", s.id)
    assert [t.index for t in got.turns] == [0, 1]
    assert got.turns[0].scorecard is not None and got.turns[0].scorecard.overall == 60
    assert got.turns[0].usage is not None and got.turns[0].usage.prompt_tokens == 10
    assert got.turns[0].usage.prompt_version == "v1" and got.turns[1].usage is None
    assert got.turns[1].reply == "Yes, 1M daily." and got.job_description == "Payments team"
    assert store.unscored_turns("ana", s.id) == []
    assert store.seen_question_ids("ana") == {"tq-a"}
    [summary] = store.list_sessions("ana")
    assert summary.answers == 1 and summary.mean_overall == 60


def test_owners_cannot_read_export_or_delete_each_other(store: SessionStore) -> None:
    s = new_session(store, owner="ana")
    store.add_turn("ana", s.id, Turn(index=0, asked="Q", answer="mine"))
    with pytest.raises(NotFoundError):
        store.get("bob", s.id)
    with pytest.raises(NotFoundError):
        store.delete("bob", s.id)
    with pytest.raises(NotFoundError):
        store.add_turn("bob", s.id, Turn(index=0, asked="Q", answer="sneaky"))
    turn_id = store.get("ana", s.id).turns[0].id
    assert turn_id is not None
    with pytest.raises(NotFoundError):
        store.attach_scorecard("bob", turn_id, card())
    assert store.list_sessions("bob") == [] and store.seen_question_ids("bob") == set()
    store.delete("ana", s.id)
    assert store.list_sessions("ana") == []


def test_exports_and_json_round_trip(store: SessionStore) -> None:
    s = new_session(store)
    t = store.add_turn("ana", s.id, Turn(index=0, asked="Tell me <b>about</b> it", answer="<script>x()</script> I did"))
    assert t.id is not None
    store.attach_scorecard("ana", t.id, card(), "judge-v3", prompt_tokens=2_468, completion_tokens=312)
    got = store.get("ana", s.id)
    md = exporters.to_markdown(got)
    assert "I did" in md and "Score 60/100" in md and "> I added an index" in md
    assert "2,468 prompt + 312 completion tokens" in md
    page = exporters.to_html(got)
    assert "<script>" not in page and "&lt;script&gt;" in page
    data = exporters.to_json(got)
    again = store.import_session("carol", exporters.from_json(data))
    assert again.owner == "carol" and again.id != s.id
    assert [x.answer for x in again.turns] == [x.answer for x in got.turns]
    assert again.turns[0].scorecard == got.turns[0].scorecard
    assert again.turns[0].usage == got.turns[0].usage, "token counts survive export and import"
    with pytest.raises(Exception, match="not a mocksim session export"):
        exporters.from_json(json.dumps({"hello": 1}))


def test_planted_secret_never_stored(store: SessionStore, store_url: str) -> None:
    s = new_session(store, job_description=f"key {PLANTED}")
    t = store.add_turn("ana", s.id, Turn(index=0, asked="Q", answer=f"my key is {PLANTED} ok", meta={"note": PLANTED}))
    assert t.id is not None
    store.attach_scorecard("ana", t.id, card(quote=f"key is {PLANTED}"))
    got = store.get("ana", s.id)
    for text in (exporters.to_json(got), exporters.to_markdown(got), exporters.to_html(got)):
        assert PLANTED not in text
    with store.engine.connect() as conn:
        from sqlalchemy import text

        for table in ("sessions", "turns", "scorecards", "criterion_scores"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                assert PLANTED not in " ".join(str(v) for v in row), table


def test_twenty_threads_twenty_turns_each_stored_exactly_once(store: SessionStore) -> None:
    sessions = [new_session(store, owner=f"user{i}") for i in range(20)]
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            for k in range(20):
                store.add_turn(f"user{i}", sessions[i].id, Turn(index=0, asked=f"q{k}", answer=f"a-{i}-{k}"))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    answers = [t.answer for i, s in enumerate(sessions) for t in store.get(f"user{i}", s.id).turns]
    assert len(answers) == 400 and len(set(answers)) == 400
    for i, s in enumerate(sessions):
        assert [t.index for t in store.get(f"user{i}", s.id).turns] == list(range(20))


def test_progress_tracks_the_weakest_dimension(store: SessionStore) -> None:
    from simulator.contracts import Question

    q = Question.model_validate(
        {
            "id": "tq-a",
            "round": "technical",
            "topics": ["caching", "indexing"],
            "difficulty": "easy",
            "seniority": "mid",
            "prompt": "Explain cache-aside caching please.",
            "key_points": ["a", "b", "c", "d"],
            "follow_ups": [{"text": "What about TTLs?", "key_point": 0}] * 3,
            "pitfalls": ["x"],
            "rubrics": ["specificity"],
            "reference_answer": "A reference answer that is long enough to pass the check.",
        }
    )
    for level in (1, 2, 4):
        s = new_session(store)
        t = store.add_turn("ana", s.id, Turn(index=0, question_id="tq-a", asked="Q", answer="A"))
        assert t.id is not None
        store.attach_scorecard("ana", t.id, card(level=level))
    prog = compute(store, "ana", [q])
    assert prog.sessions == 3 and prog.weakest == "specificity.quantified"
    assert prog.weakest_trend is not None and prog.weakest_trend > 0
    assert prog.topics_practised == {"caching": 1, "indexing": 1}


def test_corrupt_sqlite_file_gives_a_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "mocksim.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"corrupt or not a mocksim database") as err:
        SessionStore(f"sqlite:///{bad}")
    assert err.value.hint and "mv " in err.value.hint


def test_locked_sqlite_file_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "mocksim.db"
    s = SessionStore(f"sqlite:///{path}")
    sess = new_session(s)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        s.engine.dispose()
        from simulator.store import engine as eng

        s.engine = eng.make_engine(f"sqlite:///{path}")
        from sqlalchemy import event

        @event.listens_for(s.engine, "connect")
        def short_timeout(dbapi_conn: object, _r: object) -> None:
            dbapi_conn.execute("PRAGMA busy_timeout=200")  # type: ignore[attr-defined]

        with pytest.raises(StoreError, match="locked by another process"):
            s.add_turn("ana", sess.id, Turn(index=0, asked="Q", answer="A"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        s.close()


def test_unreachable_postgres_names_what_to_do() -> None:
    with pytest.raises(StoreError, match="check DATABASE_URL"):
        SessionStore("postgresql://nobody@127.0.0.1:9/nowhere?connect_timeout=2")


def test_connection_errors_never_show_the_password() -> None:
    secret = "PLANTEDdbPASSWORD123"
    with pytest.raises(StoreError) as err:
        SessionStore(f"postgresql://app:{secret}@127.0.0.1:9/mocksim?connect_timeout=2", secrets=[secret])
    assert secret not in str(err.value) and secret not in (err.value.hint or "")
    assert "app:****@127.0.0.1:9" in str(err.value)


def test_a_turn_key_is_accepted_once_even_when_racing(store: SessionStore) -> None:
    """One answer, one turn: a double submit, a retry or a reload that resubmits carries the same key."""
    s = new_session(store)
    t = Turn(index=0, asked="Q?", answer="I added an index.", turn_key="submit-1")
    first, created = store.add_turn_once("ana", s.id, t)
    again, created_again = store.add_turn_once("ana", s.id, t)
    assert created and not created_again and again.id == first.id and again.answer == "I added an index."
    store.attach_scorecard("ana", first.id or 0, card())
    assert store.add_turn_once("ana", s.id, t)[0].scorecard is not None, "the stored turn comes back whole"
    other = new_session(store)
    assert store.add_turn_once("ana", other.id, t)[1], "keys are per session"
    results: list[bool] = []
    lock = threading.Lock()

    def submit() -> None:
        _, made = store.add_turn_once("ana", s.id, t.model_copy(update={"turn_key": "race"}))
        with lock:
            results.append(made)

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results.count(True) == 1
    turns = store.get("ana", s.id).turns
    assert [x.turn_key for x in turns] == ["submit-1", "race"]
    plain = [store.add_turn("ana", s.id, Turn(index=0, asked="Q?", answer="again")) for _ in range(2)]
    assert plain[0].id != plain[1].id, "turns without a key are never merged"


def test_the_turn_key_migration_upgrades_an_old_database(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE schema_migrations (name VARCHAR(100) PRIMARY KEY, applied_at DATETIME NOT NULL);"
        "CREATE TABLE sessions (id VARCHAR(40) PRIMARY KEY, owner VARCHAR(200) NOT NULL, plan TEXT NOT NULL,"
        " backend VARCHAR(40) NOT NULL, model VARCHAR(200), status VARCHAR(20) NOT NULL,"
        " created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL);"
        "CREATE TABLE turns (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id VARCHAR(40) NOT NULL,"
        " idx INTEGER NOT NULL,"
        " question_id VARCHAR(100), kind VARCHAR(20) NOT NULL, asked TEXT NOT NULL, answer TEXT NOT NULL, reply TEXT,"
        " asked_at DATETIME, submitted_at DATETIME NOT NULL, meta TEXT NOT NULL,"
        " CONSTRAINT uq_turn_position UNIQUE (session_id, idx));"
        "INSERT INTO schema_migrations VALUES ('m001_initial', '2026-01-01'), ('m002_criterion_scores', '2026-01-01'),"
        " ('m003_turn_lookup_index', '2026-01-01');"
        "INSERT INTO sessions VALUES ('old1', 'ana', '{\"rounds\": [\"technical\"]}', 'offline', NULL, 'active',"
        " '2026-01-01', '2026-01-01');"
        "INSERT INTO turns (session_id, idx, kind, asked, answer, submitted_at, meta)"
        " VALUES ('old1', 0, 'answer', 'Q?', 'an old answer', '2026-01-01', '{}');"
    )
    conn.execute(
        "CREATE TABLE scorecards (id INTEGER PRIMARY KEY, turn_id INTEGER, card TEXT, overall INTEGER,"
        " backend TEXT, model TEXT, prompt_version TEXT, prompt_tokens INTEGER, completion_tokens INTEGER,"
        " latency_ms REAL, flags TEXT, created_at DATETIME)"
    )
    conn.commit()
    conn.close()
    store = SessionStore(f"sqlite:///{path}")
    old = store.get("ana", "old1")
    assert old.turns[0].answer == "an old answer" and old.turns[0].turn_key is None
    t = Turn(index=0, asked="Q?", answer="new", turn_key="k")
    assert store.add_turn_once("ana", "old1", t)[1] and not store.add_turn_once("ana", "old1", t)[1]
