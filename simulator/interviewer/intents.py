"""What a candidate's turn is: a command (hint, skip, repeat, end), a clarifying question, or an answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

COMMANDS = {
    "hint": ("/hint", "hint", "give me a hint", "can i get a hint", "can i have a hint"),
    "skip": ("/skip", "skip", "next", "pass", "skip this one", "next question"),
    "repeat": ("/repeat", "repeat", "repeat the question", "can you repeat that", "say that again", "sorry?"),
    "end": ("/end", "end", "stop", "quit", "exit", "end the session", "end interview", "/quit", "/exit"),
}
CLARIFY_START = re.compile(
    r"^(can i assume|may i assume|should i assume|is it (ok|okay|fine|safe) to assume|do we|does it|does the|is it|"
    r"is the|is there|are there|are we|what (is|are|'s) the (scale|size|load|traffic|volume|budget|latency|sla)|"
    r"what scale|how (many|much|big|large|often|fast)|should (it|the|we)|can (it|the|we)|will (it|the|we)|"
    r"what happens (if|when)|clarif|quick question|just to clarify|to clarify)",
    re.I,
)

# a guess offered as a question ("maybe shard by user id?") is an answer to score, not a question to answer
TENTATIVE = re.compile(
    r"\b(maybe|perhaps|probably|possibly|i think|i guess|not sure|my guess|i suppose|we could)\b",
    re.I,
)

Kind = Literal["command", "clarification", "answer"]


@dataclass(frozen=True)
class Intent:
    kind: Kind
    text: str
    command: str | None = None


def classify(text: str) -> Intent:
    stripped = text.strip()
    low = stripped.lower().rstrip(".!")
    for name, forms in COMMANDS.items():
        if low in forms:
            return Intent("command", stripped, name)
    words = len(stripped.split())
    questions = stripped.count("?")
    # a short turn that asks something is a clarifying question, not an answer
    asks = words <= 15 and low.endswith("?") and not TENTATIVE.search(low)
    if questions >= 1 and ((words <= 40 and CLARIFY_START.search(stripped)) or asks):
        return Intent("clarification", stripped)
    return Intent("answer", stripped)
