"""AppTest drives Settings: openai without a key or with an unreachable URL warns when chosen and offers offline;
"Test connection" names the actual problem (no key, unreachable, unauthorised, model not found, mode unsupported)."""

from __future__ import annotations

import pytest

from simulator.llm.base import ModelError, ModeUnsupported
from simulator.ui.connection import diagnose

from .apptest_helpers import button, open_page
from .servers import free_port

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSIM_EMBEDDER", "fake")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def _errors(at) -> str:  # type: ignore[no-untyped-def]
    return " ".join(e.value for e in at.error)


def test_choosing_openai_without_a_key_warns_and_offers_offline() -> None:
    at = open_page("settings")
    assert not at.warning, "offline needs nothing"
    at.radio(key="set_backend").set_value("openai").run()
    assert any("No API key" in w.value for w in at.warning), "warned at selection time, before any answer"
    button(at, "Test connection").click().run()
    assert "No API key" in _errors(at) and "check the endpoint in Settings" not in _errors(at)
    button(at, "Continue offline").click().run()
    assert at.radio(key="set_backend").value == "offline" and not at.warning


def test_choosing_openai_with_an_unreachable_url_warns() -> None:
    at = open_page("settings")
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    at.text_input(key="set_base").input(dead)
    at.radio(key="set_backend").set_value("openai").run()
    assert any("unreachable" in w.value for w in at.warning)
    at.text_input(key="set_key").input("sk-test-0000000000000000").run()
    button(at, "Test connection").click().run()
    assert "Unreachable" in _errors(at)


@pytest.mark.parametrize(
    ("error", "named"),
    [
        (ModelError("HTTP 401: invalid api key", "http_401"), "Unauthorised"),
        (ModelError("HTTP 404: The model `nope` does not exist", "http_404"), "Model not found"),
        (ModeUnsupported("json_object is not supported by this model", "unsupported"), "Mode unsupported"),
    ],
)
def test_test_connection_names_the_problem(error: ModelError, named: str) -> None:
    """What Settings says when the endpoint's mode probe fails (the probe itself is tested over HTTP against
    each server profile in test_llm_servers.py; the unreachable case above goes through the page)."""
    at = open_page("settings")  # a runtime for the page's helpers
    problem = diagnose(error, "http://127.0.0.1:9/v1", "nope", "sk-test-0000000000000000")
    assert problem.title.startswith(named) and problem.what_to_do
    assert at is not None
