"""Write a session store made by some release of mocksim as a SQL dump, with what that release read back from it.

tests/test_store_migrations.py loads the dump, lets today's migrations upgrade it and checks that today's code
reads back the same sessions. Run it with the OLD release's code first on the path, from any folder:

    git archive a99b930 simulator | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old .venv/bin/python scripts/store-fixture.py sqlite tests/fixtures/store-a99b930
    PYTHONPATH=/tmp/old bash scripts/test-services.sh .venv/bin/python scripts/store-fixture.py postgresql \\
        tests/fixtures/store-a99b930

It writes PREFIX.<kind>.sql (the dump) and PREFIX.<kind>.json (each session's JSON export, the progress rows
and the session list, as that release saw them)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from simulator.contracts import CriterionScore, RubricScore, Scorecard, Session, Turn
from simulator.store import SessionStore
from simulator.store import export as exporters


def _card(overall: int, levels: dict[str, int], quote: str, **kw: object) -> Scorecard:
    crit = {c: CriterionScore(level=lv, evidence=[quote], feedback=f"Say more about {c}.") for c, lv in levels.items()}
    return Scorecard.model_validate(
        {
            "round": "technical",
            "overall": overall,
            "rubrics": {"specificity": RubricScore(score=3.0, criteria=crit)},
            "coverage": 0.5,
            **kw,
        }
    )


def populate(store: SessionStore) -> list[tuple[str, str]]:
    """Two profiles; answers scored once, rescored, unscored; a clarification; a turn key; usage figures."""
    made = []
    at = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    for owner, rounds, sid in (("ana", ["technical"], "fixture-a1"), ("ana", ["behavioral"], "fixture-a2")):
        made.append((owner, store.create(Session(id=sid, owner=owner, rounds=rounds, created_at=at)).id))
    made.append(
        (
            "bob",
            store.create(Session(id="fixture-b1", owner="bob", rounds=["technical"], backend="openai", model="m-1")).id,
        )
    )
    a1 = made[0][1]
    t0 = store.add_turn("ana", a1, Turn(index=0, question_id="tq-a", asked="How?", answer="I added an index."))
    assert t0.id is not None
    scored = _card(62, {"quantified": 3, "named_specifics": 4}, "I added an index", flags=["hint_used"])
    store.attach_scorecard("ana", t0.id, scored, "judge-v3", 1200, 80, 35.5)
    store.add_turn("ana", a1, Turn(index=0, asked="1M users?", kind="clarification", answer="1M?", reply="Yes."))
    t2, _ = store.add_turn_once(
        "ana", a1, Turn(index=0, question_id="tq-b", asked="Why?", answer="p95 fell.", turn_key="k2")
    )
    assert t2.id is not None
    store.attach_scorecard("ana", t2.id, _card(40, {"quantified": 2}, "p95 fell"))
    store.attach_scorecard("ana", t2.id, _card(71, {"quantified": 4}, "p95 fell"), "judge-v3", 900, 60, 20.0)
    store.add_turn("ana", a1, Turn(index=0, question_id="tq-c", asked="And then?", answer="Never scored."))
    for owner, sid in made[1:]:
        t = store.add_turn(owner, sid, Turn(index=0, question_id="bq-a", asked="Tell me.", answer="I led it."))
        assert t.id is not None
        store.attach_scorecard(owner, t.id, _card(55, {"quantified": 3}, "I led it", backend="openai", model="m-1"))
    return made


def expected(store: SessionStore, made: list[tuple[str, str]]) -> dict[str, object]:
    owners = sorted({o for o, _ in made})
    return {
        "exports": {sid: exporters.to_json(store.get(owner, sid)) for owner, sid in made},
        "history": {o: [[str(v) for v in row] for row in store.criterion_history(o)] for o in owners},
        "summaries": {o: [[s.id, s.answers, s.mean_overall] for s in store.list_sessions(o)] for o in owners},
    }


def main(kind: str, prefix: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "sqlite":
            url = f"sqlite:///{tmp}/old.db"
        else:
            admin = os.environ["MOCKSIM_TEST_DATABASE_URL"]
            import psycopg

            name = "fixture_" + uuid.uuid4().hex[:8]
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {name}")
            url = admin.rsplit("/", 1)[0] + "/" + name
        store = SessionStore(url)
        made = populate(store)
        want = expected(store, made)
        store.close()
        if kind == "sqlite":
            conn = sqlite3.connect(f"{tmp}/old.db")
            dump = "\n".join(conn.iterdump()) + "\n"
            conn.close()
        else:
            dump = subprocess.run(
                ["pg_dump", "--inserts", "--no-owner", "--no-privileges", "--dbname", url],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            dump = "".join(line for line in dump.splitlines(True) if not line.startswith("\\"))  # psql-only lines
    prefix.parent.mkdir(parents=True, exist_ok=True)
    Path(f"{prefix}.{kind}.sql").write_text(dump)
    Path(f"{prefix}.{kind}.json").write_text(json.dumps(want, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("sqlite", "postgresql"):
        sys.exit("usage: store-fixture.py sqlite|postgresql PREFIX")
    main(sys.argv[1], Path(sys.argv[2]))
