"""Ordered, recorded migrations. Each one is frozen DDL: the statements SQLAlchemy compiled for the tables as they
were when it was written (one text for SQLite and PostgreSQL but for two words), never read from schema.py, so a
database built today and one upgraded from an old release end the same. Add a new function at the end with
@migration; never edit an applied one. tests/test_store_migrations.py checks the migrations build exactly schema.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, DateTime, bindparam, inspect, text

Migration = Callable[[Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []

# The only words that differ between the two databases, as SQLAlchemy compiles schema.py for each.
_WORDS = {
    "sqlite": {"serial": "INTEGER", "timestamptz": "DATETIME"},
    "postgresql": {"serial": "SERIAL", "timestamptz": "TIMESTAMP WITH TIME ZONE"},
}


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def run(conn: Connection, *statements: str) -> None:
    """Run frozen DDL, filling in the dialect's words for {serial} and {timestamptz}."""
    words = _WORDS.get(conn.dialect.name)
    if words is None:
        raise ValueError(f"mocksim stores sessions in SQLite or PostgreSQL, not {conn.dialect.name}")
    for statement in statements:
        conn.execute(text(statement.format(**words)))


_RECORDED = """CREATE TABLE IF NOT EXISTS schema_migrations (
    name VARCHAR(100) NOT NULL, applied_at {timestamptz} NOT NULL, PRIMARY KEY (name))"""


@migration
def m001_initial(conn: Connection) -> None:
    run(
        conn,
        """CREATE TABLE IF NOT EXISTS sessions (
            id VARCHAR(40) NOT NULL,
            owner VARCHAR(200) NOT NULL,
            "plan" TEXT NOT NULL,
            backend VARCHAR(40) NOT NULL,
            model VARCHAR(200),
            status VARCHAR(20) NOT NULL,
            created_at {timestamptz} NOT NULL,
            updated_at {timestamptz} NOT NULL,
            PRIMARY KEY (id))""",
        "CREATE INDEX IF NOT EXISTS ix_sessions_owner ON sessions (owner)",
        """CREATE TABLE IF NOT EXISTS turns (
            id {serial} NOT NULL,
            session_id VARCHAR(40) NOT NULL,
            idx INTEGER NOT NULL,
            question_id VARCHAR(100),
            kind VARCHAR(20) NOT NULL,
            asked TEXT NOT NULL,
            answer TEXT NOT NULL,
            reply TEXT,
            asked_at {timestamptz},
            submitted_at {timestamptz} NOT NULL,
            meta TEXT NOT NULL,
            PRIMARY KEY (id),
            CONSTRAINT uq_turn_position UNIQUE (session_id, idx),
            FOREIGN KEY(session_id) REFERENCES sessions (id) ON DELETE CASCADE)""",
        "CREATE INDEX IF NOT EXISTS ix_turns_session_id ON turns (session_id)",
        """CREATE TABLE IF NOT EXISTS scorecards (
            id {serial} NOT NULL,
            turn_id INTEGER NOT NULL,
            card TEXT NOT NULL,
            overall INTEGER NOT NULL,
            backend VARCHAR(40) NOT NULL,
            model VARCHAR(200),
            prompt_version VARCHAR(40),
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            latency_ms FLOAT,
            flags TEXT NOT NULL,
            created_at {timestamptz} NOT NULL,
            PRIMARY KEY (id),
            FOREIGN KEY(turn_id) REFERENCES turns (id) ON DELETE CASCADE)""",
        "CREATE INDEX IF NOT EXISTS ix_scorecards_turn_id ON scorecards (turn_id)",
    )


