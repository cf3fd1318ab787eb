"""The session store: sessions, turns and scorecards in SQLite or PostgreSQL, with migrations."""

from simulator.store.engine import StoreError
from simulator.store.store import SessionStore, SessionSummary

__all__ = ["SessionStore", "SessionSummary", "StoreError"]
