"""AppTest drives the question-bank page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from simulator.settings import PROJECT_ROOT

pytestmark = pytest.mark.usefixtures("fake_embedder")  # every test here runs on the fake embedder

APP = str(PROJECT_ROOT / "streamlit_app.py")


def _app() -> AppTest:
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("simulator/ui/pages/question_bank.py")
    return at.run()


def test_bank_lists_filters_and_searches() -> None:  # the first run builds the index, behind a progress bar
    at = _app()
    assert not at.exception
    assert at.title[0].value == "Question bank"
    total = int(at.caption[0].value.split()[0])
    assert total >= 1
    at.selectbox(key="bank_round").select("technical").run()
    technical = int(at.caption[0].value.split()[0])
    assert 0 < technical <= total
    at.text_input(key="bank_query").input("idempotency keys for payments").run()
    assert "best first" in at.caption[0].value
    assert at.expander, "results are shown as expandable questions"


@pytest.mark.usefixtures("prebuilt_index")  # the index built once per run (conftest)
def test_exact_topic_and_id_matches_rank_first_and_weak_matches_wait() -> None:
    at = _app()
    at.text_input(key="bank_query").input("idempotency").run()
    assert not at.exception
    labels = [e.label for e in at.expander if e.label != "Reference answer"]
    from simulator.runtime import get_runtime

    questions = get_runtime().questions
    tagged = [q for q in questions if "idempotency" in q.topics]
    payment = next(q for q in questions if q.id == "sd-payment-api-idempotency")
    assert labels[0].startswith(payment.prompt[:60]), "the question whose id and topic name it comes first"
    assert all(any(lb.startswith(q.prompt[:60]) for lb in labels[: len(tagged)]) for q in tagged)
    caption = at.caption[0].value
    assert f"({len(tagged)} by id or topic)" in caption and "weaker not shown" in caption
    assert len(labels) < len(questions)
    more = at.toggle(key="bank_more")
    more.set_value(True).run()
    assert len([e for e in at.expander if e.label != "Reference answer"]) > len(labels), "show more lists the rest"
    at.text_input(key="bank_query").input("sd-url-shortener").run()
    assert at.expander[0].label.startswith(next(q for q in questions if q.id == "sd-url-shortener").prompt[:60])


@pytest.mark.usefixtures("prebuilt_index")  # the index built once per run (conftest)
def test_rank_floor_keeps_only_close_meaning_matches() -> None:
    from simulator.runtime import get_runtime
    from simulator.ui.bank_search import ABSOLUTE_FLOOR, rank

    qs = get_runtime().questions[:6]
    hits = [(q, s) for q, s in zip(qs, [0.5, 0.45, 0.3, 0.2, 0.1, 0.05], strict=True)]
    shown, more = rank("nothing in particular", hits, qs)
    assert [r.similarity for r in shown] == [0.5, 0.45] and len(more) == 4, "within 75% of the best, above the floor"
    shown, more = rank("zzz", [(q, ABSOLUTE_FLOOR - 0.01) for q in qs], qs)
    assert shown == [] and len(more) == len(qs), "nothing close: nothing shown, all behind show more"


@pytest.mark.usefixtures("prebuilt_index")  # the index built once per run (conftest)
def test_bank_handles_huge_and_empty_queries() -> None:
    at = _app()
    at.text_input(key="bank_query").input("cache " * 20_000).run()
    assert not at.exception
    assert any("only the first" in w.value for w in at.warning)
    at.text_input(key="bank_query").input("   ").run()
    assert not at.exception and not at.error
