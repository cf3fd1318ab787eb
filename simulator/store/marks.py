"""Evidence tied to its criterion: an answer as HTML with each quote marked in its rubric's colour, a legend,
and CSS so that hovering (or, in an export, clicking) a criterion marks only that criterion's quotes.

Used by the app's scorecard and by the HTML export, so both show the same marks."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.contracts import Rubric

# One colour per rubric (light enough to read black text over), in the order the rubrics are listed.
PALETTE = ["#ffe08a", "#a8e6cf", "#b5d3ff", "#ffc4d6", "#d7c4ff", "#ffd1a8", "#c8f0a0", "#b8f0f0", "#e0d0b8"]
UNKNOWN = "#e4e4e4"


def rubric_colours(rubric_ids: list[str]) -> dict[str, str]:
    return {rid: PALETTE[i % len(PALETTE)] for i, rid in enumerate(sorted(rubric_ids))}


def css_id(key: str) -> str:
    """'tradeoffs.alternatives' -> 'c-tradeoffs--alternatives' (safe in a class name)."""
    return "c-" + re.sub(r"[^a-z0-9_]", "-", key.lower().replace(".", "--"))


@dataclass(frozen=True)
class Criterion:
    key: str  # rubric.criterion
    rubric: str
    name: str
    rubric_name: str
    level: int
    quotes: tuple[str, ...]
    colour: str


def criteria(
    card_rubrics: Mapping[str, Any], rubrics: Mapping[str, Rubric], colours: Mapping[str, str]
) -> list[Criterion]:
    """The criteria of a scorecard's public shape (`Scorecard.public()["rubrics"]`), named and coloured."""
    out = []
    for rid, r in card_rubrics.items():
        rub = rubrics.get(rid)
        for cid, c in r["criteria"].items():
            try:
                name = rub.criterion(cid).name if rub else cid.replace("_", " ")
            except (KeyError, ValueError):
                name = cid.replace("_", " ")
            out.append(
                Criterion(
                    f"{rid}.{cid}",
                    rid,
                    name,
                    rub.name if rub else rid,
                    int(c["level"]),
                    tuple(q for q in c.get("evidence") or [] if q.strip()),
                    colours.get(rid, UNKNOWN),
                )
            )
    return out


def _spans(answer: str, quote: str) -> list[tuple[int, int]]:
    """Where a quote occurs in the answer (case and runs of spaces ignored)."""
    words = quote.split()
    if not words:
        return []
    pattern = r"\s+".join(re.escape(w) for w in words)
    return [(m.start(), m.end()) for m in re.finditer(pattern, answer, flags=re.IGNORECASE)]


FENCE_LINE = re.compile(r"(?m)^[ \t]*```[\w+#.-]*[ \t]*(?:\n|$)")


def marked_answer(answer: str, crits: list[Criterion], only: str | None = None) -> str:
    """The answer as escaped HTML; each quoted stretch in a <mark> carrying the classes of the criteria it backs.
    With `only`, just that criterion's quotes are marked."""
    owners: list[set[int]] = [set() for _ in answer]
    for i, c in enumerate(crits):
        if only is not None and c.key != only:
            continue
        for q in c.quotes:
            for a, b in _spans(answer, q):
                for k in range(a, b):
                    owners[k].add(i)
    out: list[str] = []
    start = 0
    for k in range(1, len(answer) + 1):
        if k == len(answer) or owners[k] != owners[start]:
            piece = html.escape(answer[start:k])
            who = sorted(owners[start])
            if who:
                classes = " ".join(css_id(crits[i].key) for i in who)
                names = html.escape("; ".join(crits[i].name for i in who))
                colour = crits[who[0]].colour
                out.append(f"<mark class='ev {classes}' style='background:{colour}' title='{names}'>{piece}</mark>")
            else:
                out.append(piece)
            start = k
    return FENCE_LINE.sub("", "".join(out))  # the code itself stays; its ``` fence lines are not prose to mark


def legend(crits: list[Criterion]) -> str:
    seen: dict[str, tuple[str, str]] = {}
    for c in crits:
        seen.setdefault(c.rubric, (c.rubric_name, c.colour))
    return "".join(
        f"<span class='ev-legend'><span class='ev-swatch' style='background:{colour}'></span>{html.escape(name)}</span>"
        for name, colour in seen.values()
    )


def hover_css(scope: str, crits: list[Criterion]) -> str:
    """Hovering a criterion in `scope` leaves only its own quotes marked (CSS :has, no script)."""
    rules = [
        f".{scope} .ev-legend{{display:inline-flex;align-items:center;margin-right:1rem;font-size:.85rem}}",
        f".{scope} .ev-swatch{{width:.9rem;height:.9rem;border-radius:3px;margin-right:.3rem;display:inline-block}}",
        f".{scope} .ev-crit{{cursor:default;padding:1px 4px;border-radius:4px}}",
        f".{scope} .ev-crit:hover{{outline:2px solid #555}}",
        f".{scope} .ev-answer{{white-space:pre-wrap;line-height:1.6}}",
    ]
    for c in {c.key: c for c in crits}.values():
        k = css_id(c.key)
        rules.append(
            f".{scope}:has(.ev-crit.{k}:hover) mark.ev:not(.{k}){{background:transparent !important}}"
            f".{scope}:has(.ev-crit.{k}:hover) mark.ev.{k}{{outline:2px solid #333}}"
        )
    return "<style>" + "".join(rules) + "</style>"


def criterion_list(crits: list[Criterion]) -> str:
    return "".join(
        f"<li><span class='ev-crit {css_id(c.key)}' style='border-left:6px solid {c.colour}'>"
        f"{html.escape(c.name)} <small>({html.escape(c.rubric_name)})</small> · {c.level}/5"
        f"{'' if c.quotes else ' · <em>no quote</em>'}</span></li>"
        for c in crits
    )


def evidence_block(
    scope: str, answer: str, card_rubrics: Mapping[str, Any], rubrics: Mapping[str, Rubric], only: str | None = None
) -> str:
    """Legend, criteria (hover one to see only its quotes) and the marked answer, as one HTML block."""
    crits = criteria(card_rubrics, rubrics, rubric_colours(list(rubrics)))
    return (
        hover_css(scope, crits)
        + f"<div class='{scope}'><div>{legend(crits)}</div>"
        + f"<ul style='list-style:none;padding-left:0;margin:.4rem 0'>{criterion_list(crits)}</ul>"
        + f"<div class='ev-answer'>{marked_answer(answer, crits, only)}</div></div>"
    )
