"""Small helpers shared by CLI commands."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

import typer

from simulator.errors import InputError


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


class TextOrJsonl(str, Enum):
    text = "text"
    jsonl = "jsonl"


def emit_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, default=str))


def positive(value: int, name: str, upper: int = 1000) -> int:
    if value < 1 or value > upper:
        raise InputError(f"{name} must be between 1 and {upper}, got {value}")
    return value
