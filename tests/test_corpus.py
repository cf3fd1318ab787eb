"""The question bank: size and spread, field minimums, no near-duplicate prompts, JD steering."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from simulator.contracts.question import ROUNDS
from simulator.loaders import check_rubric_refs
from simulator.runtime import Runtime

pytestmark = pytest.mark.usefixtures("prebuilt_index")  # the index is built once per run (conftest)

MINIMUMS = {"behavioral": 60, "coding": 40, "system_design": 40, "technical": 100}
THEMES = [
    "outage",
    "bottleneck",
    "disagreement",
    "changing-requirements",
    "migration",
    "cross-team",
    "monitoring",
    "stakeholder",
    "deadline",
    "code-review",
    "mentoring",
    "failure",
]
TECH_AREAS = [
    "api-design",
    "data-modeling",
    "indexing",
    "transactions",
    "consistency",
    "caching",
    "queues",
    "concurrency",
    "idempotency",
    "reliability",
    "observability",
    "security",
    "auth",
    "performance",
    "migrations",
    "estimation",
]


def test_size_and_spread(fake_runtime: Runtime) -> None:
    qs = fake_runtime.questions
    counts = Counter(q.round for q in qs)
    assert len(qs) >= 240
    for r, n in MINIMUMS.items():
        assert counts[r] >= n, f"{r}: {counts[r]} < {n}"
    stories = [q for q in qs if q.round == "behavioral" and "star" in q.rubrics]
    for theme in THEMES:
        assert sum(theme in q.topics for q in stories) >= 3, theme
    situational = [q for q in qs if q.round == "behavioral" and "star" not in q.rubrics]
    assert len(situational) >= 14
    tech_topics = Counter(t for q in qs if q.round == "technical" for t in q.topics)
    for area in TECH_AREAS:
        assert tech_topics[area] >= 2, area


def test_field_minimums_and_rubric_refs(fake_runtime: Runtime) -> None:
    qs = fake_runtime.questions
    assert len({q.id for q in qs}) == len(qs)
    for q in qs:
        assert 4 <= len(q.key_points) <= 8 and 3 <= len(q.follow_ups) <= 6, q.id
        assert q.pitfalls and q.reference_answer and q.rubrics, q.id
        if q.round in ("coding", "system_design"):
            assert q.clarifications, q.id
        expected = {  # the rubrics each intent is scored on (rubrics/calibration/intents.yaml)
            "story": {"star", "specificity"},
            "hypothetical": {"approach", "specificity", "tradeoffs"},
            "opinion": {"motivation"},
            "explanation": {"explanation", "coverage"},
            "design": {"system_design", "coverage"},
            "coding": {"coding_talk", "coverage"},
        }[q.intent or ""]
        assert expected <= set(q.rubrics), q.id
        assert q.round in ROUNDS
    assert check_rubric_refs(qs, fake_runtime.rubrics) == []


@pytest.mark.slow
def test_no_near_duplicate_prompts(minilm_runtime: Runtime) -> None:
    qs = minilm_runtime.questions
    v = minilm_runtime.embedder.embed([q.prompt for q in qs])
    sims = v @ v.T
    np.fill_diagonal(sims, 0)
    i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
    assert sims[i, j] <= 0.92, f"{qs[i].id} ~ {qs[j].id}: {sims[i, j]:.3f}"


PAYMENTS_JD = """Senior Backend Engineer, Payments Platform.
You will design and run event-driven services on Kafka that move money for millions of customers.
You care about exactly-once processing, idempotent APIs, reconciliation and ledgers, and you have debugged
consumer lag and duplicate events in production. Experience with PostgreSQL and Go or Java."""

CACHING_JD = """Backend Engineer, Content Delivery.
Our read-heavy APIs serve 200k requests per second to a global audience. You will own the caching layers:
CDN edge caching, Redis application caches, cache invalidation and TTL strategy, and protecting the
database from cache stampedes. Latency budgets matter to us: p99 under 80 ms."""


@pytest.mark.slow
def test_payments_jd_puts_idempotency_queues_or_payments_in_top_five(minilm_runtime: Runtime) -> None:
    picks = minilm_runtime.bank().pick("technical", job_description=PAYMENTS_JD, seniority="senior", n=5)
    tops = [set(p.question.topics) for p in picks]
    assert sum(bool(t & {"idempotency", "queues", "payments", "kafka", "event-driven"}) for t in tops) >= 3, [
        p.question.id for p in picks
    ]
    assert all(p.reasons for p in picks[:3])


@pytest.mark.slow
def test_caching_jd_puts_caching_in_top_five(minilm_runtime: Runtime) -> None:
    picks = minilm_runtime.bank().pick("technical", job_description=CACHING_JD, n=5)
    assert sum("caching" in p.question.topics or "cdn" in p.question.topics for p in picks) >= 3, [
        p.question.id for p in picks
    ]
    design = minilm_runtime.bank().pick("system_design", job_description=CACHING_JD, n=3)
    assert any("caching" in p.question.topics for p in design)


def test_pick_excludes_seen_and_stays_varied(fake_runtime: Runtime) -> None:
    bank = fake_runtime.bank()
    first = bank.pick("technical", n=6)
    seen = {p.question.id for p in first}
    second = bank.pick("technical", n=6, exclude_ids=seen)
    assert not seen & {p.question.id for p in second}
    bank.seen_provider = lambda: seen
    assert not seen & {p.question.id for p in bank.pick("technical", n=10)}
    topics = Counter(t for p in first for t in p.question.topics)
    assert topics.most_common(1)[0][1] < len(first), "MMR keeps the session from repeating one topic"


def test_focus_prefers_questions_that_exercise_the_weak_dimension(fake_runtime: Runtime) -> None:
    bank = fake_runtime.bank()
    picks = bank.pick("behavioral", focus="star", n=5)
    assert all("star" in p.question.rubrics for p in picks)
    assert any("weakest dimension" in r for p in picks for r in p.reasons)


def test_pick_runs_dry(fake_runtime: Runtime) -> None:
    bank = fake_runtime.bank()
    all_ids = [q.id for q in bank.filter(round="coding")]
    assert bank.pick("coding", exclude_ids=all_ids) == []
