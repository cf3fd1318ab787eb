"""Tables of the session store (SQLAlchemy Core). Changes go through migrations.py, never edits here alone."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, ForeignKey, Integer, MetaData, String, Table, Text, UniqueConstraint

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
)

scorecards = Table(
    "scorecards",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("turn_id", Integer, ForeignKey("turns.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("card", Text, nullable=False),  # JSON of contracts.Scorecard
    Column("overall", Integer, nullable=False),
    Column("backend", String(40), nullable=False),
    Column("model", String(200)),
    Column("prompt_version", String(40)),
    Column("prompt_tokens", Integer),
    Column("completion_tokens", Integer),
    Column("latency_ms", Float),
    Column("flags", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

criterion_scores = Table(
    "criterion_scores",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scorecard_id", Integer, ForeignKey("scorecards.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("rubric", String(40), nullable=False),
    Column("criterion", String(60), nullable=False),
    Column("level", Integer, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("feedback", Text, nullable=False),
)
