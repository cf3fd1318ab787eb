"""Ordered, recorded migrations. Add a new function at the end with @migration; never edit an applied one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, inspect, text

from simulator.store import schema

Migration = Callable[[Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_initial(conn: Connection) -> None:
    for table in (schema.sessions, schema.turns, schema.scorecards):
        table.create(conn, checkfirst=True)


@migration
def m002_criterion_scores(conn: Connection) -> None:
    schema.criterion_scores.create(conn, checkfirst=True)


@migration
def m003_turn_lookup_index(conn: Connection) -> None:
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_turns_question ON turns (question_id)"))


@migration
def m004_turn_key(conn: Connection) -> None:
    """One answer, one turn: a client-made key per submission, accepted once per session."""
    if "turn_key" not in {c["name"] for c in inspect(conn).get_columns("turns")}:
        conn.execute(text("ALTER TABLE turns ADD COLUMN turn_key VARCHAR(64)"))
    conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS uq_turns_key ON turns (session_id, turn_key)"))


def apply(conn: Connection) -> list[str]:
    """Apply every migration not yet recorded, in order. Returns the names applied now."""
    schema.schema_migrations.create(conn, checkfirst=True)
    done = {row[0] for row in conn.execute(schema.schema_migrations.select())}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        fn(conn)
        conn.execute(schema.schema_migrations.insert().values(name=name, applied_at=datetime.now(UTC)))
        applied.append(name)
    return applied


def tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())
