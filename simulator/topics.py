"""Words in a job description that point at a corpus topic tag. Used to steer question choice."""

from __future__ import annotations

import re

# tag -> cue words/phrases (lower case). A cue matches on word boundaries.
TOPIC_CUES: dict[str, tuple[str, ...]] = {
    "payments": ("payment", "payments", "billing", "checkout", "ledger", "fintech", "stripe", "refund", "invoice"),
    "idempotency": ("idempotent", "idempotency", "exactly-once", "exactly once", "duplicate charge", "payment"),
    "queues": ("queue", "queues", "kafka", "rabbitmq", "sqs", "pub/sub", "pubsub", "message broker", "nats"),
    "kafka": ("kafka", "event streaming", "confluent"),
    "event-driven": ("event-driven", "event driven", "events", "event sourcing", "kafka", "cqrs"),
    "async": ("asynchronous", "async", "background jobs", "workers", "celery"),
    "caching": ("cache", "caching", "redis", "memcached", "read-heavy", "read heavy", "cdn", "varnish"),
    "cdn": ("cdn", "edge", "cloudfront", "fastly", "akamai", "static assets"),
    "api-design": ("api", "apis", "rest", "restful", "grpc", "graphql", "openapi", "endpoints"),
    "rest": ("rest", "restful", "http api"),
    "sql": ("sql", "postgres", "postgresql", "mysql", "relational"),
    "nosql": ("nosql", "mongodb", "dynamodb", "cassandra", "document store"),
    "indexing": ("index", "indexes", "query performance", "query tuning"),
    "transactions": ("transaction", "transactions", "acid", "isolation"),
    "consistency": ("consistency", "consistent", "replication", "distributed data"),
    "scaling": ("scale", "scalable", "scalability", "high traffic", "millions of users", "horizontal"),
    "reliability": ("reliability", "availability", "uptime", "sre", "resilience", "fault tolerance"),
    "observability": (
        "observability",
        "monitoring",
        "metrics",
        "tracing",
        "logging",
        "prometheus",
        "grafana",
        "datadog",
        "opentelemetry",
        "on-call",
        "on call",
    ),
    "incident-response": ("incident", "incidents", "on-call", "on call", "pager", "postmortem", "post-mortem"),
    "security": ("security", "secure", "owasp", "compliance", "pci", "encryption"),
    "auth": ("auth", "authentication", "authorization", "oauth", "sso", "jwt", "identity"),
    "microservices": ("microservices", "microservice", "service-oriented", "distributed systems", "kubernetes"),
    "migrations": ("migration", "migrations", "legacy", "monolith", "modernisation", "modernization"),
    "search": ("search", "elasticsearch", "opensearch", "ranking"),
    "streaming": ("streaming", "real-time", "realtime", "flink", "spark streaming", "kinesis"),
    "notifications": ("notification", "notifications", "push", "email delivery", "sms"),
    "storage": ("storage", "s3", "object store", "blob", "files", "uploads"),
    "rate-limiting": ("rate limit", "rate limiting", "throttling", "quota"),
    "concurrency": ("concurrency", "concurrent", "multithreaded", "race condition", "locking"),
    "performance": ("performance", "latency", "low-latency", "throughput", "profiling", "optimisation", "optimization"),
    "data-modeling": ("data model", "data modelling", "data modeling", "schema design"),
}

_PATTERNS = {
    tag: re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(c) for c in cues) + r")(?![a-z0-9])")
    for tag, cues in TOPIC_CUES.items()
}


def topics_in(text: str) -> dict[str, int]:
    """Topic tags whose cue words occur in `text`, with how many times."""
    low = text.lower()
    found: dict[str, int] = {}
    for tag, pattern in _PATTERNS.items():
        n = len(pattern.findall(low))
        if n:
            found[tag] = n
    return found
