"""Candidate text is untrusted: it is wrapped in randomised delimiters and look-alike markers are neutralised."""

from __future__ import annotations

import re
import secrets

from simulator.scoring.injection import normalise

_ROLE_LINE = re.compile(r"(?im)^(\s*)(system|assistant|developer|user|human|ai)\s*:")
_MARKERS = re.compile(r"<<|>>|<\|[^|>]{0,40}\|>|\[/?INST\]|</?(?:system|assistant|user)>", re.I)


def new_delimiter() -> str:
    return "answer-" + secrets.token_hex(6)


def neutralise(text: str, delimiter: str) -> str:
    """Fold look-alikes, then defuse anything that could pass for our markers or a chat-role line."""
    text = normalise(text)
    text = text.replace(delimiter, "[delimiter removed]")
    text = _MARKERS.sub(lambda m: "‹" * len(m.group()) if m.group() in ("<<", ">>") else "[marker removed]", text)
    return _ROLE_LINE.sub(lambda m: f"{m.group(1)}(candidate wrote) {m.group(2)}:", text)
