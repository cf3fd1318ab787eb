"""Why the rewrite is better: what was replaced, moved or added from the notes, the per-criterion gains, and
what to fill in next, ordered by how much each piece would raise the score."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from simulator.contracts import Scorecard
from simulator.rewriting.plan import PIECE_ROLE, QUESTIONS, Plan
from simulator.rewriting.prose import Segment, prose, words_in
from simulator.rewriting.words import RewriteWords


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
    plan: Plan,
    segs: list[Segment],
    after: Scorecard,
    score: Callable[[list[str]], list[Scorecard]],
    probes: dict[str, str],
) -> list[NextStep]:
    """Each missing piece, with what a typical answer to it would add to the overall score, biggest first.
    The estimate puts a plain stand-in sentence (`probes` in rubrics/lexicon/rewrite.yaml) in the piece's place;
    it is never shown."""
    if not plan.missing:
        return []
    texts = []
    for piece in plan.missing:
        probe = [
            Segment(s.role, probes[piece], "sentence") if s.kind == "placeholder" and s.text == QUESTIONS[piece] else s
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


def length_notice(words: int, segs: list[Segment], missing: list[str], w: RewriteWords) -> str | None:
    """Under a minute of speech: say so, and say where more of the candidate's own facts would go, instead of
    padding the story with words they did not give."""
    d = w.data
    if words >= d.min_words:
        return None
    seconds = round(words / d.words_per_minute * 60)
    told = {r: sum(words_in(s.text) for s in segs if s.kind == "sentence" and s.role == r) for r in d.length_hints}
    thinnest = min(told, key=lambda r: (told[r] / d.length_shares[r], list(told).index(r)))
    first = "answer the questions in brackets, then " if missing else ""
    return (
        f"This story runs {words} words, about {seconds} s spoken; a full answer is {d.min_words}-{d.max_words} "
        f"words (one to two minutes). Nothing was added to lengthen it, since every fact must be yours: "
        f"{first}add more to the notes about {d.length_hints[thinnest]}."
    )
