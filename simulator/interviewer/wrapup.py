"""The end of a session: per-rubric averages, strongest and weakest dimensions with quotes, three drills,
and the focus for the next session."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from simulator.contracts import Question, Rubric, Scorecard
from simulator.interviewer.events import Highlight, PhaseWalk, WrapUp
from simulator.interviewer.phases import PhaseState


def wrap_up_of(
    session_id: str, final_cards: dict[str, Scorecard], questions: dict[str, Question], rubrics: dict[str, Rubric]
) -> WrapUp:
    if not final_cards:
        return WrapUp(
            session_id=session_id,
            answered=0,
            message="No answers were scored in this session.",
            rubric_averages={},
            strongest=None,
            weakest=None,
            drills=[],
            next_focus=None,
            overall_mean=None,
        )
    by_rubric: dict[str, list[float]] = defaultdict(list)
    by_crit: dict[str, list[tuple[int, str, list[str], str]]] = defaultdict(list)
    for qid, card in final_cards.items():
        for rid, r in card.rubrics.items():
            by_rubric[rid].append(r.score)
            for cid, c in r.criteria.items():
                if _known(rubrics, rid, cid):  # a card stored before a rubric edit may name a retired criterion
                    by_crit[f"{rid}.{cid}"].append((c.level, qid, _own_quotes(card, rid, cid), c.feedback))
    means = {k: float(np.mean([x[0] for x in v])) for k, v in by_crit.items()}
    order = sorted(means, key=lambda k: (means[k], k))

    def detail(key: str, best: bool) -> Highlight:
        rows = sorted(by_crit[key], key=lambda x: x[0], reverse=best)
        _, qid, evidence, feedback = rows[0]
        rid, cid = key.split(".")
        return Highlight(
            criterion=key,
            name=rubrics[rid].criterion(cid).name,
            mean_level=round(means[key], 2),
            question_id=qid,
            quotes=evidence[:2],
            feedback=feedback,
        )

    drills, drill_items = [], []
    for key in order[:3]:
        rid, cid = key.split(".")
        crit = rubrics[rid].criterion(cid)
        qid = min(by_crit[key], key=lambda x: x[0])[1]
        q = questions.get(qid)
        where = f"re-answer “{_short(q.prompt)}” ({qid})" if q else "re-answer your weakest question"
        drills.append(
            f"{crit.name} ({key}, mean {means[key]:.1f}/5): {crit.advice.strip()} Drill: {where} "
            f"and make sure you can answer “{crit.probes[0]}”"
        )
        drill_items.append(  # the same drill in words only, for screens that show no ids
            f"{crit.name} (mean {means[key]:.1f}/5): {crit.advice.strip()} Drill: "
            + (f"re-answer “{_short(q.prompt)}”" if q else "re-answer your weakest question")
            + f" and make sure you can answer “{crit.probes[0]}”"
        )
    return WrapUp(
        session_id=session_id,
        answered=len(final_cards),
        overall_mean=round(float(np.mean([c.overall for c in final_cards.values()])), 1),
        rubric_averages={k: round(float(np.mean(v)), 2) for k, v in sorted(by_rubric.items())},
        strongest=detail(order[-1], True) if order else None,
        weakest=detail(order[0], False) if order else None,
        drills=drills,
        drills_in_words=drill_items,
        next_focus=order[0] if order else None,
    )


def _known(rubrics: dict[str, Rubric], rid: str, cid: str) -> bool:
    return rid in rubrics and any(c.id == cid for c in rubrics[rid].criteria)


def _own_quotes(card: Scorecard, rid: str, cid: str) -> list[str]:
    """A criterion's own evidence, the quotes no other criterion of the same answer cites first, so "Strongest:
    Failure modes" leads with a sentence that earned that criterion its level, never another criterion's."""
    others = {
        q.strip().lower()
        for r2, r in card.rubrics.items()
        for c2, c in r.criteria.items()
        if (r2, c2) != (rid, cid)
        for q in c.evidence
    }
    own = [q for q in card.rubrics[rid].criteria[cid].evidence if q.strip()]
    return sorted(own, key=lambda q: q.strip().lower() in others)


def _short(prompt: str, words: int = 10) -> str:
    """The opening words of a question, so a drill names it in words and not only by id."""
    parts = prompt.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def phases_summary(log: dict[str, PhaseState], rounds: dict[str, str]) -> dict[str, PhaseWalk]:
    """Per phased question: which phases the conversation reached, of which."""
    return {
        qid: PhaseWalk(
            round=rounds.get(qid),
            reached=st.names(),
            of=[p.name for p in st.phases],
            missed=[p.name for p in st.phases if p.id not in st.reached],
        )
        for qid, st in log.items()
    }
