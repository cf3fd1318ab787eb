"""AppTest drives the question-bank page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from simulator.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "streamlit_app.py")


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSIM_EMBEDDER", "fake")


def _app() -> AppTest:
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("simulator/ui/pages/question_bank.py")
    return at.run()


def test_bank_lists_filters_and_searches() -> None:
    at = _app()
    assert not at.exception
    assert at.title[0].value == "Question bank"
    total = int(at.caption[0].value.split()[0])
    assert total >= 1
    at.selectbox(key="bank_round").select("technical").run()
    technical = int(at.caption[0].value.split()[0])
    assert 0 < technical <= total
    at.text_input(key="bank_query").input("idempotency keys for payments").run()
    assert "best matches first" in at.caption[0].value
    assert at.expander, "results are shown as expandable questions"


def test_bank_handles_huge_and_empty_queries() -> None:
    at = _app()
    at.text_input(key="bank_query").input("cache " * 20_000).run()
    assert not at.exception
    assert any("only the first" in w.value for w in at.warning)
    at.text_input(key="bank_query").input("   ").run()
    assert not at.exception and not at.error