_M002 = (
    """CREATE TABLE IF NOT EXISTS criterion_scores (
        id {serial} NOT NULL,
        scorecard_id INTEGER NOT NULL,
        rubric VARCHAR(40) NOT NULL,
        criterion VARCHAR(60) NOT NULL,
        level INTEGER NOT NULL,
        evidence TEXT NOT NULL,
        feedback TEXT NOT NULL,
        PRIMARY KEY (id),
        FOREIGN KEY(scorecard_id) REFERENCES scorecards (id) ON DELETE CASCADE)""",
    "CREATE INDEX IF NOT EXISTS ix_criterion_scores_scorecard_id ON criterion_scores (scorecard_id)",
)


@migration
def m002_criterion_scores(conn: Connection) -> None:
    run(conn, *_M002)


@migration
def m003_turn_lookup_index(conn: Connection) -> None:
    run(conn, "CREATE INDEX IF NOT EXISTS ix_turns_question ON turns (question_id)")


@migration
def m004_turn_key(conn: Connection) -> None:
    """One answer, one turn: a client-made key per submission, accepted once per session."""
    # Databases made while m001 still built tables from the live schema.py can have the column already.
    if "turn_key" not in {c["name"] for c in inspect(conn).get_columns("turns")}:
        run(conn, "ALTER TABLE turns ADD COLUMN turn_key VARCHAR(64)")
    run(conn, "CREATE UNIQUE INDEX IF NOT EXISTS uq_turns_key ON turns (session_id, turn_key)")


@migration
def m005_one_scorecard_form(conn: Connection) -> None:
    """A scorecard is stored once, as its card JSON. The backend, model and flags columns and each criterion's
    evidence and feedback repeated it: they go. The per-criterion levels the progress query reads stay, derived
    from the card for any old scorecard that has none."""
    run(conn, *_M002)  # a database whose m002 left no table (seen in hand-made upgrades) gets it here
    run(conn, *(f"ALTER TABLE scorecards DROP COLUMN {c}" for c in ("backend", "model", "flags")))
    run(conn, *(f"ALTER TABLE criterion_scores DROP COLUMN {c}" for c in ("evidence", "feedback")))
    after = -1
    while True:  # in pages, so a large database is never read into memory at once
        page = conn.execute(
            text(
                "SELECT id, card FROM scorecards WHERE id > :after AND id NOT IN "
                "(SELECT scorecard_id FROM criterion_scores) ORDER BY id LIMIT 500"
            ),
            {"after": after},
        ).all()
        if not page:
            break
        rows = [row for card_id, card in page for row in _levels_of(int(card_id), card)]
        if rows:
            conn.execute(
                text(
                    "INSERT INTO criterion_scores (scorecard_id, rubric, criterion, level) "
                    "VALUES (:scorecard_id, :rubric, :criterion, :level)"
                ),
                rows,
            )
        after = int(page[-1][0])


def _levels_of(card_id: int, card: str | None) -> list[dict[str, Any]]:
    """One row per criterion of a stored card, in the card's order (the order attach_scorecard writes)."""
    try:
        data = json.loads(card or "{}")
    except json.JSONDecodeError:
        return []  # an unreadable card keeps its row; it has no levels to derive
    rubrics = data.get("rubrics") if isinstance(data, dict) else None
    return [
        {"scorecard_id": card_id, "rubric": rid, "criterion": crit, "level": int(c["level"])}
        for rid, r in (rubrics or {}).items()
        for crit, c in (r.get("criteria") or {}).items()
    ]


def apply(conn: Connection) -> list[str]:
    """Apply every migration not yet recorded, in order. Returns the names applied now."""
    if conn.dialect.name == "postgresql":  # two processes starting at once: the second waits, then finds all done
        conn.execute(text("SELECT pg_advisory_xact_lock(1700017)"))
    run(conn, _RECORDED)
    done = {row[0] for row in conn.execute(text("SELECT name FROM schema_migrations"))}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        fn(conn)
        record = text("INSERT INTO schema_migrations (name, applied_at) VALUES (:name, :at)")
        at = bindparam("at", datetime.now(UTC), type_=DateTime(timezone=True))
        conn.execute(record.bindparams(at, name=name))
        applied.append(name)
    return applied


def tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())
