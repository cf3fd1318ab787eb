"""The sentence plan behind a rewrite: every sentence of the answer and the notes gets a STAR role and a
specificity reading; notes replace the vague sentences they make concrete, facts go to the role they belong
to, repeats are said once, "we" becomes "I" only where the candidate says the step was theirs, and each piece
that is still missing gets one question. The offline prose and the LLM prompt are both built from this plan."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from simulator.scoring.analysis import quantities
from simulator.scoring.injection import screen
from simulator.scoring.lexicon import Lexicon
from simulator.scoring.sentences import split_sentences
from simulator.scoring.star_model import ROLES as MODEL_ROLES
from simulator.scoring.star_model import StarClassifier, feature_matrix
from simulator.scoring.text import content_stems

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

FILLER = re.compile(
    r"^(?:so yeah|so basically|so|well|ok(?:ay)?|right|yeah|um+|uh+)[,.]?\s+"
    r"|\b(?:basically|honestly|literally|you know,?|kind of|sort of|um+,?|uh+,?)\s+",
    re.I,
)
OWN_TASK = re.compile(
    r"\b(?:my (?:job|role|task|goal|part|call|first real task)|i(?: was|'m| am) (?:responsible|asked|tasked|on the hook"
    r"|the one|the (?:\w+ )?(?:lead|owner|engineer|champion|manager))|i (?:owned|own|led|lead) the"
    r"|i (?:had|have|needed|need) to|i set out to|it was (?:on me|mine|my job)|(?:was|were|are|is) mine\b"
    r"|fell to me|i took (?:it )?on|i volunteered|i offered|i was (?:put )?in charge|i was given"
    r"|got (?:\w+ )?(?:sprints?|weeks?|months?|budget|time) for it"
    r"|(?:assigned|given) to me|asked me to|gave me|give me|as (?:the|their|a) [\w -]{2,30}, i)",
    re.I,
)
OWN_CLAIM = re.compile(r"\b(?:was|were) (?:mine|me|all me|my work|my part)\b|\bi did (?:it|that|this|them|the)", re.I)
CHANGE = re.compile(
    r"\b(?:(?:go|goes|went|drops?|dropped|falls?|fell|rises?|rose|decrease[sd]?|increase[sd]?|shrank|shrinks?|comes?|"
    r"came|cuts?|reduce[sd]?)(?: down| up)? (?:to|by|from)\b"
    r"|(?:dropped|fell|rose|cut|reduced|decreased|increased|shrank) (?=\d)|"
    r"halved|doubled|tripled|now (?:takes|runs|is|are|sits)|(?:after|since) (?:the|that|this) (?:fix|change|"
    r"release|launch|rollout)|afterwards|no longer|went away|saved)\b",
    re.I,
)
VAGUE = re.compile(
    r"\b(?:some|a lot|lots|a bunch|various|things|stuff|changes|better|faster|slower|happier|improved|issues|"
    r"problems|much|way more|way less|a while|somehow|worked on|looked into|slow|fast|quick|huge|big|messy|broken|"
    r"unhappy|happy|annoyed|frustrated|often|again and again|for ages|a few|a couple|a balance|a solution|a way|"
    r"pushed back|a new approach|an approach|some debate|got it done|the important ones|sort through|"
    r"the (?:problem|issue|bug|cause)|"
    r"(?:fix|fixed|found|solved|sorted|handled|dealt with|restored|did|cleaned) (?:it|them|that|this)|worked hard)\b",
    re.I,
)
WE = re.compile(r"\b(?:[Ww]e(?:'ve|'re|'d|'ll)?|[Oo]urselves|[Uu]s)\b")
WE_SUBJECT = re.compile(r"\b(?:we|the team|our team)\b", re.I)
I_SUBJECT = re.compile(r"\b(?:i|i've|i'd|i'm|myself)\b", re.I)
GENERIC_STEMS = frozenset(
    "i we our my me us team work thing time made make did do look into some change lot got had have was were".split()
)
FILLER_STEMS = frozenset("so yeah anyway ok okay right yes no well um uh i we it thing stuff".split())
_SWAP = {"we": "I", "We": "I", "we've": "I've", "We've": "I've", "we're": "I'm", "We're": "I'm", "we'd": "I'd"}
_SWAP |= {"We'd": "I'd", "we'll": "I'll", "We'll": "I'll", "us": "me", "Us": "Me", "ourselves": "myself"}
_SWAP |= {"Ourselves": "Myself"}
JOINT = re.compile(r"\b(?:discuss|talk|agree|met|meet|debate|decide|sat down|chat|argu)", re.I)
OUTCOME = re.compile(
    r"\b(?:better|faster|quicker|sooner|happier|calmer|easier|smoother|stable|solid|fine|ok|okay|relieved|"
    r"went away|worked out|went well|improved|resolved|fixed|solved|done|completed|adopted|liked|loved|"
    r"more (?:\w+)|less (?:\w+)|on time|proceeded|succeeded|successfully|went away)\b",
    re.I,
)
# A figure told with one of these is an outcome, whoever the subject ("we went live 2 days early").
AFTERWARDS = re.compile(
    r"\b(?:in the (?:next|following|first) \w+|by the end|since then|from then on|afterwards|early|on time|"
    r"went live|with no (?:\w+ )?(?:incident|failed|lost|outage|downtime|error|finding)s?|no \w+ (?:was|were) "
    r"(?:lost|used)|used it|signed|won|passed|stayed|finished|finish|cleared|every \w+ since|in total|now|"
    r"instead of|the next \w+|no (?:dropped|failed|lost) \w+|peaked)\b",
    re.I,
)
CLAUSE = re.compile(
    r",? (?:and|but|so) (?=(?:it|things|everything|that|this|the \w+|people|customers|users|everyone|everybody|"
    r"they|now|we)\b)|, (?:and|but|so) (?=\w)",
    re.I,
)
NEED = re.compile(r"\b(?:needed|need|needs|had to|has to|must|wanted|asked)\b", re.I)
LONG = 20  # words: longer answer sentences are read clause by clause
DUPLICATE = 0.9  # cosine at which a note restates a sentence already told (MiniLM, checked on the dashboard case)


@dataclass
class Unit:
    """One sentence of the story, as planned."""

    text: str
    role: str
    source: str  # answer | notes
    index: int  # position in its source
    specific: bool
    vague: bool
    facts: list[str]
    original: str = ""
    replaces: list[str] = field(default_factory=list)  # vague answer sentences this note sentence replaced
    voice: str = ""  # "we→I" when the subject was changed on the candidate's word
    asks_owner: bool = False  # a "we" step the candidate has not claimed


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


def clean(text: str) -> str:
    """Filler trimmed; the first letter raised only where it is an ordinary word ("p95", "iOS" stay as typed)."""
    out = FILLER.sub("", text.strip()).strip()
    out = re.sub(r"\s{2,}", " ", out)
    first = out.split(" ", 1)[0].replace("'", "") if out else ""
    if first and first.isalpha() and first.islower():
        out = out[0].upper() + out[1:]
    if out and out[-1] not in ".!?":
        out += "."
    return out


def facts_of(text: str, lex: Lexicon) -> list[str]:
    found = quantities(text.lower(), lex) + re.findall(r"\d[\d,.]*\d|\d", text) + lex.tech_terms(text)
    return list(dict.fromkeys(found))


def role_of(text: str, probs: np.ndarray, lex: Lexicon, first: bool = False) -> str:
    """The model's role, corrected where the sentence says plainly what it is."""
    low = text.lower()
    has_i = bool(I_SUBJECT.search(low))
    qty = quantities(low, lex) or re.findall(r"\d", low)
    mine = bool(re.match(r"\s*(?:i|we)\b", low))
    lesson = [c for c in lex.find("learning_cues", low) if c != "changed how"] or re.search(
        r"changed how (?:i|we)\b", low
    )
    if lesson and not qty:
        return "learning"
    if OWN_TASK.search(low) and not lex.has("before_after", low):
        return "task"
    if lex.has("task_cues", low) and NEED.search(low) and not (lex.has("before_after", low) or CHANGE.search(low)):
        return "task"  # a goal or a constraint: "finance needed it under a minute before the close"
    if mine and qty and lex.has("before_after", low) and not (CHANGE.search(low) or AFTERWARDS.search(low)):
        return "action"  # "I raised concurrency from 4 to 16": a setting they changed, not the outcome
    if qty and (lex.has("before_after", low) or (CHANGE.search(low) and not mine) or AFTERWARDS.search(low)):
        return "result"
    if not qty and not mine and OUTCOME.search(low) and not I_SUBJECT.search(low):
        return "result"
    ranked = [MODEL_ROLES[i] for i in np.argsort(-probs)]
    best = next(r for r in ranked if r != "other")
    if best == "learning" and not lex.has("learning_cues", low):
        best = "result"
    if best == "task" and not (OWN_TASK.search(low) or (lex.has("task_cues", low) and (has_i or "my " in low))):
        best = next(r for r in ranked if r not in ("other", "learning", "task"))  # no one's own task in it
    outcome = CHANGE.search(low) or OUTCOME.search(low) or AFTERWARDS.search(low)
    if best in ("result", "learning") and first and not outcome:
        return "situation"  # an answer opens with its setting unless it says otherwise
    if best == "action" and qty and not outcome and not (has_i or WE_SUBJECT.search(low)):
        return "situation"  # figures with nobody acting on them: the setting
    if best == "result" and qty and not outcome:
        best = next(
            r for r in ranked if r not in ("other", "learning", "result")
        )  # a figure with no change: the setting
    if best in ("result", "learning") and has_i and not qty and not lex.has("result_cues", low):
        return "action"  # a step of theirs, not an outcome
    return best


