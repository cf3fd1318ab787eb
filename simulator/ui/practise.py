""" "Practise this": a new one-question session, at once, on a question whose rubrics include the dimension, in
the round where the candidate met it (or the round that uses that rubric most)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import streamlit as st

from simulator.contracts import Question
from simulator.errors import MocksimError, NotFoundError
from simulator.interviewer.engine import Interviewer, Plan, WallClock
from simulator.ui.components import show_error
from simulator.ui.resources import bank, make_backend, runtime, store
from simulator.ui.resume import PARAM
from simulator.ui.state import AppState


def choose_question(
    dimension: str, questions: Sequence[Question], met_in: Sequence[str], seen: set[str]
) -> Question | None:
    """A question that scores `dimension` ("rubric.criterion" or "rubric"), in the round it was met in most,
    preferring one not practised yet."""
    rid = dimension.split(".")[0]
    fits = [q for q in questions if rid in q.rubrics]
    if not fits:
        return None
    rounds = Counter(met_in) or Counter(q.round for q in fits)
    best_round = max(rounds, key=lambda r: (rounds[r], r))
    in_round = [q for q in fits if q.round == best_round] or fits
    fresh = [q for q in in_round if q.id not in seen]
    return sorted(fresh or in_round, key=lambda q: q.id)[0]


def rounds_met(owner: str, dimension: str) -> list[str]:
    """The rounds of the questions where this dimension was scored."""
    rid, _, cid = dimension.partition(".")
    by_id = runtime().question_map
    return [
        by_id[r.question_id].round
        for r in store().criterion_history(owner)
        if r.rubric == rid and (not cid or r.criterion == cid) and r.question_id in by_id
    ]


def practise(s: AppState, dimension: str) -> None:
    """Start the session and open Practice on it."""
    rt = runtime()
    q = choose_question(dimension, rt.questions, rounds_met(s.profile, dimension), store().seen_question_ids(s.profile))
    if q is None:
        show_error(NotFoundError(f"no question in the bank practises {dimension}", "pick a round on Practice"))
        return
    try:
        with st.spinner("Starting a session on it…"):
            bank()
            iv = Interviewer(
                rt,
                make_backend(s.backend, s.llm_base_url, s.llm_model, s.llm_api_key),
                store(),
                s.profile,
                clock=WallClock(),
            )
            iv.start(Plan(rounds=[q.round], questions=1, question_ids=[q.id], focus=dimension))
    except MocksimError as err:
        show_error(err)
        return
    assert iv.session is not None
    s.interviewer, s.events, s.known_turns = iv, [], 0
    st.switch_page("simulator/ui/pages/practice.py", query_params={PARAM: iv.session.id})
