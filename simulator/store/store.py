"""The session store. Every query is scoped by owner; answers are committed before any scoring."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Row, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from simulator.contracts import Scorecard, Session, Turn, TurnUsage
from simulator.errors import NotFoundError
from simulator.faults import maybe_kill
from simulator.store import migrations, schema
from simulator.store.engine import make_engine, translated
from simulator.store.redact import Redactor

S, T, C, K = schema.sessions, schema.turns, schema.scorecards, schema.criterion_scores


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _turn_from(t: Row[Any], card: Row[Any] | None) -> Turn:
    """A stored turn with its latest scorecard row (or None): the one way a Turn is read back."""
    return Turn(
        id=t.id,
        index=t.idx,
        question_id=t.question_id,
        asked=t.asked,
        kind=t.kind,
        answer=t.answer,
        reply=t.reply,
        asked_at=_utc(t.asked_at),
        submitted_at=_utc(t.submitted_at) or _now(),
        meta=json.loads(t.meta or "{}"),
        turn_key=t.turn_key,
        scorecard=None if card is None else Scorecard.model_validate_json(card.card),
        usage=None
        if card is None
        else TurnUsage(
            prompt_version=card.prompt_version,
            prompt_tokens=card.prompt_tokens,
            completion_tokens=card.completion_tokens,
            latency_ms=card.latency_ms,
        ),
    )


@dataclass(frozen=True)
class SessionSummary:
    id: str
    owner: str
    status: str
    rounds: list[str]
    created_at: datetime
    updated_at: datetime
    answers: int
    mean_overall: float | None
    backend: str


class SessionStore:
    def __init__(self, url: str, secrets: Iterable[str | None] = ()) -> None:
        self.url = url
        self.redact = Redactor(secrets)
        self.engine: Engine = make_engine(url)
        with translated(url), self.engine.begin() as conn:
            migrations.apply(conn)

    def close(self) -> None:
        self.engine.dispose()

    # ---------------------------------------------------------------- sessions
    def create(self, session: Session) -> Session:
        sid = session.id or uuid.uuid4().hex[:12]
        now = _now()
        plan = self.redact.deep(session.plan_json())
        with translated(self.url), self.engine.begin() as conn:
            conn.execute(
                S.insert().values(
                    id=sid,
                    owner=session.owner,
                    plan=json.dumps(plan),
                    backend=session.backend,
                    model=session.model,
                    status=session.status,
                    created_at=_utc(session.created_at) or now,
                    updated_at=now,
                )
            )
        return self.get(session.owner, sid)

    def _owned(self, conn: Any, owner: str, session_id: str) -> Row[Any]:
        row = conn.execute(select(S).where(S.c.id == session_id, S.c.owner == owner)).first()
        if row is None:
            raise NotFoundError(
                f"no session '{session_id}' for profile '{owner}'", "list your sessions with `mocksim sessions list`"
            )
        return row

    def set_status(self, owner: str, session_id: str, status: str) -> None:
        with translated(self.url), self.engine.begin() as conn:
            self._owned(conn, owner, session_id)
            conn.execute(update(S).where(S.c.id == session_id).values(status=status, updated_at=_now()))

    def delete(self, owner: str, session_id: str) -> None:
        with translated(self.url), self.engine.begin() as conn:
            self._owned(conn, owner, session_id)
            conn.execute(delete(S).where(S.c.id == session_id))  # turns, scorecards, levels: ON DELETE CASCADE

    def list_sessions(self, owner: str) -> list[SessionSummary]:
        answers = (
            select(T.c.session_id, func.count().label("n")).where(T.c.kind == "answer").group_by(T.c.session_id)
        ).subquery()
        means = (
            select(T.c.session_id, func.avg(C.c.overall).label("m"))
            .join(C, C.c.turn_id == T.c.id)
            .group_by(T.c.session_id)
        ).subquery()
        q = (
            select(S, answers.c.n, means.c.m)
            .outerjoin(answers, answers.c.session_id == S.c.id)
            .outerjoin(means, means.c.session_id == S.c.id)
            .where(S.c.owner == owner)
            .order_by(S.c.created_at.desc())
        )
        with translated(self.url), self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [
            SessionSummary(
                id=r.id,
                owner=r.owner,
                status=r.status,
                rounds=json.loads(r.plan).get("rounds", []),
                created_at=_utc(r.created_at) or _now(),
                updated_at=_utc(r.updated_at) or _now(),
                answers=int(r.n or 0),
                mean_overall=None if r.m is None else float(r.m),
                backend=r.backend,
            )
            for r in rows
        ]

    def get(self, owner: str, session_id: str) -> Session:
        with translated(self.url), self.engine.connect() as conn:
            srow = self._owned(conn, owner, session_id)
            trows = conn.execute(select(T).where(T.c.session_id == session_id).order_by(T.c.idx)).all()
            cards: dict[int, Row[Any]] = {}
            if trows:
                crows = conn.execute(select(C).where(C.c.turn_id.in_([t.id for t in trows])).order_by(C.c.id))
                cards = {c.turn_id: c for c in crows}  # latest wins
        plan = json.loads(srow.plan)
        return Session(
            id=srow.id,
            owner=srow.owner,
            rounds=plan.get("rounds") or ["behavioral"],
            minutes=plan.get("minutes", 45),
            seniority=plan.get("seniority", "mid"),
            job_description=plan.get("job_description"),
            backend=srow.backend,
            model=srow.model,
            status=srow.status,
            question_ids=plan.get("question_ids", []),
            focus=plan.get("focus"),
            created_at=_utc(srow.created_at) or _now(),
            updated_at=_utc(srow.updated_at) or _now(),
            turns=[_turn_from(t, cards.get(t.id)) for t in trows],
        )

    # ------------------------------------------------------------------- turns
    def add_turn(self, owner: str, session_id: str, turn: Turn) -> Turn:
        """Write-ahead: the answer is committed here, before anything scores it. Returns it with id and index."""
        return self.add_turn_once(owner, session_id, turn)[0]

    def add_turn_once(self, owner: str, session_id: str, turn: Turn) -> tuple[Turn, bool]:
        """Like add_turn, but a turn whose `turn_key` this session already holds is not stored again:
        returns (the turn as stored, True when it was stored now). A double submit, a retry or a reload that
        resubmits carries the same key, so it never makes a second turn."""
        values = {
            "session_id": session_id,
            "question_id": turn.question_id,
            "kind": turn.kind,
            "asked": self.redact.text(turn.asked),
            "answer": self.redact.text(turn.answer),
            "reply": None if turn.reply is None else self.redact.text(turn.reply),
            "asked_at": _utc(turn.asked_at),
            "submitted_at": _utc(turn.submitted_at) or _now(),
            "meta": json.dumps(self.redact.deep(turn.meta)),
            "turn_key": turn.turn_key,
        }
        for _attempt in range(20):
            try:
                with translated(self.url), self.engine.begin() as conn:
                    self._owned(conn, owner, session_id)
                    if turn.turn_key is not None:
                        row = conn.execute(
                            select(T.c.id).where(T.c.session_id == session_id, T.c.turn_key == turn.turn_key)
                        ).first()
                        if row is not None:
                            existing = self._turn(conn, int(row.id))
                            return existing, False
                    nxt: int = conn.execute(
                        select(func.coalesce(func.max(T.c.idx) + 1, 0)).where(T.c.session_id == session_id)
                    ).scalar_one()
                    key = conn.execute(T.insert().values(idx=nxt, **values)).inserted_primary_key
                    maybe_kill("store_write")  # reliability suite: die before the commit
                    assert key is not None
                    new_id = key[0]
                    conn.execute(update(S).where(S.c.id == session_id).values(updated_at=_now()))
                stored = {k: values[k] for k in ("asked", "answer", "reply")}  # as a reload reads it: secrets masked
                return turn.model_copy(update={"id": int(new_id), "index": int(nxt), **stored}), True
            except IntegrityError:
                continue  # another writer took this position or this key; look again
        raise NotFoundError(f"could not store a turn in session '{session_id}'", "try again")

    def _turn(self, conn: Any, turn_id: int) -> Turn:
        t = conn.execute(select(T).where(T.c.id == turn_id)).one()
        card = conn.execute(select(C).where(C.c.turn_id == turn_id).order_by(C.c.id.desc())).first()
        return _turn_from(t, card)

    def update_turn_meta(self, owner: str, turn_id: int, extra: dict[str, Any]) -> None:
        with translated(self.url), self.engine.begin() as conn:
            row = conn.execute(
                select(T.c.meta).join(S, S.c.id == T.c.session_id).where(T.c.id == turn_id, S.c.owner == owner)
            ).first()
            if row is None:
                raise NotFoundError(f"no turn {turn_id} for profile '{owner}'")
            meta = {**json.loads(row.meta or "{}"), **self.redact.deep(extra)}
            conn.execute(update(T).where(T.c.id == turn_id).values(meta=json.dumps(meta)))

    def attach_scorecard(
        self,
        owner: str,
        turn_id: int,
        card: Scorecard,
        prompt_version: str | None = None,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        latency_ms: float | None = None,
    ) -> None:
        data = self.redact.deep(card.model_dump(mode="json"))
        with translated(self.url), self.engine.begin() as conn:
            row = conn.execute(
                select(T.c.id).join(S, S.c.id == T.c.session_id).where(T.c.id == turn_id, S.c.owner == owner)
            ).first()
            if row is None:
                raise NotFoundError(f"no turn {turn_id} for profile '{owner}'")
            cid = conn.execute(
                C.insert().values(
                    turn_id=turn_id,
                    card=json.dumps(data),
                    overall=card.overall,
                    prompt_version=prompt_version,
                    prompt_tokens=prompt_tokens,
                    completion_tokens=completion_tokens,
                    latency_ms=latency_ms,
                    created_at=_now(),
                )
            ).inserted_primary_key
            assert cid is not None
            cid = cid[0]
            maybe_kill("store_write")
            rows = [
                {
                    "scorecard_id": cid,
                    "rubric": rid,
                    "criterion": crit,
                    "level": c.level,
                }
                for rid, r in card.rubrics.items()
                for crit, c in r.criteria.items()
            ]
            if rows:
                conn.execute(K.insert(), rows)

    def import_session(self, owner: str, session: Session) -> Session:
        """Re-create an exported session under `owner`; a new id is given when the old one exists."""
        with translated(self.url), self.engine.connect() as conn:
            taken = conn.execute(select(S.c.id).where(S.c.id == session.id)).first() is not None
        new = self.create(
            session.model_copy(
                update={"id": uuid.uuid4().hex[:12] if taken else session.id, "owner": owner, "turns": []}
            )
        )
        for t in sorted(session.turns, key=lambda t: t.index):
            stored = self.add_turn(owner, new.id, t.model_copy(update={"id": None, "scorecard": None, "usage": None}))
            if t.scorecard is not None and stored.id is not None:
                u = t.usage or TurnUsage()
                self.attach_scorecard(
                    owner, stored.id, t.scorecard, u.prompt_version, u.prompt_tokens, u.completion_tokens, u.latency_ms
                )
        return self.get(owner, new.id)

    def unscored_turns(self, owner: str, session_id: str) -> list[Turn]:
        """Answers stored but never scored (e.g. the process died mid-scoring): score them on resume."""
        return [t for t in self.get(owner, session_id).turns if t.kind == "answer" and t.scorecard is None]

    def seen_question_ids(self, owner: str) -> set[str]:
        q = (
            select(T.c.question_id)
            .join(S, S.c.id == T.c.session_id)
            .where(S.c.owner == owner, T.c.question_id.is_not(None))
            .distinct()
        )
        with translated(self.url), self.engine.connect() as conn:
            return {r[0] for r in conn.execute(q)}

    def criterion_history(self, owner: str) -> Sequence[Any]:
        q = (
            select(S.c.id.label("session_id"), S.c.created_at, T.c.question_id, K.c.rubric, K.c.criterion, K.c.level)
            .join(T, T.c.session_id == S.c.id)
            .join(C, C.c.turn_id == T.c.id)
            .join(K, K.c.scorecard_id == C.c.id)
            .where(S.c.owner == owner)
            .order_by(S.c.created_at, T.c.idx)
        )
        with translated(self.url), self.engine.connect() as conn:
            return conn.execute(q).all()
