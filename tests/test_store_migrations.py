"""Frozen migrations: a database built by them is exactly schema.py, and one made by an old release upgrades to it,
on SQLite and on a real PostgreSQL server. Deletes cascade in the database; a scorecard is stored once."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text

from simulator.contracts import CriterionScore, RubricScore, Scorecard, Session, Turn
from simulator.store import SessionStore, schema
from simulator.store import export as exporters
from simulator.store.engine import make_engine
from simulator.store.migrations import MIGRATIONS

FIXTURES = Path(__file__).parent / "fixtures"
OLD = "store-a99b930"  # made by scripts/store-fixture.py with the code of commit a99b930 (migrations m001-m004)


def shape(engine: Engine) -> dict[str, Any]:
    """Everything the database says about its tables, in a form two databases of one kind can be compared by."""
    insp = inspect(engine)
    out: dict[str, Any] = {}
    for table in sorted(insp.get_table_names()):
        out[table] = {
            "columns": [
                (c["name"], str(c["type"].compile(dialect=engine.dialect)), c["nullable"], c.get("default"))
                for c in insp.get_columns(table)
            ],
            "primary_key": insp.get_pk_constraint(table)["constrained_columns"],
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in insp.get_indexes(table)
                if not i.get("duplicates_constraint")
            ),
            "unique": sorted((u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(table)),
            "foreign_keys": sorted(
                (
                    tuple(f["constrained_columns"]),
                    f["referred_table"],
                    tuple(f["referred_columns"]),
                    (f.get("options") or {}).get("ondelete"),
                )
                for f in insp.get_foreign_keys(table)
            ),
        }
    return out


def declared(url: str) -> dict[str, Any]:
    """The shape of a database made straight from schema.py on the same kind of server."""
    engine = make_engine(url)
    schema.metadata.create_all(engine)
    try:
        return shape(engine)
    finally:
        engine.dispose()


def assert_is_schema_py(store: SessionStore, fresh_url: str) -> None:
    got = shape(store.engine)
    assert got == declared(fresh_url)
    assert set(got) == set(schema.metadata.tables)
    for name, table in schema.metadata.tables.items():
        assert [(c[0], c[2]) for c in got[name]["columns"]] == [(c.name, c.nullable) for c in table.columns]
        assert {i[0] for i in got[name]["indexes"]} == {i.name for i in table.indexes}
        assert {f[3] for f in got[name]["foreign_keys"]} <= {"CASCADE"}


def test_the_migrations_build_exactly_schema_py(new_database: Callable[[], str]) -> None:
    store = SessionStore(new_database())
    try:
        assert_is_schema_py(store, new_database())
        with store.engine.connect() as conn:
            names = [r[0] for r in conn.execute(text("SELECT name FROM schema_migrations"))]
        assert names == [n for n, _ in MIGRATIONS]
    finally:
        store.close()


def load_dump(url: str, sql: str) -> None:
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url[len("sqlite:///") :])
        conn.executescript(sql)
        conn.close()
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute(sql.encode())


def test_a_database_made_by_the_previous_release_upgrades(new_database: Callable[[], str]) -> None:
    url = new_database()
    kind = "sqlite" if url.startswith("sqlite") else "postgresql"
    load_dump(url, (FIXTURES / f"{OLD}.{kind}.sql").read_text())
    want = json.loads((FIXTURES / f"{OLD}.{kind}.json").read_text())
    store = SessionStore(url)
    try:
        with store.engine.connect() as conn:
            names = [r[0] for r in conn.execute(text("SELECT name FROM schema_migrations ORDER BY name"))]
        assert names == [n for n, _ in MIGRATIONS]
        assert_is_schema_py(store, new_database())
        owners = {sid: json.loads(doc)["session"]["owner"] for sid, doc in want["exports"].items()}
        for sid, doc in want["exports"].items():
            assert exporters.to_json(store.get(owners[sid], sid)) == doc, sid
        for owner in want["history"]:
            assert [[str(v) for v in row] for row in store.criterion_history(owner)] == want["history"][owner]
            got = [[s.id, s.answers, s.mean_overall] for s in store.list_sessions(owner)]
            assert got == want["summaries"][owner]
        bob = store.get("bob", "fixture-b1").turns[0].scorecard
        assert bob is not None and bob.backend == "openai" and bob.model == "m-1", "the card keeps what columns held"
        store.delete("ana", "fixture-a1")
        assert counts(store) == {"turns": 2, "scorecards": 2, "criterion_scores": 2}
        fresh = store.add_turn("ana", "fixture-a2", Turn(index=0, asked="Q?", answer="after the upgrade"))
        assert fresh.index == 1
    finally:
        store.close()


CHILDREN = ("turns", "scorecards", "criterion_scores")


def counts(store: SessionStore) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in CHILDREN}


def test_deletes_cascade_in_the_database_and_a_scorecard_is_stored_once(new_database: Callable[[], str]) -> None:
    store = SessionStore(new_database())
    try:
        kept = store.create(Session(id="keep", owner="ana", rounds=["technical"]))
        gone = store.create(Session(id="gone", owner="ana", rounds=["technical"]))
        crit = {c: CriterionScore(level=lv, evidence=["an index"], feedback="More.") for c, lv in (("a", 2), ("b", 4))}
        card = Scorecard(round="technical", overall=50, rubrics={"r": RubricScore(score=3.0, criteria=crit)})
        for s in (kept, gone):
            t = store.add_turn("ana", s.id, Turn(index=0, asked="Q?", answer="I added an index."))
            store.attach_scorecard("ana", t.id or 0, card.model_copy(update={"flags": ["hint_used"]}))
        with store.engine.connect() as conn:
            cols = {c["name"] for c in inspect(conn).get_columns("scorecards")}
            levels = conn.execute(text("SELECT criterion, level FROM criterion_scores ORDER BY id")).all()
        assert {"flags", "backend", "model"}.isdisjoint(cols), "the card JSON is the one stored form"
        assert [tuple(r) for r in levels] == [("a", 2), ("b", 4)] * 2
        assert store.get("ana", "keep").turns[0].scorecard == card.model_copy(update={"flags": ["hint_used"]})
        with store.engine.begin() as conn:  # plain SQL, as any client would: the database does the cascade
            conn.execute(text("DELETE FROM sessions WHERE id = 'gone'"))
        assert counts(store) == {"turns": 1, "scorecards": 1, "criterion_scores": 2}
        store.delete("ana", "keep")
        assert counts(store) == dict.fromkeys(CHILDREN, 0)
    finally:
        store.close()


def test_every_sqlite_connection_enforces_foreign_keys(tmp_path: Path) -> None:
    store = SessionStore(f"sqlite:///{tmp_path / 'fk.db'}")
    try:
        pooled = [store.engine.raw_connection() for _ in range(3)]  # three connections open at once
        assert [c.cursor().execute("PRAGMA foreign_keys").fetchone() for c in pooled] == [(1,)] * 3
        for c in pooled:
            c.close()
    finally:
        store.close()


def test_stores_opening_a_new_database_at_once_migrate_it_once(new_database: Callable[[], str]) -> None:
    url = new_database()
    with ThreadPoolExecutor(4) as pool:  # an error in any of them is raised here
        list(pool.map(lambda _: SessionStore(url).close(), range(4)))
    store = SessionStore(url)
    try:
        with store.engine.connect() as conn:
            names = [r[0] for r in conn.execute(text("SELECT name FROM schema_migrations"))]
        assert sorted(names) == sorted(n for n, _ in MIGRATIONS)
    finally:
        store.close()
