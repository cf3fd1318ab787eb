"""The one provider registry: a provider is one module that registers a name, a factory, a settings block and
its capabilities. The UI, the CLI and the interviewer read the list of backends from here; none of them names
a provider.

Built-in providers are the modules of `simulator.llm.providers` (each registers itself when imported);
third-party ones are found through the entry point group `mocksim.providers` (see docs/PROVIDERS.md).
Registration modules stay light: a provider imports its SDK inside its factory, so listing the providers
never pays for it.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from pydantic import BaseModel, ValidationError

from simulator.errors import ConfigError
from simulator.llm.base import ChatModel
from simulator.settings import Settings

ENTRY_POINT_GROUP = "mocksim.providers"
BUILTIN_PACKAGE = "simulator.llm.providers"
Factory = Callable[..., ChatModel]  # (settings block, **kwargs) -> ChatModel


@dataclass(frozen=True)
class Capabilities:
    """What a provider can do; the UI and the CLI decide from these, never from its name."""

    structured_output: bool = True  # judges a turn in one schema-bound request (False: the offline engine scores)
    streaming: bool = True  # the interviewer's words can be shown while the model writes them
    needs_key: bool = False  # an API key is required (openai: at api.openai.com; a local server needs none)
    endpoint: bool = False  # talks to the OpenAI-compatible server at llm_base_url: checked when chosen in the UI
    listed: bool = True  # offered in the UI and named in --help; an unlisted one (the fake) is accepted by name


@dataclass(frozen=True)
class Provider:
    name: str
    summary: str  # one line for --help and the UI
    factory: Factory | None = None  # builds the ChatModel; None: no model (the offline engine)
    settings: type[BaseModel] | None = None  # the block the factory gets (fields read from Settings by name)
    capabilities: Capabilities = field(default_factory=Capabilities)

    def settings_block(self, settings: Settings) -> BaseModel | None:
        """This provider's block: each field Settings has is taken from it (so values the UI sets reach the
        provider); a pydantic-settings block reads any other field from its own environment variables."""
        if self.settings is None:
            return None
        given = {k: getattr(settings, k) for k in self.settings.model_fields if k in type(settings).model_fields}
        try:
            return self.settings(**given)
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"]) or self.settings.__name__
            raise ConfigError(
                f"the '{self.name}' provider's setting {where} is not usable: {problem['msg']}",
                "set it in the environment or .env (see `mocksim config`), or choose another backend",
            ) from exc


_BUILTIN: dict[str, Provider] = {}  # registered by the modules of simulator.llm.providers (and by register())
_PLUGINS: dict[str, Provider] = {}  # registered through the entry points installed now
_FROM_ENTRY_POINT: dict[str, list[Provider]] = {}  # what each entry point registered, kept across reloads
_loaded = False
_lock = threading.RLock()
_target = _BUILTIN


def register(provider: Provider) -> Provider:
    """Add (or replace) a provider. A provider module calls this when it is imported."""
    with _lock:
        _target[provider.name] = provider
    return provider


def _from_entry_point(ep: EntryPoint) -> list[Provider]:
    """The providers an entry point registers: its module's register() calls, or the Provider it names."""
    global _target
    key = f"{ep.name}={ep.value}"
    if key not in _FROM_ENTRY_POINT:
        caught: dict[str, Provider] = {}
        _target = caught
        try:
            loaded = ep.load()
        except ImportError as exc:
            dist = ep.dist.name if ep.dist is not None else ep.value
            raise ConfigError(
                f"the provider plugin '{ep.name}' ({ep.value}) cannot be imported: {exc}",
                f"install what it needs, or remove it with `pip uninstall {dist}`",
            ) from exc
        finally:
            _target = _BUILTIN
        if isinstance(loaded, Provider):
            caught[loaded.name] = loaded
        _FROM_ENTRY_POINT[key] = list(caught.values())
    return _FROM_ENTRY_POINT[key]


def _load() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        package = importlib.import_module(BUILTIN_PACKAGE)
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            importlib.import_module(f"{BUILTIN_PACKAGE}.{info.name}")
        _PLUGINS.clear()
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            _PLUGINS.update({p.name: p for p in _from_entry_point(ep)})
        _loaded = True


def reload_providers() -> None:
    """Read the installed entry points again (after a plugin was installed or removed)."""
    global _loaded
    with _lock:
        _loaded = False
        _load()


def list_providers(listed_only: bool = False) -> list[Provider]:
    """Every registered provider: the ones without a model (offline) first, then by name."""
    _load()
    found = sorted({**_PLUGINS, **_BUILTIN}.values(), key=lambda p: (p.factory is not None, p.name))
    return [p for p in found if p.capabilities.listed or not listed_only]


def provider_names(listed_only: bool = False) -> list[str]:
    return [p.name for p in list_providers(listed_only)]


def one_of(names: list[str]) -> str:
    """'offline or openai', 'offline, openai or echo'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def get_provider(name: str) -> Provider:
    _load()
    found = _BUILTIN.get(name) or _PLUGINS.get(name)
    if found is None:
        raise ConfigError(f"unknown backend '{name}'", f"use {one_of(provider_names(listed_only=True))}")
    return found


def get_chat_model(name: str, settings: Settings, **kwargs: Any) -> ChatModel:
    """The named provider's ChatModel, built from its settings block (kwargs go to its factory)."""
    provider = get_provider(name)
    if provider.factory is None:
        raise ConfigError(f"the '{name}' backend uses no model", "choose a backend that talks to a model")
    try:
        return provider.factory(provider.settings_block(settings), **kwargs)
    except ImportError as exc:
        raise ConfigError(
            f"the '{name}' provider needs a package that is not installed ({exc.name})",
            "install the project with `make run` (pip install -e .), or the provider's own package",
        ) from exc