def _clauses(sentence: str) -> list[str]:
    """A long or compound answer sentence ("I changed the queries and it got faster") told as its parts."""
    parts = [p.strip(" ,;") for p in CLAUSE.split(sentence)]
    if len(parts) < 2 or any(len(p.split()) < 3 for p in parts):
        return [sentence]
    handover = bool(I_SUBJECT.match(parts[0])) and any(re.match(r"we\b", p, re.I) for p in parts[1:])
    if (
        len(sentence.split()) < LONG
        and not handover
        and not any(OUTCOME.search(p) or CHANGE.search(p) for p in parts[1:])
    ):
        return [sentence]
    return [p if p[-1] in ".!?" else p + "." for p in parts]


def _probabilities(star: StarClassifier, texts: list[str], story: bool) -> np.ndarray:
    """Role probabilities: an answer is read as a story told in order; notes are read sentence by sentence,
    since the order a candidate jots notes in says nothing about where a fact belongs."""
    if story:
        return star.probabilities(texts)
    coef, intercept = star.weights()
    vectors = np.stack([e.vector for e in star.encoder.encode(texts)])
    n = len(texts)
    x = feature_matrix(vectors, texts, [None] * n, [1] * n, [f"note-{i}" for i in range(n)], star.lex, 0.0)
    logits = x @ coef.T + intercept
    return np.asarray(logits - logits.max(axis=1, keepdims=True))


