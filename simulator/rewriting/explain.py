"""Why the rewrite is better: what was replaced, moved or added from the notes, the per-criterion gains, and
what to fill in next, ordered by how much each piece would raise the score."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from simulator.contracts import Scorecard
from simulator.rewriting.plan import PIECE_ROLE, QUESTIONS, Plan
from simulator.rewriting.prose import Segment, prose

# Stand-in answers used only to estimate what filling a piece is worth; never shown and never in a rewrite.
# Plain, typical sentences for each part (written for this estimate, not fitted).
PROBES = {
    "situation": "At the time our billing service was timing out for about 2,000 customers a day.",
    "task": "My job was to fix it within two weeks without any downtime.",
    "action": "I profiled the service, found the slow query and added an index on two columns.",
    "action_detail": "I profiled it with py-spy and added a composite index on two columns.",
    "ownership": "I wrote the fix and the migration myself.",
    "result": "Errors went from 4% to 0.5% within a week.",
    "result_figure": "Errors went from 4% to 0.5% within a week.",
    "learning": "I learned to add an alert on query counts, and I now check query plans before a release.",
}


@dataclass
class Change:
    kind: str  # replaced | moved | added | merged | dropped | voice
    text: str
    was: str = ""
    role: str = ""

    def public(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


@dataclass
class NextStep:
    piece: str
    question: str
    gain: int  # estimated points of overall score

    def public(self) -> dict[str, object]:
        return asdict(self)


def changes(plan: Plan) -> list[Change]:
    out: list[Change] = []
    answer_order = [u.index for u in plan.units if u.source == "answer"]
    for u in plan.units:
        if u.source == "notes":
            if u.replaces:
                out += [Change("replaced", u.text, was, u.role) for was in u.replaces]
            else:
                out.append(Change("added", u.text, "", u.role))
            continue
        if u.replaces:
            out.append(Change("merged", u.text, u.replaces[0], u.role))
        k = answer_order.index(u.index)
        if any(i > u.index for i in answer_order[:k]) or any(i < u.index for i in answer_order[k + 1 :]):
            out.append(Change("moved", u.text, "", u.role))
        if u.voice:
            out.append(Change("voice", u.text, u.original, u.role))
    for d in plan.dropped:
        if d.reason in ("duplicate", "filler"):
            out.append(Change("dropped", d.text, d.by, d.reason))
    return out


def criterion_gains(before: Scorecard, after: Scorecard) -> dict[str, dict[str, int]]:
    """{'star.result': {'before': 1, 'after': 4, 'gain': 3}, …} for every criterion on both cards."""
    out = {}
    for rid, rb in before.rubrics.items():
        ra = after.rubrics.get(rid)
        if ra is None:
            continue
        for cid, cb in rb.criteria.items():
            ca = ra.criteria.get(cid)
            if ca is not None:
                out[f"{rid}.{cid}"] = {"before": cb.level, "after": ca.level, "gain": ca.level - cb.level}
    return out


def next_steps(
    plan: Plan, segs: list[Segment], after: Scorecard, score: Callable[[list[str]], list[Scorecard]]
) -> list[NextStep]:
    """Each missing piece, with what a typical answer to it would add to the overall score, biggest first."""
    if not plan.missing:
        return []
    texts = []
    for piece in plan.missing:
        probe = [
            Segment(s.role, PROBES[piece], "sentence") if s.kind == "placeholder" and s.text == QUESTIONS[piece] else s
            for s in segs
            if not (s.kind == "placeholder" and s.text != QUESTIONS[piece])
        ]
        texts.append(prose(probe))
    cards = score(texts)
    steps = [
        NextStep(p, QUESTIONS[p], max(0, c.overall - after.overall)) for p, c in zip(plan.missing, cards, strict=True)
    ]
    order = {p: i for i, p in enumerate(PIECE_ROLE)}
    return sorted(steps, key=lambda s: (-s.gain, order[s.piece]))
