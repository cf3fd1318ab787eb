"""Scores a candidate can believe (issue 13), with the real MiniLM: the intent picks the rubrics, numbers in words
count, outcomes are results and actions are not, repetition never pays, and evidence supports its criterion."""

from __future__ import annotations

import re

import pytest

from simulator.runtime import Runtime

pytestmark = pytest.mark.slow

STORY = (
    "Last spring our checkout API on PostgreSQL started timing out during a sale, with p95 latency at 4 seconds. "
    "I was the on-call engineer, so my job was to bring latency back under 500 ms before the evening peak. "
    "I profiled the slow endpoints with pg_stat_statements and found an N+1 query in the cart service. "
    "I added a composite index on (cart_id, created_at) and batched the item lookups into one query. "
    "As a result p95 dropped from 4 seconds to 300 ms and timeouts went to zero. "
    "What I learned is to add query-count alerts, so an N+1 pattern is caught before it reaches production."
)
OUTCOME = "As a result p95 dropped from 4 seconds to 300 ms and timeouts went to zero. "


@pytest.fixture(scope="module")
def rt(minilm_runtime: Runtime) -> Runtime:
    return minilm_runtime


@pytest.mark.parametrize(
    "prompt",
    [
        "What's the project you're proudest of?",
        "Tell me about the billing migration you led.",
        "Describe the hardest production bug you chased down.",
        "Walk me through your biggest technical decision last year.",
    ],
)
def test_story_prompts_without_the_usual_phrase_get_star(rt: Runtime, prompt: str) -> None:
    card = rt.scorer.score(STORY, question_text=prompt)
    assert card.intent == "story"
    assert "star" in card.rubrics and "tradeoffs" not in card.rubrics  # this story turns on no decision


@pytest.mark.parametrize(
    ("prompt", "intent", "rubric"),
    [
        (
            "A teammate keeps pushing straight to main and it broke prod twice. What do you do?",
            "hypothetical",
            "approach",
        ),
        ("Why do you want to work on our payments team?", "opinion", "motivation"),
        ("How does a B-tree index make lookups fast, and what does it cost on writes?", "explanation", "explanation"),
        (
            "Design a notification service that sends push, email and SMS to 50 million users.",
            "design",
            "system_design",
        ),
        ("Implement a function that returns the k most frequent IPs in a log file.", "coding", "coding_talk"),
    ],
)
def test_each_intent_picks_its_rubrics(rt: Runtime, prompt: str, intent: str, rubric: str) -> None:
    card = rt.scorer.score("I would start by looking at what the data says, then decide.", question_text=prompt)
    assert card.intent == intent
    assert rubric in card.rubrics
    if intent != "story":
        assert "star" not in card.rubrics


def test_a_story_that_turns_on_a_decision_is_held_to_tradeoffs(rt: Runtime) -> None:
    decided = STORY.replace(
        "As a result",
        "I chose a Redis cache over read replicas, because replicas would have lagged and cost more. As a result",
    )
    card = rt.scorer.score(decided, question_text="Tell me about a slow endpoint you fixed.")
    assert "tradeoffs" in card.rubrics
    assert card.rubrics["tradeoffs"].criteria["alternatives"].level >= 3


def test_numbers_in_words_count_like_digits(rt: Runtime) -> None:
    q = "Tell me about a time you sped up a slow process."
    digits = (
        "Our nightly billing export took 6 hours and often missed the 7 am deadline. I owned fixing it. "
        "I profiled it and found it read 20 tables row by row, so I rewrote it as 3 bulk queries. "
        "It went from 6 hours to about 40 seconds, and support tickets fell from 20 a day to 3."
    )
    words = (
        "Our nightly billing export took six hours and often missed the seven am deadline. I owned fixing it. "
        "I profiled it and found it read twenty tables row by row, so I rewrote it as three bulk queries. "
        "It went from six hours to about forty seconds, and support tickets fell from twenty a day to three."
    )
    a, b = rt.scorer.score(digits, question_text=q), rt.scorer.score(words, question_text=q)
    qa = a.rubrics["specificity"].criteria["quantified"].level
    qb = b.rubrics["specificity"].criteria["quantified"].level
    assert qb >= 4 and qb >= qa - 1
    assert abs(a.overall - b.overall) <= 8


