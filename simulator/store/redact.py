"""Secrets never reach the database, exports or logs: known secret values and key-shaped strings are masked."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

KEY_SHAPES = re.compile(
    r"\b(?:sk-(?:proj-|live-|test-)?[A-Za-z0-9_\-]{16,}|AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{30,}|xox[abp]-[A-Za-z0-9\-]{10,})"
)
MASK = "[secret removed]"


class Redactor:
    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for s in self.secrets:
            value = value.replace(s, MASK)
        return KEY_SHAPES.sub(MASK, value)

    def deep(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.deep(v) for v in value]
        return value
