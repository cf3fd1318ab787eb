"""Database engines: SQLite in the data dir (WAL, foreign keys, immediate write locks) or PostgreSQL."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from simulator.errors import MocksimError
from simulator.settings import _mask_url


class StoreError(MocksimError):
    exit_code = 5


def normalise_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    return Path(url[len("sqlite:///") :])


def _set_wal(cur: Any, wait_s: float = 60.0) -> None:
    """Switch to WAL. On a new file several processes may try at once; SQLite answers "locked" at once to all
    but one (its busy timeout does not cover this switch), so the others wait until the file is in WAL."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    path = sqlite_path(url)
    if path is None:
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30, future=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False}, pool_size=10, max_overflow=30)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, see below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=60000")
        _set_wal(cur)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock up front: no deadlocked upgrades

    return engine


@contextmanager
def translated(url: str) -> Iterator[None]:
    """Turn driver errors into messages that name the database and say what to do."""
    shown = _mask_url(url)
    path = sqlite_path(normalise_url(url))
    try:
        yield
    except IntegrityError:
        raise  # a taken position or turn key: the store retries or answers with the stored turn
    except OperationalError as exc:
        text = str(exc.orig).lower() if exc.orig else str(exc).lower()
        if "locked" in text or "busy" in text:
            raise StoreError(
                f"the database {path or shown} is locked by another process",
                "close other mocksim windows or commands using it, then try again",
            ) from exc
        if path is not None and ("unable to open" in text or "readonly" in text or "read-only" in text):
            raise StoreError(
                f"cannot write the database file {path}", "check the data dir exists and is writable (MOCKSIM_HOME)"
            ) from exc
        if path is None:
            raise StoreError(
                f"cannot use the database at {shown}: {str(exc.orig or exc).splitlines()[0]}",
                "check DATABASE_URL and that the server is running, or unset DATABASE_URL to use SQLite",
            ) from exc
        raise StoreError(
            f"database error in {path}: {text.splitlines()[0]}",
            "try again; if it persists, move the file aside and mocksim will create a fresh one",
        ) from exc
    except DatabaseError as exc:
        text = str(exc.orig or exc).lower()
        if path is not None and ("not a database" in text or "malformed" in text or "corrupt" in text):
            raise StoreError(
                f"the database file {path} is corrupt or not a mocksim database",
                f"move it aside (mv {path} {path}.broken) and run again: a fresh database is created; "
                "sessions exported as JSON can be re-imported with `mocksim sessions import`",
            ) from exc
        raise StoreError(f"database error at {path or shown}: {text.splitlines()[0]}") from exc
