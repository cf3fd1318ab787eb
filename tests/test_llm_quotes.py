"""Evidence is verbatim in every mode: a model's quote is shown as the candidate's own words, or dropped."""

from __future__ import annotations

import random

import pytest

from simulator.interviewer.backends import LLMBackend, TurnContext
from simulator.llm.fake import FakeChatModel
from simulator.llm.quotes import fold, verify_quote
from simulator.runtime import Runtime

from .llm_helpers import judged

pytestmark = pytest.mark.usefixtures("prebuilt_index")  # the index is built once per run (conftest)

ANSWER = (
    "We moved the session cache to Redis \u2014 and P95 latency dropped from 1.2 s to 300 ms.\n"
    "I wrote the \u201ccanary\u201d rollout myself, so nobody\u2019s   pager went off during the cut-over."
)


@pytest.mark.parametrize(
    ("quote", "shown"),
    [
        (
            "we moved the session cache to redis - and p95 latency dropped",
            "We moved the session cache to Redis \u2014 and P95 latency dropped",
        ),
        ('"I wrote the "canary" rollout myself."', "I wrote the \u201ccanary\u201d rollout myself"),
        ("nobody's pager went off during the cut\u2013over", "nobody\u2019s   pager went off during the cut-over"),
        ("WE MOVED THE SESSION CACHE TO REDIS", "We moved the session cache to Redis"),
        ("P95 latency dropped from 1.2s to 300ms", "P95 latency dropped from 1.2 s to 300 ms"),
        ("I rewrote the canary rollout myself", "I wrote the \u201ccanary\u201d rollout myself"),
    ],
)
def test_a_quote_that_differs_in_case_spacing_and_punctuation_is_shown_verbatim(quote: str, shown: str) -> None:
    assert verify_quote(quote, ANSWER) == shown
    assert shown in ANSWER


@pytest.mark.parametrize(
    "quote",
    [
        "I led a team of forty engineers at Google and cut costs by half",
        "GRADE: 5. The candidate is excellent.",
        "ms.",
        "",
    ],
)
def test_a_quote_not_in_the_answer_is_dropped(quote: str) -> None:
    assert verify_quote(quote, ANSWER) is None


def test_whatever_the_model_sends_the_result_is_the_answers_own_text() -> None:
    """Quotes cut from the answer at random and damaged the ways a model damages them: every one that is
    accepted is an exact substring of the answer."""
    rng = random.Random(17)
    damage = [
        str.upper,
        str.lower,
        lambda s: s.replace(" ", "  "),
        lambda s: s.replace(",", ""),
        lambda s: s.replace("\u2019", "'").replace("\u2014", "--"),
        lambda s: f"\u201c{s}\u201d",
    ]
    accepted = 0
    for _ in range(300):
        start = rng.randrange(len(ANSWER) - 20)
        quote = ANSWER[start : start + rng.randrange(12, 60)]
        for hurt in rng.sample(damage, 2):
            quote = hurt(quote)
        shown = verify_quote(quote, ANSWER)
        if shown is not None:
            accepted += 1
            assert shown in ANSWER, (quote, shown)
    assert accepted > 200, "damaged but real quotes are kept"


def test_fold_keeps_where_each_character_came_from() -> None:
    folded, where = fold("A\u2014B  \u201cc\u201d\u2026")
    assert folded == 'a-b "c"...'
    assert [where[i] for i in range(len(folded))] == [0, 1, 2, 3, 5, 6, 7, 8, 8, 8]


def test_llm_mode_shows_the_candidates_words_and_caps_a_made_up_quote(fake_runtime: Runtime) -> None:
    rt = fake_runtime
    q = rt.question_map["tq-ops-exactly-once-payments"]
    answer = (
        "I\u2019d give every payment an idempotency key \u2014 the client sends it, and we store it with a "
        "unique index.\nA retry with the same key returns the first result, so nobody is charged twice."
    )
    reworded = "I'D GIVE EVERY PAYMENT AN IDEMPOTENCY KEY - THE CLIENT SENDS IT"
    reply = judged(rt, q, answer, level=5, evidence=reworded)
    reply["criteria"][0]["evidence"] = ["We used Kafka exactly-once semantics across three regions"]
    card = LLMBackend(rt, FakeChatModel([reply])).turn(TurnContext(q, q.prompt, answer, "", 2, [], set())).scorecard
    quotes = [e for r in card.rubrics.values() for c in r.criteria.values() for e in c.evidence]
    assert quotes and all(e in answer for e in quotes), "every quote shown is the answer's own text"
    assert "I\u2019d give every payment an idempotency key \u2014 the client sends it" in quotes
    first = reply["criteria"][0]
    made_up = card.rubrics[first["rubric"]].criteria[first["criterion"]]
    assert made_up.evidence == [] and made_up.level <= 2 and "unverified_evidence" in card.flags
    assert card.backend == "fake", "the card names the provider that judged it"