def _read(source: str, kind: str, star: StarClassifier, lex: Lexicon) -> list[Unit]:
    sents = [s.text for s in split_sentences(screen(source, lex).text) if not s.is_code and s.text.strip()]
    if kind == "answer":
        sents = [c for s in sents for c in _clauses(s)]
    if not sents:
        return []
    probs = _probabilities(star, sents, kind == "answer")
    out = []
    for i, (raw, p) in enumerate(zip(sents, probs, strict=True)):
        low = raw.lower()
        text = clean(raw)
        facts = facts_of(text, lex)
        if (lex.has("platitudes", low) and not facts) or not content_stems(text) - FILLER_STEMS:
            out.append(Unit(text, "other", kind, i, False, False, [], raw))
            continue
        vague = lex.has("vague_claims", low) or bool(VAGUE.search(low))
        concrete_step = bool(I_SUBJECT.search(low) or WE_SUBJECT.search(low)) and len(text.split()) >= 8
        specific = bool(facts) or ((bool(lex.shaped_terms(text)) or concrete_step) and not vague)
        vague = vague and not specific
        role = role_of(text, p, lex, i == 0 and kind == "answer")
        vague = vague or (role == "result" and not facts)  # an outcome with no measure is the vague kind
        out.append(Unit(text, role, kind, i, specific, vague and not specific, facts, raw))
    return out


