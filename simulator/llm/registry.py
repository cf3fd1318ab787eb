"""Providers register themselves by name; the core never imports a provider module directly."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from simulator.errors import ConfigError
from simulator.llm.base import ChatModel
from simulator.settings import Settings

Factory = Callable[[Settings], ChatModel]
_FACTORIES: dict[str, Factory] = {}
_MODULES = {"openai": "simulator.llm.openai_provider", "fake": "simulator.llm.fake"}


def register_provider(name: str) -> Callable[[Factory], Factory]:
    def deco(factory: Factory) -> Factory:
        _FACTORIES[name] = factory
        return factory

    return deco


def provider_names() -> list[str]:
    return sorted(set(_MODULES) | set(_FACTORIES))


def get_chat_model(name: str, settings: Settings, **kwargs: Any) -> ChatModel:
    if name not in _FACTORIES and name in _MODULES:
        try:
            importlib.import_module(_MODULES[name])
        except ImportError as exc:
            raise ConfigError(
                f"the '{name}' provider needs a package that is not installed ({exc.name})",
                "install the project with `make run` (pip install -e .)",
            ) from exc
    if name not in _FACTORIES:
        raise ConfigError(f"unknown model provider '{name}'", f"use one of: {', '.join(provider_names())}")
    factory = _FACTORIES[name]
    return factory(settings, **kwargs) if kwargs else factory(settings)