def test_removing_the_outcome_lowers_result_and_never_quotes_an_action(rt: Runtime) -> None:
    q = "Tell me about a performance problem you solved."
    full = rt.scorer.score(STORY, question_text=q)
    cut = rt.scorer.score(STORY.replace(OUTCOME, ""), question_text=q)
    assert cut.rubrics["star"].criteria["result"].level < full.rubrics["star"].criteria["result"].level
    assert cut.overall < full.overall
    for quote in cut.rubrics["star"].criteria["result"].evidence:
        assert not re.match(r"I (profiled|added|batched)", quote), f"an action was quoted as the result: {quote}"


def test_an_outcome_without_numbers_is_still_a_result(rt: Runtime) -> None:
    q = "Tell me about an on-call problem you fixed."
    base = (
        "Our on-call rotation was paged almost every night by a flapping disk alert on the Kafka brokers. "
        "I took it on as my goal for the quarter. I traced the alert to a threshold set far below real usage, "
        "so I rewrote the alert to fire on the rate of growth instead of the absolute level. "
        "I also added a runbook and walked the team through it."
    )
    no_result = rt.scorer.score(base, question_text=q)
    with_result = rt.scorer.score(base + " After that the team stopped getting paged at night.", question_text=q)
    assert with_result.rubrics["star"].criteria["result"].level >= 3
    assert with_result.rubrics["star"].criteria["result"].level > no_result.rubrics["star"].criteria["result"].level


def test_repeating_an_answer_never_raises_its_score(rt: Runtime) -> None:
    q = "Tell me about a performance problem you solved."
    once = rt.scorer.score(STORY, question_text=q)
    five = rt.scorer.score(" ".join([STORY] * 5), question_text=q)
    assert five.overall <= once.overall
    assert "repetition" in five.flags


def test_we_without_i_lowers_ownership_and_grand_claims_lower_concreteness(rt: Runtime) -> None:
    q = "Tell me about a performance problem you solved."
    we = STORY.replace("I was the on-call engineer, so my job", "We were on call, so our job").replace("I ", "We ")
    own = rt.scorer.score(STORY, question_text=q).rubrics["specificity"].criteria["ownership"].level
    assert rt.scorer.score(we, question_text=q).rubrics["specificity"].criteria["ownership"].level < own
    grand = STORY + " Honestly I single-handedly transformed the company and it was a huge success."
    c1 = rt.scorer.score(STORY, question_text=q).rubrics["specificity"].criteria["concreteness"].level
    assert rt.scorer.score(grand, question_text=q).rubrics["specificity"].criteria["concreteness"].level < c1


def test_a_criterion_nothing_speaks_to_has_no_quote_and_a_low_level(rt: Runtime) -> None:
    design = (
        "Users should be able to shorten a long URL and be redirected quickly; reads dominate writes 100 to 1. "
        "I would put the mapping in PostgreSQL with the short code as the primary key, and a Redis cache in front. "
        "A stateless service behind a load balancer handles POST /links and GET /{code}."
    )
    card = rt.scorer.score(design, question_text="Design a URL shortener.")
    security = card.rubrics["system_design"].criteria["security"]
    assert security.evidence == [] and security.level <= 2
    for rubric in card.rubrics.values():
        for crit in rubric.criteria.values():
            for quote in crit.evidence:
                assert quote in design


def test_strong_feedback_quotes_the_answer_not_the_rubric(rt: Runtime) -> None:
    card = rt.scorer.score(STORY, question_text="Tell me about a performance problem you solved.")
    strong = [c for r in card.rubrics.values() for c in r.criteria.values() if c.level == 5]
    assert any(c.evidence for c in strong), "the model story should be strong somewhere, with a quote"
    for c in strong:
        assert c.feedback.startswith("Strong: you")
        quoted = re.search(r"“(.+?)(…)?”", c.feedback)
        assert (quoted is not None) == bool(c.evidence)
        assert quoted is None or quoted.group(1) in STORY
        assert "3% to 0.1%" not in c.feedback and "1.8 s to 250 ms" not in c.feedback


def test_a_complete_short_story_is_not_docked_for_being_short(rt: Runtime) -> None:
    short = (
        "At Acme our search API's p95 hit 2 s after a catalogue import. I owned the fix before Monday's launch. "
        "I found a missing index with EXPLAIN ANALYZE and added it, then load-tested the endpoint. "
        "p95 fell to 180 ms and the launch went ahead. I now check query plans before every big import."
    )
    vague = "We had some performance issues. I looked into it and made some changes and things improved."
    q = "Tell me about a time you fixed a slow system."
    s, v = rt.scorer.score(short, question_text=q), rt.scorer.score(vague, question_text=q)
    assert s.overall >= 60 and v.overall <= 30
