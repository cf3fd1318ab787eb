"""One provider registry: built-ins and a third-party provider installed through a real entry point
(a dist-info on sys.path) appear in the CLI and UI lists, build their model from their settings block and run
a round."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.errors import ConfigError
from simulator.interviewer.backends import LLMBackend, OfflineBackend, get_backend
from simulator.llm import get_chat_model, get_provider, provider_names
from simulator.llm.fake import FakeChatModel
from simulator.llm.registry import ENTRY_POINT_GROUP, reload_providers
from simulator.runtime import Runtime
from simulator.settings import Settings

PLUGIN = '''
"""A third-party provider: one module, one registration."""
from pydantic_settings import BaseSettings, SettingsConfigDict

from simulator.llm import Capabilities, Provider, register
from simulator.llm.fake import FakeChatModel


class EchoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCKSIM_ECHO_")
    llm_model: str
    level: int = 3


def _factory(block, replies=()):
    return FakeChatModel(list(replies), model=f"echo-{block.llm_model}-{block.level}")


register(Provider("echo", "a test provider from an installed plugin", _factory, EchoSettings,
                  Capabilities(streaming=False)))
'''


@pytest.fixture
def echo_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Install `mocksim-echo` the way pip would: a module and a dist-info declaring the entry point."""
    site = tmp_path / "site"
    dist = site / "mocksim_echo-0.1.dist-info"
    dist.mkdir(parents=True)
    (site / "mocksim_echo.py").write_text(textwrap.dedent(PLUGIN))
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mocksim-echo\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\necho = mocksim_echo\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("MOCKSIM_ECHO_LEVEL", "4")
    reload_providers()
    yield site
    monkeypatch.undo()
    sys.modules.pop("mocksim_echo", None)
    reload_providers()


def test_builtin_providers_declare_what_they_can_do() -> None:
    assert provider_names(listed_only=True) == ["offline", "openai"], "offline first; the fake is not offered"
    assert provider_names() == ["offline", "fake", "openai"]
    offline, openai, fake = get_provider("offline"), get_provider("openai"), get_provider("fake")
    assert offline.factory is None and not offline.capabilities.structured_output
    assert openai.capabilities.endpoint and openai.capabilities.needs_key and openai.capabilities.streaming
    assert not fake.capabilities.listed and not fake.capabilities.endpoint
    with pytest.raises(ConfigError, match="unknown backend 'claude'") as err:
        get_provider("claude")
    assert err.value.hint == "use offline or openai"


def test_a_model_is_built_from_its_settings_block() -> None:
    settings = Settings(llm_model="tiny", llm_base_url="http://127.0.0.1:9/v1")
    model = get_chat_model("openai", settings, streaming=False)
    assert (model.provider, model.model, model.endpoint) == ("openai", "tiny", "http://127.0.0.1:9/v1")
    fake = get_chat_model("fake", settings, replies=[{"ok": True}])
    assert isinstance(fake, FakeChatModel) and fake.model == "tiny" and len(fake.queue) == 1
    with pytest.raises(ConfigError, match="uses no model"):
        get_chat_model("offline", settings)


def test_backends_come_from_the_registry(fake_runtime: Runtime) -> None:
    assert isinstance(get_backend("offline", fake_runtime), OfflineBackend)
    fake = get_backend("fake", fake_runtime)
    assert isinstance(fake, LLMBackend) and fake.name == "fake"
    given = FakeChatModel()
    assert get_backend("openai", fake_runtime, model=given).chat is given, "a model passed in is used as is"


@pytest.mark.usefixtures("prebuilt_index")  # the fake embedder, set before the first command reads the settings
def test_an_installed_plugin_is_listed_in_the_cli_and_usable(
    echo_plugin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert provider_names(listed_only=True) == ["offline", "echo", "openai"]
    model = get_chat_model("echo", Settings(llm_model="m"))
    assert model.model == "echo-m-4", "the block takes llm_model from Settings and level from its own env"
    assert main(["practice", "--help"]) == 0
    assert "offline | echo | openai" in " ".join(capsys.readouterr().out.split())
    assert main(["practice", "--backend", "claude"]) == 2
    assert "use offline, echo or openai" in capsys.readouterr().err
    answers = tmp_path / "answers.txt"
    answers.write_text("I would put Redis in front of PostgreSQL and expire keys after a minute.\n")
    args = ["practice", "--backend", "echo", "--round", "technical", "--questions", "1", "--answers-file"]
    assert main([*args, str(answers), "--format", "jsonl"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert events[0]["backend"] == "echo" and events[0]["model"] == "echo-gpt-4o-mini-4"
    cards = [e for e in events if e["type"] == "scorecard"]
    assert cards and all(c["backend"] == "offline" for c in cards), "nothing scripted: each turn falls back"


def test_a_removed_plugin_is_gone_after_a_reload(echo_plugin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "echo" in provider_names()
    monkeypatch.syspath_prepend(str(echo_plugin.parent))  # the site dir stays importable ...
    (echo_plugin / "mocksim_echo-0.1.dist-info" / "entry_points.txt").unlink()  # ... but declares nothing
    reload_providers()
    assert "echo" not in provider_names()


def test_a_broken_plugin_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dist = tmp_path / "mocksim_broken-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mocksim-broken\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nbroken = mocksim_no_such_module\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(ConfigError, match="'broken'") as err:
            reload_providers()
        assert err.value.hint == "install what it needs, or remove it with `pip uninstall mocksim-broken`"
    finally:
        monkeypatch.undo()
        reload_providers()
    assert provider_names() == ["offline", "fake", "openai"]


@pytest.mark.slow
def test_an_installed_plugin_is_offered_in_the_ui(echo_plugin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .apptest_helpers import open_page

    monkeypatch.setenv("MOCKSIM_EMBEDDER", "fake")
    settings = open_page("settings")
    assert list(settings.radio(key="set_backend").options) == ["offline", "echo", "openai"]
    settings.radio(key="set_backend").set_value("echo").run()
    assert not settings.warning, "echo talks to no endpoint: nothing to warn about"
    practice = open_page("practice")
    assert list(practice.radio(key="setup_backend").options) == ["offline", "echo", "openai"]
    assert "echo: a test provider from an installed plugin" in (practice.radio(key="setup_backend").help or "")
