"""Tables of the session store (SQLAlchemy Core): what the migrations build, declared whole.

A change here needs a new frozen migration in migrations.py; tests/test_store_migrations.py fails until a
database built by the migrations matches these tables (columns, types, nullability, indexes, foreign keys)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("owner", String(200), nullable=False, index=True),
    Column("plan", Text, nullable=False),  # JSON: rounds, minutes, seniority, job description, question ids
    Column("backend", String(40), nullable=False),
    Column("model", String(200)),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

turns = Table(
    "turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(40), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("idx", Integer, nullable=False),
    Column("question_id", String(100)),
    Column("kind", String(20), nullable=False),  # answer | clarification | hint | skip | command
    Column("asked", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("reply", Text),
    Column("asked_at", DateTime(timezone=True)),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("meta", Text, nullable=False),  # JSON: timings, hints used, follow-up target, fallbacks
    Column("turn_key", String(64)),  # made by the client per submission; unique per session (m004)
    UniqueConstraint("session_id", "idx", name="uq_turn_position"),
    Index("ix_turns_question", "question_id"),  # m003
    Index("uq_turns_key", "session_id", "turn_key", unique=True),  # m004
)

scorecards = Table(
    "scorecards",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("turn_id", Integer, ForeignKey("turns.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("card", Text, nullable=False),  # JSON of contracts.Scorecard: the one stored form of a scorecard
    Column("overall", Integer, nullable=False),  # derived from card: list_sessions averages it in SQL
    Column("prompt_version", String(40)),
    Column("prompt_tokens", Integer),
    Column("completion_tokens", Integer),
    Column("latency_ms", Float),  # prompt version, tokens and latency describe the exchange, not the card
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Derived from scorecards.card, one row per criterion, for the progress query (SessionStore.criterion_history),
# which reads levels across all of a profile's sessions in SQL; evidence and feedback live only in the card (m005).
criterion_scores = Table(
    "criterion_scores",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scorecard_id", Integer, ForeignKey("scorecards.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("rubric", String(40), nullable=False),
    Column("criterion", String(60), nullable=False),
    Column("level", Integer, nullable=False),
)
