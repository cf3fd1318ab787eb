"""The sentence plan behind a rewrite: every sentence of the answer and the notes gets a STAR role and a
specificity reading; notes replace the vague sentences they make concrete, facts go to the role they belong
to, repeats are said once, "we" becomes "I" only where the candidate says the step was theirs, and each piece
that is still missing gets one question. The offline prose and the LLM prompt are both built from this plan."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from simulator.rewriting.reading import Unit, names, read, role_of
from simulator.rewriting.words import RewriteWords
from simulator.scoring.analysis import quantities
from simulator.scoring.lexicon import Lexicon
from simulator.scoring.star_model import StarClassifier

__all__ = ["LABELS", "ORDER", "PIECE_ROLE", "QUESTIONS", "Dropped", "Plan", "Planner", "Unit", "role_of"]

ORDER = ("situation", "task", "action", "result", "learning")
LABELS = {"situation": "Setting", "task": "Your task", "action": "Actions", "result": "Result", "learning": "Lesson"}

# One question per missing piece, answerable in the Rewrite page's notes box.
QUESTIONS = {
    "situation": "[Where was this: which system or team, and what was going wrong?]",
    "task": "[What did you personally own here?]",
    "action": "[What steps did you take yourself, in order?]",
    "action_detail": "[What exactly did you change, and with which tools?]",
    "ownership": "[Which of these did you do yourself?]",
    "result": "[How did it turn out, and by how much?]",
    "result_figure": "[How much did it change? Give the figure before and after.]",
    "learning": "[What did you learn, or what would you do differently?]",
}
# Where each piece's question sits in the story.
PIECE_ROLE = {
    "situation": "situation",
    "task": "task",
    "action": "action",
    "action_detail": "action",
    "ownership": "action",
    "result": "result",
    "result_figure": "result",
    "learning": "learning",
}


@dataclass
class Dropped:
    text: str
    source: str
    reason: str  # replaced | duplicate | filler
    by: str = ""


@dataclass
class Plan:
    units: list[Unit]
    missing: list[str]  # piece ids, in story order
    dropped: list[Dropped]

    def by_role(self, role: str) -> list[Unit]:
        return [u for u in self.units if u.role == role]

    @property
    def placeholders(self) -> list[str]:
        return [QUESTIONS[p] for p in self.missing]


def _subject(u: Unit, w: RewriteWords) -> frozenset[str]:
    return names(u.text, w)


class Planner:
    def __init__(self, star: StarClassifier, lex: Lexicon, words: RewriteWords) -> None:
        self.star, self.lex, self.w = star, lex, words

    def plan(self, answer: str, notes: str) -> Plan:
        ans = read(answer, "answer", self.star, self.lex, self.w)
        nts = read(notes, "notes", self.star, self.lex, self.w) if notes.strip() else []
        dropped = [Dropped(u.original, u.source, "filler") for u in ans + nts if u.role == "other"]
        ans = [u for u in ans if u.role != "other"]
        nts = [u for u in nts if u.role != "other"]
        nts = self._dedupe(ans, nts, dropped)
        story = self._merge(ans, nts, dropped)
        self._voice(story, ans + nts)
        return Plan(story, self._missing(story), dropped)

    def _dedupe(self, ans: list[Unit], nts: list[Unit], dropped: list[Dropped]) -> list[Unit]:
        """A note that restates an answer sentence is said once: the more specific wording wins."""
        if not ans or not nts:
            return nts
        enc = self.star.encoder.encode([u.text for u in ans + nts])
        vecs = np.stack([e.vector for e in enc])
        sims = vecs[len(ans) :] @ vecs[: len(ans)].T
        keep = []
        for k, n in enumerate(nts):
            j = int(np.argmax(sims[k]))
            if sims[k, j] < self.w.data.duplicate_cosine:
                keep.append(n)
                continue
            a = ans[j]
            if len(n.facts) > len(a.facts):
                a.text, a.facts, a.specific, a.vague = n.text, n.facts, True, False
                a.replaces.append(a.original)
            dropped.append(Dropped(n.original, "notes", "duplicate", a.original))
        return keep

    def _merge(self, ans: list[Unit], nts: list[Unit], dropped: list[Dropped]) -> list[Unit]:
        """Each vague answer sentence gives way to the notes' concrete sentences of the same role, the one about
        the same thing first. In the setting, a vague sentence about something no note names stays: it is
        background the notes leave out. Notes with nothing to replace join their role's part of the story."""
        placed: list[Unit] = []
        used: set[int] = set()
        keep_unmatched = set(self.w.data.keep_unmatched_vague_in)
        for role in ORDER:
            concrete = [n for n in nts if n.role == role and n.specific and id(n) not in used]
            for a in [u for u in ans if u.role == role]:
                subject = _subject(a, self.w)
                shared = [n for n in concrete if _subject(n, self.w) & subject]
                if not (a.vague and concrete) or (role in keep_unmatched and subject and not shared):
                    placed.append(a)
                    continue
                best = max(concrete, key=lambda n: len(_subject(n, self.w) & subject))
                best.replaces.append(a.original)
                dropped.append(Dropped(a.original, "answer", "replaced", best.text))
                if id(best) not in used:
                    placed.append(best)
                    used.add(id(best))
            placed += [n for n in nts if n.role == role and id(n) not in used]
            used.update(id(n) for n in nts if n.role == role)
        return placed

    def _voice(self, story: list[Unit], every: list[Unit]) -> None:
        """'We' becomes 'I' in a step only where another sentence says that step was the candidate's. A step is
        an action, or an outcome without a figure that says the team did something ("in the end we shipped it")."""
        w = self.w
        claims = [
            u
            for u in every
            if (
                w.own_claim.search(u.text)
                or w.own_task.search(u.text)
                or (u.role == "action" and w.i_subject.search(u.text))
            )
            and not w.we_subject.search(u.text)
        ]
        claimed = frozenset().union(*(_subject(c, w) for c in claims)) if claims else frozenset()
        for u in story:
            low = u.text.lower()
            step = u.role == "action" or (u.role == "result" and not u.facts and w.we_did.search(low))
            if not step or not w.we_subject.search(low) or w.i_subject.search(low) or w.joint.search(low):
                continue
            if _subject(u, w) & claimed and re.search(r"\bwe\b", low):
                u.text = w.we.sub(lambda m: w.swap(m.group(0)), u.text)
                u.voice = "we→I"
            else:
                u.asks_owner = True

    def _missing(self, story: list[Unit]) -> list[str]:
        out = []
        roles = {u.role for u in story}
        if "situation" not in roles:
            out.append("situation")
        # a need told only for the group ("everyone knew we had to move") is not what the candidate owned
        owned = [
            u for u in story if u.role == "task" and not (self.w.team.search(u.text) and not self.w.me.search(u.text))
        ]
        if not owned:
            out.append("task")
        actions = [u for u in story if u.role == "action"]
        if not actions:
            out.append("action")
        elif not any(u.specific for u in actions):
            out.append("action_detail")
        if any(u.asks_owner for u in story):
            out.append("ownership")
        results = [u for u in story if u.role == "result"]
        if not results:
            out.append("result")
        elif not any(quantities(u.text.lower(), self.lex) or re.search(r"\d", u.text) for u in results):
            out.append("result_figure")
        if "learning" not in roles:
            out.append("learning")
        return out
