"""Small helpers shared by CLI commands."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

import typer

from simulator.errors import InputError
from simulator.llm.registry import get_provider, one_of, provider_names

_BACKEND_OPTIONS: list[Any] = []


def backend_option() -> Any:
    """`--backend`: its help lists the registered providers, read again each time the CLI runs."""
    option = typer.Option("offline", "--backend", help="the interviewer backend")
    _BACKEND_OPTIONS.append(option)
    return option


def refresh_backend_help() -> str:
    """Name the listed providers (plugins included) in every --backend help; called before the CLI is built.
    Returns that list, which the built CLI depends on."""
    listed = " | ".join(provider_names(listed_only=True))
    for option in _BACKEND_OPTIONS:
        option.help = listed
    return listed


def check_backend(name: str) -> str:
    """A registered provider's name, or an error naming the ones there are."""
    if name not in provider_names():
        raise InputError(f"unknown backend '{name}'", f"use {one_of(provider_names(listed_only=True))}")
    return name


def backend_streams(name: str) -> bool:
    return get_provider(name).capabilities.streaming


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