def _subject(u: Unit) -> frozenset[str]:
    return frozenset(s for s in content_stems(u.text) if s not in GENERIC_STEMS)


class Planner:
    def __init__(self, star: StarClassifier, lex: Lexicon) -> None:
        self.star, self.lex = star, lex

    def plan(self, answer: str, notes: str) -> Plan:
        ans = _read(answer, "answer", self.star, self.lex)
        nts = _read(notes, "notes", self.star, self.lex) if notes.strip() else []
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
            if sims[k, j] < DUPLICATE:
                keep.append(n)
                continue
            a = ans[j]
            if len(n.facts) > len(a.facts):
                a.text, a.facts, a.specific, a.vague = n.text, n.facts, True, False
                a.replaces.append(a.original)
            dropped.append(Dropped(n.original, "notes", "duplicate", a.original))
        return keep

    def _merge(self, ans: list[Unit], nts: list[Unit], dropped: list[Dropped]) -> list[Unit]:
        """Each vague answer sentence gives way to the notes' concrete sentences of the same role (preferring
        the one about the same thing); notes with nothing to replace join their role's part of the story."""
        placed: list[Unit] = []
        used: set[int] = set()
        for role in ORDER:
            concrete = [n for n in nts if n.role == role and n.specific and id(n) not in used]
            for a in [u for u in ans if u.role == role]:
                if not (a.vague and concrete):
                    placed.append(a)
                    continue
                subject = _subject(a)
                best = max(concrete, key=lambda n: len(_subject(n) & subject))
                best.replaces.append(a.original)
                dropped.append(Dropped(a.original, "answer", "replaced", best.text))
                if id(best) not in used:
                    placed.append(best)
                    used.add(id(best))
            placed += [n for n in nts if n.role == role and id(n) not in used]
            used.update(id(n) for n in nts if n.role == role)
        return placed

    def _voice(self, story: list[Unit], every: list[Unit]) -> None:
        """'We' becomes 'I' in a step only where another sentence says that step was the candidate's."""
        claims = [
            u
            for u in every
            if (
                OWN_CLAIM.search(u.text) or OWN_TASK.search(u.text) or (u.role == "action" and I_SUBJECT.search(u.text))
            )
            and not WE_SUBJECT.search(u.text)
        ]
        claimed = frozenset().union(*(_subject(c) for c in claims)) if claims else frozenset()
        for u in story:
            low = u.text.lower()
            step = u.role == "action" or (u.role == "result" and not u.facts and re.match(r"\s*we\b", low))
            if not step or not WE_SUBJECT.search(low) or I_SUBJECT.search(low) or JOINT.search(low):
                continue
            if _subject(u) & claimed and re.search(r"\bwe\b", low):
                u.text = WE.sub(lambda m: _SWAP.get(m.group(0), m.group(0)), u.text)
                u.voice = "we→I"
            else:
                u.asks_owner = True

    def _missing(self, story: list[Unit]) -> list[str]:
        out = []
        roles = {u.role for u in story}
        if "situation" not in roles:
            out.append("situation")
        if "task" not in roles:
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
