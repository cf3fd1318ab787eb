"""From a sentence plan to spoken prose: one paragraph in story order, light spoken links between the parts,
each still-missing piece asked once where it belongs, and a margin role for every sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.rewriting.plan import LABELS, ORDER, PIECE_ROLE, QUESTIONS, Plan, Unit
from simulator.rewriting.words import RewriteWords


@dataclass
class Segment:
    role: str
    text: str
    kind: str  # sentence | placeholder
    source: str = ""  # answer | notes (sentences only)


def words_in(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][\w'.%-]*", text))


def _linked(text: str, role: str, ordinary: set[str], links: dict[str, str]) -> str:
    """'So I …', 'In the end, load time …': only where the first word is one the candidate writes in lower case
    (or "I"), so no name or term loses its capital."""
    link = links.get(role)
    first = text.split(" ", 1)[0]
    if link is None or not first.isalpha() or first.lower() == link.split(" ", 1)[0].strip(",").lower():
        return text  # "Now I ask for…" is not told "Now, looking back, now I ask for…"
    if first == "I":
        return f"{link} {text}"
    if first.lower() in ordinary and first[0].isupper():
        return f"{link} {first.lower()}{text[len(first) :]}"
    return text


def trim(plan: Plan, max_words: int) -> list[Unit]:
    """Over two minutes: the least specific sentences go first, never the last one of a part."""
    units = list(plan.units)
    while sum(words_in(u.text) for u in units) > max_words:
        spare = [u for u in units if sum(1 for v in units if v.role == u.role) > 1]
        if not spare:
            break
        worst = min(spare, key=lambda u: (u.specific, len(u.facts), -words_in(u.text)))
        units.remove(worst)
    return units


def segments(plan: Plan, sources: str, w: RewriteWords) -> list[Segment]:
    ordinary = set(re.findall(r"\b[a-z][a-z']+\b", sources))
    units = trim(plan, w.data.max_words)
    out: list[Segment] = []
    for role in ORDER:
        mine = [u for u in units if u.role == role]
        for k, u in enumerate(mine):
            text = _linked(u.text, role, ordinary, w.data.links) if k == 0 and out else u.text
            out.append(Segment(role, text, "sentence", u.source))
        out += [Segment(role, QUESTIONS[p], "placeholder") for p in plan.missing if PIECE_ROLE[p] == role]
    return out


def prose(segs: list[Segment]) -> str:
    return " ".join(s.text for s in segs)


def margin_markdown(segs: list[Segment], title: str = "Your answer, as you would say it") -> str:
    """Markdown: the story as one paragraph to say, then the same sentences with their part in the margin."""
    rows = ["| part | what you say |", "|---|---|"]
    for role in ORDER:
        part = " ".join(s.text for s in segs if s.role == role).replace("|", "\\|")
        if part:
            rows.append(f"| *{LABELS[role]}* | {part} |")
    return f"# {title}\n\n{prose(segs)}\n\n" + "\n".join(rows) + "\n"
